using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>rename(2) (the kernel's <c>ovl_rename</c>): the rules, the copy-up it needs, redirects and the whiteout left behind.</content>
internal sealed partial class UnionEngine
{
    /// <summary>
    /// rename(2), or with <paramref name="noReplace"/> renameat2(RENAME_NOREPLACE). A lower file is
    /// copied up and leaves a whiteout; a lower or merged directory follows the
    /// <see cref="DirectoryRenamePolicy"/>; an upper-only directory moved into a merged parent
    /// becomes opaque, as the kernel makes it. FileShare locks follow what moved, as flock(2)
    /// locks follow an inode.
    /// </summary>
    /// <param name="sourcePath">What to move.</param>
    /// <param name="destinationPath">Where to.</param>
    /// <param name="noReplace">Refuse an existing destination with EEXIST.</param>
    /// <param name="replacedLinkedAt">
    /// Where a hard link to the replaced destination was made first (File.Replace's backup, a copy
    /// here): the locks on the replaced file move there. Otherwise they stay with the file, out of
    /// reach of any name.
    /// </param>
    /// <returns>The errno.</returns>
    public Errno Rename(UnionPath sourcePath, UnionPath destinationPath, bool noReplace, string? replacedLinkedAt = null) =>
        Rename(sourcePath, destinationPath, noReplace, replacedLinkedAt, fileOnly: false, out _);

    /// <summary>
    /// As <see cref="Rename(UnionPath, UnionPath, bool, string?)"/>, for File.Move's common case: a
    /// source that is a regular file is renamed; any other source (a directory, a link whose target
    /// decides what File.Move does, a device) is left where it is, for the caller to make its
    /// checks the long way. Nothing is changed when the answer is not <see cref="Errno.None"/>.
    /// </summary>
    /// <param name="sourcePath">What to move.</param>
    /// <param name="destinationPath">Where to.</param>
    /// <param name="noReplace">Refuse an existing destination with EEXIST.</param>
    /// <param name="notAFile">The source is there and is not a regular file: nothing was done.</param>
    /// <returns>The errno (<see cref="Errno.None"/> with <paramref name="notAFile"/> set when nothing was tried).</returns>
    public Errno RenameFile(UnionPath sourcePath, UnionPath destinationPath, bool noReplace, out bool notAFile) =>
        Rename(sourcePath, destinationPath, noReplace, replacedLinkedAt: null, fileOnly: true, out notAFile);

    private Errno Rename(UnionPath sourcePath, UnionPath destinationPath, bool noReplace, string? replacedLinkedAt, bool fileOnly, out bool notAFile)
    {
        notAFile = false;
        using var scope = Write();

        // rename(2) never follows a final link, even with a trailing slash; both parents are walked
        // before either final name is looked at.
        var source = ResolveForRename(sourcePath);
        if (source.Error != Errno.None)
        {
            return source.Error;
        }

        var destination = ResolveForRename(destinationPath);
        if (destination.Error != Errno.None)
        {
            return destination.Error;
        }

        if (source.Node is not { } node)
        {
            return Errno.ENOENT;
        }

        if (fileOnly && node.Entry.Kind != LayerEntryKind.File)
        {
            notAFile = true;
            return Errno.None;
        }

        if (!node.IsDirectory && (source.TrailingSlash || destination.TrailingSlash))
        {
            return Errno.ENOTDIR;
        }

        if (source.Name.Length == 0 || destination.Name.Length == 0)
        {
            return Errno.EBUSY;
        }

        if (source.Path == destination.Path)
        {
            return Errno.None;
        }

        if (destination.Path.StartsWith(source.Path + "/", StringComparison.Ordinal))
        {
            return Errno.EINVAL;
        }

        if (source.Path.StartsWith(destination.Path + "/", StringComparison.Ordinal))
        {
            // The destination is an ancestor of the source: Linux answers ENOTEMPTY.
            return Errno.ENOTEMPTY;
        }

        if (destination.Node is { } existing)
        {
            if (noReplace)
            {
                return Errno.EEXIST;
            }

            if (node.IsDirectory && !existing.IsDirectory)
            {
                return Errno.ENOTDIR;
            }

            if (!node.IsDirectory && existing.IsDirectory)
            {
                return Errno.EISDIR;
            }

            if (existing.IsDirectory && !IsEmpty(existing))
            {
                return Errno.ENOTEMPTY;
            }
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        if (node.IsLowerOrMerged && Options.DirectoryRenamePolicy == DirectoryRenamePolicy.Kernel)
        {
            return Errno.EXDEV;
        }

        if (!AllInUpper(source) || !AllInUpper(destination))
        {
            // Copying the source's parents up can copy up the destination's too: look it up again.
            CopyUpAncestors(source);
            destination = ResolveForRename(destinationPath);
            CopyUpAncestors(destination);
            source = ResolveForRename(sourcePath);
            node = source.Node!.Value;
        }

        bool redirects = node.IsLowerOrMerged && Options.DirectoryRenamePolicy == DirectoryRenamePolicy.Redirect;
        if (redirects)
        {
            // redirect_dir=on: only the directory itself is copied up; it keeps merging with its
            // lower directory, which the redirect names (set before the rename, as the kernel does).
            string? redirect = RedirectFor(node, sameParent: source.Parent.Path == destination.Parent.Path, source.Name);
            node = CopyUpNode(source);
            if (redirect is not null)
            {
                _upperCapabilities!.Redirects!.SetRedirect(source.Path, redirect);
            }
        }
        else
        {
            node = node.IsLowerOrMerged ? CopyUpTree(source) : CopyUpNode(source);
        }

        bool wasOpaque = node.Entry.IsOpaque;
        bool makeOpaque = node.IsDirectory && !redirects && !wasOpaque && destination.Parent.Lower is not null;
        if (makeOpaque)
        {
            // Marked before it moves: at its old name nothing lies below it (it is upper-only), so
            // the mark changes nothing there, and no failure can leave it unmarked at a name where
            // a lower directory would show through it.
            _upper.SetOpaque(source.Path, true);
        }

        bool leaveWhiteout = source.LowerHasName;
        if (leaveWhiteout)
        {
            // The old name must never show the lower's object: one step where the upper can.
            if (_upperCapabilities!.WhiteoutRename is { } oneStep)
            {
                oneStep.RenameLeavingWhiteout(source.Path, destination.Path);
            }
            else
            {
                WritableLayers.RenameThenWhiteout(_upper, source.Path, destination.Path);
            }
        }
        else
        {
            _upper.Rename(source.Path, destination.Path);
        }

        if (makeOpaque)
        {
            Emit(OverlayEventKind.OpaqueDirectory, destination.Path);
        }

        if (leaveWhiteout)
        {
            Emit(OverlayEventKind.Whiteout, source.Path);
        }

        string? linkedAt = replacedLinkedAt is null ? null
            : Resolve(Trim(replacedLinkedAt), followFinal: false) is { Error: Errno.None, Node: { IsDirectory: false } linked } ? linked.Path
            : null;
        _shares.Rename(source.Path, destination.Path, linkedAt);
        if (redirects)
        {
            // Lower files under the directory stay in the lowers: their readers follow the new name.
            _readers.Rename(source.Path, destination.Path);
        }

        EmitChange(OverlayEventKind.Renamed, destination.Path, node.Entry.Kind, oldPath: source.Path);

        // Nothing reads the two walks any more: the thread's next ones reuse them.
        source.Dispose();
        destination.Dispose();
        return Errno.None;
    }

    /// <summary>
    /// The redirect a lower or merged directory needs before it is renamed, as the kernel's
    /// <c>ovl_set_redirect</c> computes it: one it already has is kept when it stays in the same
    /// parent or is already absolute; otherwise its current name (same parent) or the absolute path
    /// of its lower directory. <see langword="null"/> when the one it has is kept.
    /// </summary>
    private static string? RedirectFor(in MergedNode node, bool sameParent, string name)
    {
        string? existing = node.InUpper ? node.Entry.RedirectPath : null;
        if (existing is not null && (sameParent || existing.StartsWith('/')))
        {
            return null;
        }

        return sameParent ? name : node.Lower!.Path;
    }

    /// <summary>Whether every directory a resolution went through is in the upper already: nothing to copy up for it.</summary>
    private static bool AllInUpper(Resolution resolution)
    {
        var ancestors = resolution.Ancestors;
        for (int i = 1; i < ancestors.Count; i++)
        {
            if (!ancestors[i].InUpper)
            {
                return false;
            }
        }

        return true;
    }

    private Resolution ResolveForRename(UnionPath path)
    {
        var resolution = Resolve(path.Trimmed, followFinal: false);
        resolution.TrailingSlash = path.EndsInSeparator;
        return resolution;
    }
}
