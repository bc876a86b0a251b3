using Overlay.Layers;

namespace Overlay.Union;

/// <content>Operations that change the merged tree: every one writes only to the upper.</content>
internal sealed partial class UnionEngine
{
    private const UnixFileMode AllPermissions = (UnixFileMode)0b111_111_111_111;

    private static string Trim(string path) => path.Length > 1 && path[^1] == '/' ? (path.TrimEnd('/') is { Length: > 0 } t ? t : "/") : path;

    /// <summary>
    /// open(2). A read-only open of a lower file reads the lower directly; any open that may write
    /// (read-write with no write included) or truncates copies the file up first.
    /// </summary>
    public Errno Open(string path, OpenFlags flags, UnixFileMode createMode, out Stream? stream) =>
        Open(path, flags, createMode, ShareLock.None, out stream, out _);

    /// <summary>
    /// open(2), then flock(2) with LOCK_NB as .NET's FileStream takes it on Linux. Every check of
    /// open(2) comes first (ENOENT, EEXIST, EISDIR, EROFS); the lock is then taken on the object
    /// found, before anything changes: a refused open (EWOULDBLOCK) copies nothing up, truncates
    /// nothing and creates nothing. A new file is a new object, which no one holds.
    /// </summary>
    /// <param name="path">The path to open.</param>
    /// <param name="flags">The open(2) flags.</param>
    /// <param name="createMode">The mode of a created file, before the umask.</param>
    /// <param name="share">The lock to take.</param>
    /// <param name="stream">The stream opened.</param>
    /// <param name="lease">The lock taken, which the caller releases when the stream closes; <see langword="null"/> when none was.</param>
    /// <returns>The errno.</returns>
    public Errno Open(string path, OpenFlags flags, UnixFileMode createMode, ShareLock share, out Stream? stream, out ShareLease? lease) =>
        Open(path, flags, createMode, share, StreamOpener.Instance, out stream, out lease);

    /// <summary>
    /// open(2) for a host-disk descriptor: the same lookup, checks, lock test, creation and copy-up
    /// as <see cref="Open(string, OpenFlags, UnixFileMode, ShareLock, out Stream?, out ShareLease?)"/>,
    /// but the object is opened as a native handle of the layer that holds it. The share table is
    /// only consulted: a raw handle cannot release a lock when it closes, so none is kept.
    /// </summary>
    /// <param name="path">The path to open.</param>
    /// <param name="flags">The open(2) flags.</param>
    /// <param name="createMode">The mode of a created file, before the umask.</param>
    /// <param name="share">The lock an open would take, tested against the locks held.</param>
    /// <param name="handle">The handle opened.</param>
    /// <param name="lowerFile">The merged path of the file when the handle is on a lower's file (a read-only open); otherwise null.</param>
    /// <returns>The errno.</returns>
    /// <exception cref="NotSupportedException">The layer holding the object (the upper, for a write) is not on the host disk.</exception>
    public Errno OpenHandle(string path, OpenFlags flags, UnixFileMode createMode, ShareLock share, out Microsoft.Win32.SafeHandles.SafeFileHandle? handle, out string? lowerFile)
    {
        var opener = new HandleOpener();
        var error = Open(path, flags, createMode, share, opener, out handle, out var lease);
        lease?.Release();
        lowerFile = handle is null ? null : opener.LowerFile;
        return error;
    }

    private Errno Open<T>(string path, OpenFlags flags, UnixFileMode createMode, ShareLock share, IOpener<T> opener, out T? opened, out ShareLease? lease)
        where T : class, IDisposable
    {
        opened = null;
        lease = null;
        StagedCopyUp? staged = null;
        try
        {
            while (true)
            {
                var error = OpenLocked(path, flags, createMode, share, opener, ref staged, out opened, out lease);
                if (staged is not { Token: null } request)
                {
                    return error;
                }

                // A large lower file to copy up: its data goes into the work area with no lock
                // held, and the open runs again to publish it (or, if the file changed meanwhile,
                // to act on what is there now).
                using var data = _lowers[request.Layer].OpenRead(request.PathInLower);
                request.Token = _upperCapabilities!.Staging!.StageFile(data, request.Metadata);
                CopyUnixMetadataToStaged(request.Layer, request.PathInLower, request.Token, request.Metadata.Mode);
            }
        }
        catch
        {
            opened?.Dispose();
            opened = null;
            lease?.Release();
            lease = null;
            throw;
        }
        finally
        {
            if (staged is { Token: { } unused, Published: false })
            {
                _upperCapabilities!.Staging!.Discard(unused);
            }
        }
    }

