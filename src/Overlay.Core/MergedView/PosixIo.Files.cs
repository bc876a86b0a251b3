using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Union;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <content>Files: open(2) for streams and handles, whole-file reads, unlink, copy, move and replace, as System.IO does them on Linux.</content>
internal sealed partial class PosixIo
{
    // ---- Files

    /// <summary>
    /// FileStream's open: argument checks, open(2) flags, errno mapping, the check that a directory
    /// was not opened, then the advisory lock .NET takes on Linux (flock(2): LOCK_EX for
    /// <see cref="FileShare.None"/>, LOCK_SH otherwise), emulated in the overlay's share table and
    /// released when the stream is disposed.
    /// </summary>
    public OverlayFileStream Open(string fullPath, FileMode mode, FileAccess access, FileShare share, FileOptions options, UnixFileMode? createMode) =>
        Open(fullPath, mode, access, share, options, createMode, share == FileShare.None ? ShareLock.Exclusive : ShareLock.Shared);

    private OverlayFileStream Open(string fullPath, FileMode mode, FileAccess access, FileShare share, FileOptions options, UnixFileMode? createMode, ShareLock shareLock)
    {
        ValidateOpen(mode, access, share, options, createMode);
        var flags = FlagsFor(mode, access);

        var error = _engine.Open(fullPath, flags, createMode ?? DefaultCreateMode, shareLock, out var stream, out var lease, out bool created);
        if (error != Errno.None)
        {
            throw OpenFailed(fullPath, error);
        }

        try
        {
            long appendStart = -1;
            if (mode == FileMode.Append)
            {
                appendStart = stream!.Seek(0, SeekOrigin.End);
            }

            string? watchedPath = null;
            if (_watchers.Active && (flags & OpenFlags.Write) != 0)
            {
                // open(2) with O_TRUNC of an existing file is an IN_MODIFY; of a file it creates, nothing.
                watchedPath = _watchers.WrittenPath(fullPath);
                if ((flags & OpenFlags.Truncate) != 0 && !created)
                {
                    _watchers.DataChanged(watchedPath);
                }
            }

            Action? deleteOnClose = (options & FileOptions.DeleteOnClose) != 0 ? DeleteOnClose(fullPath) : null;
            return new OverlayFileStream(stream!, fullPath, (options & FileOptions.Asynchronous) != 0, lease, _watchers, watchedPath, deleteOnClose, appendStart);
        }
        catch
        {
            stream!.Dispose();
            lease?.Release();
            throw;
        }
    }

    // Made here, not inline in Open: a lambda there would make every open allocate its closure.
    private Action DeleteOnClose(string fullPath) => () => _engine.DeleteFile(fullPath);

    /// <summary>
    /// File.ReadAllBytes: the open of <see cref="Open(string, FileMode, FileAccess, FileShare, FileOptions, UnixFileMode?)"/>
    /// with <see cref="FileMode.Open"/>, <see cref="FileAccess.Read"/> and <see cref="FileShare.Read"/>
    /// (the same errors, the same shared lock while it reads), the data read straight from the layer.
    /// </summary>
    public byte[] ReadAllBytes(string fullPath)
    {
        var error = _engine.ReadAll(fullPath, ShareLock.Shared, out var data);
        return error == Errno.None ? data! : throw OpenFailed(fullPath, error);
    }

    /// <summary>The exception of a failed open, as FileStream's.</summary>
    private Exception OpenFailed(string fullPath, Errno error)
    {
        // A missing name is blamed on its directory when that is missing too, creating or not: a
        // create through a dangling link whose target's directory is missing is "file not found".
        bool isDirectory = error == Errno.ENOENT && !DirectoryExists(PosixPath.DirectoryOf(PosixPath.TrimEndingSeparators(fullPath)));
        return IoErrors.For(error == Errno.EISDIR ? Errno.EACCES : error, fullPath, isDirectory);
    }

