using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>open(2): the lookup, the checks, the FileShare lock, the copy-up a write needs, and the object opened in the form its caller wants (the kernel's <c>file.c</c>).</content>
internal sealed partial class UnionEngine
{
    /// <summary>
    /// open(2). A read-only open of a lower file reads the lower directly; any open that may write
    /// (read-write with no write included) or truncates copies the file up first.
    /// </summary>
    public Errno Open(UnionPath path, OpenFlags flags, UnixFileMode createMode, out Stream? stream) =>
        Open(path, flags, createMode, ShareLock.None, StreamOpener.Instance, out stream, out _, out _);

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
    /// <param name="created">Whether the open created the file (O_CREAT at a free name).</param>
    /// <returns>The errno.</returns>
    public Errno Open(UnionPath path, OpenFlags flags, UnixFileMode createMode, ShareLock share, out Stream? stream, out ShareLease? lease, out bool created) =>
        Open(path, flags, createMode, share, StreamOpener.Instance, out stream, out lease, out created);

    /// <summary>
    /// open(2) for a host-disk descriptor: the same lookup, checks, lock test, creation and copy-up
    /// as <see cref="Open(UnionPath, OpenFlags, UnixFileMode, ShareLock, out Stream?, out ShareLease?, out bool)"/>,
    /// but the object is opened as a native handle of the layer that holds it. The share table is
    /// only consulted: a raw handle cannot release a lock when it closes, so none is kept.
    /// </summary>
    /// <param name="path">The path to open.</param>
    /// <param name="flags">The open(2) flags.</param>
    /// <param name="createMode">The mode of a created file, before the umask.</param>
    /// <param name="share">The lock an open would take, tested against the locks held.</param>
    /// <param name="handle">The handle opened.</param>
    /// <param name="lowerFile">The merged path of the file when the handle is on a lower's file (a read-only open); otherwise null.</param>
    /// <param name="created">Whether the open created the file (O_CREAT at a free name).</param>
    /// <returns>The errno.</returns>
    /// <exception cref="NotSupportedException">The layer holding the object (the upper, for a write) is not on the host disk.</exception>
    public Errno OpenHandle(UnionPath path, OpenFlags flags, UnixFileMode createMode, ShareLock share, out Microsoft.Win32.SafeHandles.SafeFileHandle? handle, out string? lowerFile, out bool created)
    {
        var opener = new HandleOpener();
        var error = Open(path, flags, createMode, share, opener, out handle, out var lease, out created);
        lease?.Release();
        lowerFile = handle is null ? null : opener.LowerFile;
        return error;
    }

    private Errno Open<T>(UnionPath path, OpenFlags flags, UnixFileMode createMode, ShareLock share, IOpener<T> opener, out T? opened, out ShareLease? lease, out bool created)
        where T : class, IDisposable
    {
        opened = null;
        lease = null;
        created = false;
        StagedCopyUp? staged = null;
        try
        {
            while (true)
            {
                var error = OpenLocked(path, flags, createMode, share, opener, ref staged, out opened, out lease, out created);
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
    private Errno OpenLocked<T>(UnionPath path, OpenFlags flags, UnixFileMode createMode, ShareLock share, IOpener<T> opener, ref StagedCopyUp? staged, out T? stream, out ShareLease? lease, out bool created)
        where T : class, IDisposable
    {
        stream = null;
        lease = null;
        created = false;
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
            if (creates && path.EndsInSeparator)
            {
                // O_CREAT with a trailing slash: Linux refuses before it looks at the final name.
                using var parent = Resolve(path.Trimmed, followFinal: false);
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
                CreateInUpper(resolution, LayerEntryKind.File, createMode, null);
                created = true;
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
}
