using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>Operations on names (the kernel's <c>dir.c</c>): mkdir, symlink, the creation of a new object, unlink, rmdir, and link(2)'s checks. Each writes only to the upper.</content>
internal sealed partial class UnionEngine
{
    /// <summary>mkdir(2). Over a whiteout the new directory is opaque, so the old lower content stays hidden.</summary>
    public Errno CreateDirectory(UnionPath path, UnixFileMode mode)
    {
        using var scope = Write();
        using var resolution = Resolve(path.Trimmed, followFinal: false);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is not null)
        {
            return Errno.EEXIST;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        CopyUpAncestors(resolution);
        CreateInUpper(resolution, LayerEntryKind.Directory, mode, null);
        return Errno.None;
    }

    /// <summary>symlink(2).</summary>
    public Errno CreateSymbolicLink(UnionPath path, string target)
    {
        using var scope = Write();

        // symlink(2) never follows the final name, trailing slash or not.
        using var resolution = Resolve(path.Trimmed, followFinal: false);
        resolution.TrailingSlash = path.EndsInSeparator;
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (target.Length >= MaxPathBytes / 3 && System.Text.Encoding.UTF8.GetByteCount(target) >= MaxPathBytes)
        {
            // symlink(2) refuses a target of PATH_MAX bytes or more.
            return Errno.ENAMETOOLONG;
        }

        if (resolution.Node is not null)
        {
            return Errno.EEXIST;
        }

        if (resolution.TrailingSlash)
        {
            return Errno.ENOENT;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        CopyUpAncestors(resolution);
        CreateInUpper(resolution, LayerEntryKind.SymbolicLink, AllPermissions, target);
        return Errno.None;
    }

    /// <summary>
    /// Creates a new object at a free name whose parent is in the upper. Over a whiteout the object
    /// is built in the work area and replaces the whiteout in one step, as the kernel does; a
    /// directory made there is opaque.
    /// </summary>
    /// <param name="resolution">The free name's resolution.</param>
    /// <param name="kind">What to make.</param>
    /// <param name="mode">
    /// The mode asked for, before the umask. A file or directory gets it less the umask; where the
    /// parent has a default ACL, the ACL limits it instead, as the kernel does: made in place, the
    /// upper gets the mode whole and its file system applies the ACL; over a whiteout, the object
    /// is staged with what <see cref="InheritDefaultAcl"/> computes.
    /// </param>
    /// <param name="linkTarget">A symbolic link's target; null for anything else.</param>
    private void CreateInUpper(Resolution resolution, LayerEntryKind kind, UnixFileMode mode, string? linkTarget)
    {
        var upper = _upper!;
        string path = resolution.Path;
        Dictionary<string, byte[]>? inherited = null;
        if (kind is LayerEntryKind.File or LayerEntryKind.Directory)
        {
            // Made in place, the upper's own file system applies a default ACL; built in the work
            // area (over a whiteout), the object is given what the ACL would give it.
            mode = !HasDefaultAcl(resolution.Parent.Path) ? mode & ~_umask
                : resolution.OverWhiteout ? InheritDefaultAcl(resolution.Parent.Path, mode, kind, out inherited)
                : mode;
        }

        if (resolution.OverWhiteout)
        {
            var now = Clock.GetUtcNow().UtcDateTime;
            var metadata = new LayerMetadata(mode, now, now);
            string token = kind switch
            {
                LayerEntryKind.Directory => upper.StageDirectory(metadata, opaque: true),
                LayerEntryKind.SymbolicLink => upper.StageSymbolicLink(linkTarget!, metadata),
                _ => upper.StageFile(null, metadata),
            };
            try
            {
                if (inherited is { Count: > 0 } && _upperCapabilities!.UnixWrites is { } writes)
                {
                    writes.SetStagedMetadata(token, Options.Owner, inherited, mode);
                }

                upper.Publish(token, path, keepParentTimes: false);
            }
            catch
            {
                upper.Discard(token);
                throw;
            }

            if (kind == LayerEntryKind.Directory)
            {
                Emit(OverlayEventKind.OpaqueDirectory, path);
            }
        }
        else
        {
            switch (kind)
            {
                case LayerEntryKind.Directory:
                    upper.CreateDirectory(path, mode);
                    break;
                case LayerEntryKind.SymbolicLink:
                    upper.CreateSymbolicLink(path, linkTarget!);
                    break;
                default:
                    upper.CreateFile(path, mode);
                    break;
            }
        }

        GiveNewObjectItsOwner(path, kind);
        EmitChange(OverlayEventKind.Created, path, kind);
    }

    /// <summary>
    /// unlink(2): a name a lower holds is replaced by a whiteout; an upper-only name just goes. The
    /// final name is never followed, trailing slash or not: "name/" removes nothing and answers
    /// ENOENT, EISDIR or ENOTDIR for what the name itself is.
    /// </summary>
    public Errno DeleteFile(UnionPath path)
    {
        using var scope = Write();
        using var resolution = Resolve(path.Trimmed, followFinal: false, finalKindOnly: true);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is not { } node)
        {
            return Errno.ENOENT;
        }

        if (node.IsDirectory)
        {
            return Errno.EISDIR;
        }

        if (path.EndsInSeparator)
        {
            return Errno.ENOTDIR;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        RemoveName(resolution);
        return Errno.None;
    }

    /// <summary>rmdir(2): only a merged directory with nothing visible in it.</summary>
    public Errno DeleteDirectory(UnionPath path)
    {
        using var scope = Write();

        // rmdir(2) of "link/" removes nothing through the link: the final name is never followed.
        using var resolution = Resolve(path.Trimmed, followFinal: false);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is not { } node)
        {
            return Errno.ENOENT;
        }

        if (!node.IsDirectory)
        {
            return Errno.ENOTDIR;
        }

        if (resolution.Name.Length == 0)
        {
            return Errno.EBUSY;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        if (!IsEmpty(node))
        {
            return Errno.ENOTEMPTY;
        }

        RemoveName(resolution);
        return Errno.None;
    }

    private void RemoveName(Resolution resolution)
    {
        var removed = resolution.Node!.Value.Entry.Kind;
        CopyUpAncestors(resolution);
        string path = resolution.Path;
        if (resolution.LowerHasName)
        {
            WriteWhiteout(path);
            _readers.Forget(path);
        }
        else
        {
            _upper!.Delete(path);
        }

        // The file's holders keep their locks on an object no name reaches; a new file here is free.
        _shares.Unlink(path);
        EmitChange(OverlayEventKind.Deleted, path, removed);
    }

    /// <summary>Whether an upper directory has a default ACL (see <see cref="IUpperEntryCache.HasDefaultAcl"/>).</summary>
    private bool HasDefaultAcl(string directory) => _upperCapabilities!.EntryCache?.HasDefaultAcl(directory) == true;

    /// <summary>
    /// The mode, and the ACL attributes, a new object gets from its upper directory's default ACL
    /// (<see cref="PosixAclInheritance"/>); the mode less the umask, and none, when the ACL cannot
    /// be read or is not well formed.
    /// </summary>
    /// <param name="directory">The upper directory.</param>
    /// <param name="mode">The mode asked for, before the umask.</param>
    /// <param name="kind">What is made.</param>
    /// <param name="attributes">The attributes to give it; null when none.</param>
    private UnixFileMode InheritDefaultAcl(string directory, UnixFileMode mode, LayerEntryKind kind, out Dictionary<string, byte[]>? attributes)
    {
        attributes = null;
        if (_upperCapabilities!.Unix?.GetExtendedAttributes(directory) is { } all
            && all.TryGetValue(PosixAclInheritance.DefaultAttribute, out var acl)
            && PosixAclInheritance.TryInherit(acl, ref mode, kind == LayerEntryKind.Directory, out var given))
        {
            attributes = given;
            return mode;
        }

        return mode & ~_umask;
    }

    /// <summary>
    /// The answer of link(2) (no AT_SYMLINK_FOLLOW), without making the link: the old path is
    /// resolved completely first (a final link is followed only when a trailing slash asks for a
    /// directory), then the new path's parent; an existing new name is EEXIST before anything else,
    /// a free one named with a trailing slash ENOENT; then a read-only overlay EROFS and a directory
    /// EPERM. <see cref="Errno.None"/> when link(2) would succeed.
    /// </summary>
    public Errno CheckLink(UnionPath oldPath, UnionPath newPath)
    {
        using var scope = Read();
        using var old = Resolve(oldPath, followFinal: false);
        if (old.Error != Errno.None)
        {
            return old.Error;
        }

        if (old.Node is not { } node)
        {
            return Errno.ENOENT;
        }

        using var created = Resolve(newPath.Trimmed, followFinal: false);
        if (created.Error != Errno.None)
        {
            return created.Error;
        }

        if (created.Node is not null)
        {
            return Errno.EEXIST;
        }

        if (newPath.EndsInSeparator)
        {
            return Errno.ENOENT;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        return node.IsDirectory ? Errno.EPERM : Errno.None;
    }
}