    private static OpenFlags FlagsFor(FileMode mode, FileAccess access) => (access switch
    {
        FileAccess.Read => OpenFlags.Read,
        FileAccess.Write => OpenFlags.Write,
        _ => OpenFlags.ReadWrite,
    }) | mode switch
    {
        FileMode.CreateNew => OpenFlags.Create | OpenFlags.Exclusive,
        FileMode.Create => OpenFlags.Create | OpenFlags.Truncate,
        FileMode.OpenOrCreate or FileMode.Append => OpenFlags.Create,
        FileMode.Truncate => OpenFlags.Truncate,
        _ => OpenFlags.None,
    };

    /// <summary>
    /// File.OpenHandle: the open of <see cref="Open(string, FileMode, FileAccess, FileShare, FileOptions, UnixFileMode?)"/>
    /// (the same checks, creation and copy-up), answered with a native handle of the host file that
    /// holds the object. The handle works on the host file directly: it holds no FileShare lock in
    /// the overlay, its writes are not reported to watchers, and it stays on the lower file it was
    /// opened on even when the file is later copied up.
    /// </summary>
    public SafeFileHandle OpenHandle(string fullPath, FileMode mode, FileAccess access, FileShare share, FileOptions options, long preallocationSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(preallocationSize);
        ValidateOpen(mode, access, share, options, null);
        var flags = FlagsFor(mode, access);
        var error = _engine.OpenHandle(fullPath, flags, DefaultCreateMode, share == FileShare.None ? ShareLock.Exclusive : ShareLock.Shared, out var handle, out var lowerFile, out bool created);

        if (error != Errno.None)
        {
            throw OpenFailed(fullPath, error);
        }

        if (_watchers.Active && (flags & OpenFlags.Truncate) != 0 && !created)
        {
            _watchers.DataChanged(_watchers.WrittenPath(fullPath));
        }

        var opened = (options & FileOptions.Asynchronous) != 0 ? ReopenAsynchronous(handle!, access) : handle!;
        if (lowerFile is not null)
        {
            _lowerHandles.AddOrUpdate(opened, lowerFile);
        }

        return opened;
    }

    /// <summary>
    /// The merged path of the lower file a handle of <see cref="OpenHandle"/> reads, or null for any
    /// other handle. Metadata calls on such a handle go through the merged path, so a change copies
    /// the file up (as the kernel does for a read-only descriptor) and never touches the lower.
    /// </summary>
    public string? LowerFileOf(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return _lowerHandles.TryGetValue(handle, out var path) ? path : null;
    }

    /// <summary>
    /// A handle System.IO marks as asynchronous (so <c>new FileStream(handle, access, size, isAsync: true)</c>
    /// accepts it), for the same open file: reopened through its /proc descriptor link, which names
    /// the open inode itself and so follows no link of the layer.
    /// </summary>
    private static SafeFileHandle ReopenAsynchronous(SafeFileHandle handle, FileAccess access)
    {
        using (handle)
        {
            return System.IO.File.OpenHandle(
                $"/proc/self/fd/{handle.DangerousGetHandle()}",
                FileMode.Open,
                access,
                FileShare.ReadWrite | FileShare.Delete,
                FileOptions.Asynchronous);
        }
    }