    // staged: in, a copy staged outside the lock by an earlier pass, or null; out, a request to
    // stage one (no token yet) when the open needs a large lower file copied up and none is staged:
    // the open then did nothing and holds no lease.
    private Errno OpenLocked<T>(string path, OpenFlags flags, UnixFileMode createMode, ShareLock share, IOpener<T> opener, ref StagedCopyUp? staged, out T? stream, out ShareLease? lease)
        where T : class, IDisposable
    {
        stream = null;
        lease = null;
        bool writes = (flags & (OpenFlags.Write | OpenFlags.Truncate)) != 0;
        bool creates = (flags & OpenFlags.Create) != 0;
        bool exclusive = creates && (flags & OpenFlags.Exclusive) != 0;
        if (!writes && !creates)
        {
            using var scope = Read();
            var error = FindForReading(path, share, out var node, out lease);
            if (error != Errno.None)
            {
                return error;
            }

            stream = node.InUpper
                ? opener.OpenUpper(_upper!, node.Path, FileAccess.Read)
                : opener.OpenLower(this, _lowers[node.Layer], node.PathInLower, node.Path);
            return Errno.None;
        }

        using (Write())
        {
            if (creates && path.Length > 1 && path[^1] == '/')
            {
                // O_CREAT with a trailing slash: Linux refuses before it looks at the final name.
                using var parent = Resolve(Trim(path), followFinal: false);
                return parent.Error != Errno.None ? parent.Error : Errno.EISDIR;
            }

            using var resolution = Resolve(path, followFinal: !exclusive);
            EmitLookup(resolution);
            if (resolution.Error != Errno.None)
            {
                return resolution.Error;
            }

            var access = (flags & OpenFlags.ReadWrite) switch
            {
                OpenFlags.ReadWrite => FileAccess.ReadWrite,
                OpenFlags.Write => FileAccess.Write,
                _ => FileAccess.Read,
            };
            bool truncate = (flags & OpenFlags.Truncate) != 0;

            if (resolution.Node is not { } node)
            {
                if (!creates)
                {
                    return Errno.ENOENT;
                }

                if (resolution.TrailingSlash)
                {
                    return Errno.EISDIR;
                }

                if (_upper is null)
                {
                    return Errno.EROFS;
                }

                // A free name holds no object: a lock left at it belongs to a file that is gone
                // (a lower changed outside the overlay), and the new file is another object.
                opener.CheckUpper(_upper);
                _shares.Unlink(resolution.Path);
                _shares.TryAcquire(resolution.Path, share, out lease);
                CopyUpAncestors(resolution);
                CreateInUpper(resolution, LayerEntryKind.File, createMode & ~_umask, null);
                stream = opener.OpenUpper(_upper, resolution.Path, access);
                return Errno.None;
            }

            if (exclusive)
            {
                return Errno.EEXIST;
            }

            if (node.IsDirectory)
            {
                return Errno.EISDIR;
            }

            if (!writes)
            {
                if (!_shares.TryAcquire(node.Path, share, out lease))
                {
                    return Errno.EWOULDBLOCK;
                }

                stream = node.InUpper
                    ? opener.OpenUpper(_upper!, node.Path, FileAccess.Read)
                    : opener.OpenLower(this, _lowers[node.Layer], node.PathInLower, node.Path);
                return Errno.None;
            }

            if (_upper is null)
            {
                return Errno.EROFS;
            }

            opener.CheckUpper(_upper);

            // System.IO opens without O_TRUNC and truncates only once it holds the lock, so a
            // refused open leaves the file as it was; here nothing is copied up either.
            if (!_shares.TryAcquire(node.Path, share, out lease))
            {
                return Errno.EWOULDBLOCK;
            }

            if (!truncate && staged is null && StagesOutsideTheLock(node))
            {
                lease?.Release();
                lease = null;
                staged = new StagedCopyUp(node.Path, node.Layer, node.PathInLower, LayerMetadata.From(node.Entry));
                return Errno.None;
            }

            // O_TRUNC empties the file at once, so its data need not be copied first.
            node = staged is not null && staged.Matches(node) && !truncate
                ? PublishStaged(resolution, staged)
                : CopyUpNode(resolution, withData: !truncate);
            stream = opener.OpenUpper(_upper, node.Path, access);
            if (truncate)
            {
                // O_TRUNC stamps the mtime even when the file was already empty.
                opener.Truncate(stream);
            }

            return Errno.None;
        }
    }