    private static void ValidateOpen(FileMode mode, FileAccess access, FileShare share, FileOptions options, UnixFileMode? createMode)
    {
        if (mode is < FileMode.CreateNew or > FileMode.Append)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), "Enum value was out of legal range.");
        }

        if (access is < FileAccess.Read or > FileAccess.ReadWrite)
        {
            throw new ArgumentOutOfRangeException(nameof(access), "Enum value was out of legal range.");
        }

        if ((share & ~(FileShare.ReadWrite | FileShare.Delete | FileShare.Inheritable)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(share), "Enum value was out of legal range.");
        }

        if ((access & FileAccess.Write) == 0 && mode is FileMode.Truncate or FileMode.CreateNew or FileMode.Create or FileMode.Append)
        {
            throw new ArgumentException($"Combining FileMode: {mode} with FileAccess: {access} is invalid.", nameof(access));
        }

        if (mode == FileMode.Append && (access & FileAccess.Read) != 0)
        {
            throw new ArgumentException("Append access can be requested only in write-only mode.", nameof(access));
        }

        if (createMode is not null && mode is FileMode.Open or FileMode.Truncate)
        {
            throw new ArgumentException("UnixCreateMode can only be used with file modes that can create a new file.", nameof(createMode));
        }

        _ = options;
    }

    /// <summary>File.Delete: unlink(2); a missing file is fine when its directory exists.</summary>
    public void DeleteFile(string fullPath)
    {
        var error = _engine.DeleteFile(fullPath);
        switch (error)
        {
            case Errno.None:
                return;
            case Errno.ENOENT:
                // As System.IO asks it: the "directory" of "/a/missing/" is "/a/missing".
                string directory = PosixPath.GetDirectoryName(fullPath) ?? "/";
                if (directory.Length > 0 && !DirectoryExists(directory))
                {
                    throw IoErrors.For(error, fullPath, isDirectory: true);
                }

                return;
            case Errno.EROFS:
                if (!FileExists(fullPath) && Status(fullPath) is { Exists: false })
                {
                    return;
                }

                throw IoErrors.For(error, fullPath);
            case Errno.EISDIR:
                throw IoErrors.For(Errno.EACCES, fullPath);
            default:
                throw IoErrors.For(error, fullPath);
        }
    }

    /// <summary>File.Copy: the source opened read-only, the destination created with the source's mode.</summary>
    public void CopyFile(string sourceFullPath, string destinationFullPath, bool overwrite) =>
        CopyFile(sourceFullPath, destinationFullPath, overwrite, asLink: false);

    /// <summary>
    /// File.Copy, or (<paramref name="asLink"/>) the copy that stands in for a hard link: link(2)
    /// opens nothing, so it takes no FileShare lock and is refused by none.
    /// </summary>
    private void CopyFile(string sourceFullPath, string destinationFullPath, bool overwrite, bool asLink)
    {
        using var source = Open(sourceFullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.None, null, asLink ? ShareLock.None : ShareLock.Shared);
        _engine.Stat(PosixPath.TrimEndingSeparators(sourceFullPath), followLinks: true, out var sourceNode);
        Stream destination;
        try
        {
            destination = Open(destinationFullPath, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, sourceNode.Entry.Mode, asLink ? ShareLock.None : ShareLock.Exclusive);
        }
        catch (IOException e) when (e.HResult == (int)Errno.EEXIST && DirectoryExists(destinationFullPath))
        {
            throw IoErrors.Plain($"The target file '{destinationFullPath}' is a directory, not a file.");
        }

        using (destination)
        {
            source.CopyTo(destination);
        }

        // The copy keeps the source's permissions and times, as System.IO's copy does on Unix.
        _engine.SetUnixFileMode(destinationFullPath, sourceNode.Entry.Mode);
        _engine.SetTimes(destinationFullPath, sourceNode.Entry.LastAccessTimeUtc, sourceNode.Entry.LastWriteTimeUtc);
    }

    /// <summary>
    /// File.Move: rename(2) when overwriting. Otherwise as System.IO does it: rename(2) only when
    /// lstat(2) finds the source and not the destination (or the same object), else link(2) then
    /// unlink(2) of the source; the errors are link(2)'s, whose lookups differ from rename(2)'s.
    /// </summary>
    public void MoveFile(string sourceFullPath, string destinationFullPath, bool overwrite)
    {
        // The common case in one walk of each path: a regular file renamed to a free name (or over
        // a file, with overwrite). Anything else was left untouched and takes the checks below,
        // which find the same answer and the exception System.IO gives for it.
        if (_engine.RenameFile(sourceFullPath, destinationFullPath, noReplace: !overwrite, out bool notAFile) == Errno.None && !notAFile)
        {
            return;
        }

        if (!FileExists(sourceFullPath))
        {
            throw new FileNotFoundException($"Could not find file '{sourceFullPath}'.", sourceFullPath);
        }

        Errno error;
        if (overwrite)
        {
            error = _engine.Rename(sourceFullPath, destinationFullPath, noReplace: false);
            if (error != Errno.None)
            {
                bool isDirectory = error == Errno.ENOENT && !DirectoryExists(PosixPath.GetDirectoryName(destinationFullPath) ?? "/");
                throw IoErrors.For(error, destinationFullPath, isDirectory);
            }

            return;
        }

        if (_engine.Stat(sourceFullPath, followLinks: false, out var source) == Errno.None &&
            (_engine.Stat(destinationFullPath, followLinks: false, out var destination) != Errno.None || destination.Path == source.Path) &&
            _engine.Rename(sourceFullPath, destinationFullPath, noReplace: false) == Errno.None)
        {
            return;
        }

        // link(2): the overlay has no hard links, so a link that would succeed is the rename it
        // amounts to with the unlink(2) that follows.
        error = _engine.CheckLink(sourceFullPath, destinationFullPath);
        switch (error)
        {
            case Errno.None:
                error = _engine.Rename(sourceFullPath, destinationFullPath, noReplace: true);
                if (error != Errno.None)
                {
                    throw IoErrors.For(error, sourceFullPath);
                }

                return;
            case Errno.EXDEV or Errno.EACCES or Errno.EPERM:
                // System.IO copies when link(2) cannot link, then deletes the source.
                CopyFile(sourceFullPath, destinationFullPath, overwrite: false);
                DeleteFile(sourceFullPath);
                return;
            case Errno.ENOENT:
                bool destinationDirectoryMissing = !DirectoryExists(PosixPath.GetDirectoryName(destinationFullPath) ?? "/");
                throw IoErrors.For(error, destinationDirectoryMissing ? destinationFullPath : sourceFullPath, destinationDirectoryMissing);
            case Errno.EEXIST:
                throw IoErrors.For(error, destinationFullPath);
            default:
                throw IoErrors.For(error, null);
        }
    }

    /// <summary>File.Replace: the checks Windows makes, then one rename(2).</summary>
    public void ReplaceFile(string sourceFullPath, string destinationFullPath, string? backupFullPath)
    {
        if (_engine.Stat(sourceFullPath, followLinks: false, out var source) is var error && error != Errno.None)
        {
            throw IoErrors.For(error, sourceFullPath);
        }

        if (source.IsDirectory)
        {
            throw new UnauthorizedAccessException($"Access to the path '{sourceFullPath}' is denied: it is a directory, not a file.");
        }

        if (_engine.Stat(destinationFullPath, followLinks: false, out var destination) == Errno.None)
        {
            if (destination.IsDirectory)
            {
                throw new UnauthorizedAccessException($"Access to the path '{destinationFullPath}' is denied: it is a directory, not a file.");
            }

            if (destination.Path == source.Path)
            {
                throw IoErrors.Plain($"The source '{sourceFullPath}' and destination '{destinationFullPath}' are the same file.");
            }
        }

        if (backupFullPath is not null)
        {
            var unlink = _engine.DeleteFile(backupFullPath);
            if (unlink is not Errno.None and not Errno.ENOENT)
            {
                throw IoErrors.For(unlink, backupFullPath);
            }

            // System.IO links the backup to the destination (link(2)); here it is a copy that takes
            // no lock, and the destination's locks move to it with the rename below.
            CopyFile(destinationFullPath, backupFullPath, overwrite: false, asLink: true);
        }
        else if (_engine.Stat(destinationFullPath, followLinks: true, out _) == Errno.ENOENT)
        {
            throw IoErrors.For(Errno.ENOENT, destinationFullPath);
        }

        IoErrors.Check(_engine.Rename(sourceFullPath, destinationFullPath, noReplace: false, replacedLinkedAt: backupFullPath), sourceFullPath);
    }
}