    /// <summary>mkdir(2). Over a whiteout the new directory is opaque, so the old lower content stays hidden.</summary>
    public Errno CreateDirectory(string path, UnixFileMode mode)
    {
        using var scope = Write();
        using var resolution = Resolve(path.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/", followFinal: false);
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
        CreateInUpper(resolution, LayerEntryKind.Directory, mode & ~_umask, null);
        return Errno.None;
    }

    /// <summary>symlink(2).</summary>
    public Errno CreateSymbolicLink(string path, string target)
    {
        using var scope = Write();

        // symlink(2) never follows the final name, trailing slash or not.
        using var resolution = Resolve(Trim(path), followFinal: false);
        resolution.TrailingSlash = path.Length > 1 && path[^1] == '/';
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
    private void CreateInUpper(Resolution resolution, LayerEntryKind kind, UnixFileMode mode, string? linkTarget)
    {
        var upper = _upper!;
        string path = resolution.Path;
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
        Emit(OverlayEventKind.Created, path);
    }

    /// <summary>
    /// unlink(2): a name a lower holds is replaced by a whiteout; an upper-only name just goes. The
    /// final name is never followed, trailing slash or not: "name/" removes nothing and answers
    /// ENOENT, EISDIR or ENOTDIR for what the name itself is.
    /// </summary>
    public Errno DeleteFile(string path)
    {
        using var scope = Write();
        using var resolution = Resolve(Trim(path), followFinal: false);
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

        if (path.Length > 1 && path[^1] == '/')
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
    public Errno DeleteDirectory(string path)
    {
        using var scope = Write();

        // rmdir(2) of "link/" removes nothing through the link: the final name is never followed.
        using var resolution = Resolve(Trim(path), followFinal: false);
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
        Emit(OverlayEventKind.Deleted, path);
    }

    /// <summary>
    /// The answer of link(2) (no AT_SYMLINK_FOLLOW), without making the link: the old path is
    /// resolved completely first (a final link is followed only when a trailing slash asks for a
    /// directory), then the new path's parent; an existing new name is EEXIST before anything else,
    /// a free one named with a trailing slash ENOENT; then a read-only overlay EROFS and a directory
    /// EPERM. <see cref="Errno.None"/> when link(2) would succeed.
    /// </summary>
    public Errno CheckLink(string oldPath, string newPath)
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

        using var created = Resolve(Trim(newPath), followFinal: false);
        if (created.Error != Errno.None)
        {
            return created.Error;
        }

        if (created.Node is not null)
        {
            return Errno.EEXIST;
        }

        if (newPath.Length > 1 && newPath[^1] == '/')
        {
            return Errno.ENOENT;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        return node.IsDirectory ? Errno.EPERM : Errno.None;
    }

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
    public Errno Rename(string sourcePath, string destinationPath, bool noReplace, string? replacedLinkedAt = null)
    {
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

        // Copying the source's parents up can copy up the destination's too: look it up again.
        CopyUpAncestors(source);
        destination = ResolveForRename(destinationPath);
        CopyUpAncestors(destination);
        source = ResolveForRename(sourcePath);
        node = source.Node!.Value;

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

        Emit(OverlayEventKind.Renamed, destination.Path, oldPath: source.Path);
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

    private Resolution ResolveForRename(string path)
    {
        var resolution = Resolve(Trim(path), followFinal: false);
        resolution.TrailingSlash = path.Length > 1 && path[^1] == '/';
        return resolution;
    }

    /// <summary>chmod(2) (or, without following links, the mode of the link itself): copies up first.</summary>
    public Errno SetUnixFileMode(string path, UnixFileMode mode, bool followLinks = true) =>
        ChangeMetadata(path, followLinks, node => _upper!.SetUnixFileMode(node.Path, mode & AllPermissions));

    /// <summary>utimensat(2): copies up first; a <see langword="null"/> time is left as it is.</summary>
    public Errno SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc, bool followLinks = true) =>
        ChangeMetadata(path, followLinks, node => _upper!.SetTimes(node.Path, lastAccessTimeUtc, lastWriteTimeUtc));

    private Errno ChangeMetadata(string path, bool followLinks, Action<MergedNode> change)
    {
        using var scope = Write();
        using var resolution = Resolve(path, followLinks);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is null)
        {
            return Errno.ENOENT;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        var node = CopyUpNode(resolution);
        change(node);
        Emit(OverlayEventKind.Changed, node.Path);
        return Errno.None;
    }
}
