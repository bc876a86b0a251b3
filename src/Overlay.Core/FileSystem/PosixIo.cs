using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Union;
using Overlay.Paths;

namespace Overlay.FileSystem;

/// <summary>
/// What .NET's System.IO does on Linux, expressed over the union engine instead of syscalls: the
/// same checks in the same order, and the same errno-to-exception rules. Every facade member goes
/// through here, so the overlay fails exactly where and how a kernel mount would.
/// </summary>
internal sealed class PosixIo
{
    private const UnixFileMode DefaultCreateMode = (UnixFileMode)0b110_110_110; // 0666, before the umask
    private const UnixFileMode DirectoryCreateMode = (UnixFileMode)0b111_111_111; // 0777, before the umask

    private readonly UnionEngine _engine;
    private readonly OverlayWatchHub _watchers;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SafeFileHandle, string> _lowerHandles = new();

    public PosixIo(UnionEngine engine)
    {
        _engine = engine;
        _watchers = new OverlayWatchHub(engine);
    }

    /// <summary>The overlay's watchers, fed by the engine's change feed and by this door's streams.</summary>
    public OverlayWatchHub Watchers => _watchers;

    // ---- The overlay as a whole

    public IReadOnlyList<Layers.ILayer> Lowers => _engine.Lowers;

    public Layers.IWritableLayer? Upper => _engine.Upper;

    public bool IsReadOnly => _engine.IsReadOnly;

    public IReadOnlyList<OverlayChange> Changes() => _engine.Changes();

    public void ResetUpper() => _engine.ResetUpper();

    public void InvalidateIndex() => _engine.InvalidateIndex();

    /// <summary>The engine's trace of its writes.</summary>
    public event Action<OverlayEvent>? Trace
    {
        add => _engine.Trace += value;
        remove => _engine.Trace -= value;
    }

    /// <summary>The engine's trace of its lookups (the slow way while it has a handler).</summary>
    public event Action<OverlayEvent>? LookupTrace
    {
        add => _engine.LookupTrace += value;
        remove => _engine.LookupTrace -= value;
    }

    // ---- Status

    /// <summary>lstat(2), then stat(2) when the object is a link: what FileSystemInfo caches.</summary>
    public FileStatus Status(string fullPath)
    {
        string trimmed = PosixPath.TrimEndingSeparators(fullPath);
        if (_engine.Stat(trimmed, followLinks: false, out var node) is var error && error != Errno.None)
        {
            return new FileStatus(false, false, default, error);
        }

        bool isDirectory = node.IsDirectory;
        if (node.IsSymbolicLink && _engine.Stat(trimmed, followLinks: true, out var target) == Errno.None)
        {
            isDirectory = target.IsDirectory;
        }

        return new FileStatus(true, isDirectory, node);
    }

    /// <summary>System.IO's internal FileExists: a trailing separator is trimmed; a dangling link counts as a file.</summary>
    public bool FileExists(string fullPath)
    {
        var status = Status(fullPath);
        return status.Exists && !status.IsDirectory;
    }

    /// <summary>System.IO's internal DirectoryExists: links are followed.</summary>
    public bool DirectoryExists(string fullPath)
    {
        var status = Status(fullPath);
        return status.Exists && status.IsDirectory;
    }

    /// <summary>
    /// The exception for a failed call on a path: a missing name is blamed on its directory when that
    /// is missing too, as System.IO decides between DirectoryNotFound and FileNotFound.
    /// </summary>
    public Exception Fail(Errno error, string fullPath) => error == Errno.ENOENT
        ? IoErrors.For(error, fullPath, isDirectory: !DirectoryExists(PosixPath.DirectoryOf(fullPath)))
        : IoErrors.For(error, fullPath);

    public void Check(Errno error, string fullPath)
    {
        if (error != Errno.None)
        {
            throw Fail(error, fullPath);
        }
    }

    /// <summary>stat(2) of a path, links followed: the mode of what it names; null when it names nothing (a dangling link).</summary>
    public UnixFileMode? TargetMode(string fullPath) =>
        _engine.Stat(fullPath, followLinks: true, out var target) == Errno.None ? target.Entry.Mode : null;

    /// <summary>readlink(2).</summary>
    /// <returns>The errno: EINVAL when the path is not a link.</returns>
    public Errno ReadLink(string fullPath, out string? target) => _engine.ReadLink(fullPath, out target);

    /// <summary>File and Directory.CreateSymbolicLink: symlink(2), a missing name blamed on its directory when that is missing too.</summary>
    public void CreateSymbolicLink(string fullPath, string target) => Check(_engine.CreateSymbolicLink(fullPath, target), fullPath);

    /// <summary>FileSystemInfo.CreateAsSymbolicLink: symlink(2), the error said of a file or a directory as the info is.</summary>
    public void CreateAsSymbolicLink(string fullPath, string target, bool isDirectory) =>
        IoErrors.Check(_engine.CreateSymbolicLink(fullPath, target), fullPath, isDirectory);

    /// <summary>FileSystemInfo's cache check: a failed lstat other than "not there" is thrown as it is.</summary>
    public FileStatus RequireStatus(string fullPath)
    {
        var status = Status(fullPath);
        if (!status.Exists)
        {
            if (status.Error is not Errno.ENOENT and not Errno.ENOTDIR)
            {
                throw IoErrors.For(status.Error, fullPath);
            }

            ThrowNotFound(fullPath);
        }

        return status;
    }

    public void ThrowNotFound(string fullPath)
    {
        bool isDirectory = !DirectoryExists(PosixPath.DirectoryOf(fullPath));
        throw IoErrors.For(Errno.ENOENT, fullPath, isDirectory);
    }

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

    // ---- Metadata

    public void SetUnixFileMode(string fullPath, UnixFileMode mode)
    {
        if (((int)mode & ~0xFFF) != 0)
        {
            throw new ArgumentException("Invalid UnixFileMode value.", nameof(mode));
        }

        // chmod(2) follows links: Linux has no link permissions.
        Check(_engine.SetUnixFileMode(fullPath, mode), fullPath);
    }

    /// <summary>The mode of what the path names: a link is followed, as stat(2) does.</summary>
    public UnixFileMode GetUnixFileMode(string fullPath)
    {
        var status = RequireStatus(fullPath);
        if (!status.Node.IsSymbolicLink)
        {
            return status.Node.Entry.Mode;
        }

        // A link whose target cannot be reached (dangling, or "link-to-file/") has no mode: not found.
        if (_engine.Stat(fullPath, followLinks: true, out var target) != Errno.None)
        {
            ThrowNotFound(fullPath);
        }

        return target.Entry.Mode;
    }

    /// <summary>
    /// utimensat(2) with AT_SYMLINK_NOFOLLOW after System.IO's existence check: as .NET does, the
    /// times of a link are the link's own. A <see langword="null"/> time keeps its value.
    /// </summary>
    /// <remarks>
    /// The time not set is the one lstat(2) found without the trailing separator, as System.IO
    /// passes both: through "link/" (which utimensat(2) follows) the target gets the link's own time.
    /// </remarks>
    public void SetTimes(string fullPath, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        var status = RequireStatus(fullPath);
        if (status.Node.IsSymbolicLink && fullPath.Length > 1 && fullPath[^1] == '/')
        {
            lastAccessTimeUtc ??= status.Node.Entry.LastAccessTimeUtc;
            lastWriteTimeUtc ??= status.Node.Entry.LastWriteTimeUtc;
        }

        Check(_engine.SetTimes(fullPath, lastAccessTimeUtc, lastWriteTimeUtc, followLinks: false), fullPath);
    }

    // ---- Directories

    /// <summary>
    /// Directory.CreateDirectory: mkdir(2) with <paramref name="mode"/> (0777 when omitted; less the
    /// umask), its missing parents first with 0777; an existing directory is fine.
    /// </summary>
    public void CreateDirectory(string fullPath, UnixFileMode mode = DirectoryCreateMode)
    {
        if (fullPath.Length == 1)
        {
            return;
        }

        var error = _engine.CreateDirectory(fullPath, mode);
        if (error == Errno.None || (error == Errno.EEXIST && DirectoryExists(fullPath)))
        {
            return;
        }

        if (error != Errno.ENOENT)
        {
            throw IoErrors.For(error, fullPath, isDirectory: true);
        }

        // Create the missing parents top-down, then the directory itself.
        string trimmed = PosixPath.TrimEndingSeparators(fullPath);
        var missing = new Stack<string>();
        missing.Push(trimmed);
        for (string parent = PosixPath.DirectoryOf(trimmed); parent.Length > 1; parent = PosixPath.DirectoryOf(parent))
        {
            var parentError = _engine.CreateDirectory(parent, DirectoryCreateMode);
            if (parentError == Errno.None || parentError == Errno.EEXIST)
            {
                break;
            }

            if (parentError != Errno.ENOENT)
            {
                throw IoErrors.For(parentError, parent, isDirectory: true);
            }

            missing.Push(parent);
        }

        while (missing.TryPop(out var path))
        {
            var created = _engine.CreateDirectory(path, missing.Count == 0 ? mode : DirectoryCreateMode);
            if (created == Errno.EEXIST && (missing.Count > 0 || DirectoryExists(path)))
            {
                continue;
            }

            if (created != Errno.None)
            {
                throw IoErrors.For(created, path, isDirectory: true);
            }
        }
    }

    /// <summary>
    /// Directory.Delete: rmdir(2) first; a non-empty directory is emptied first when recursive
    /// (links are unlinked, never followed); a link to a directory named without a trailing
    /// separator is unlinked.
    /// </summary>
    public void RemoveDirectory(string fullPath, bool recursive)
    {
        if (!RemoveEmptyDirectory(fullPath, topLevel: true, throwWhenNotEmpty: !recursive))
        {
            RemoveDirectoryRecursive(PosixPath.TrimEndingSeparators(fullPath));
        }
    }

    private bool RemoveEmptyDirectory(string fullPath, bool topLevel, bool throwWhenNotEmpty)
    {
        var error = _engine.DeleteDirectory(fullPath);
        switch (error)
        {
            case Errno.None:
                return true;
            case Errno.ENOTEMPTY when !throwWhenNotEmpty:
                return false;
            case Errno.ENOENT when !topLevel:
                return true;
            case Errno.ENOTDIR when topLevel && fullPath[^1] != '/':
                var status = Status(fullPath);
                if (status is { Exists: true, IsDirectory: true } && status.Node.IsSymbolicLink)
                {
                    DeleteFile(fullPath);
                    return true;
                }

                break;
        }

        if (DirectoryExists(fullPath))
        {
            throw error is Errno.EACCES or Errno.EPERM or Errno.EROFS
                ? IoErrors.Plain($"Access to the path '{fullPath}' is denied: {IoErrors.Describe(error)}.")
                : IoErrors.For(error, fullPath, isDirectory: true);
        }

        throw IoErrors.For(error, fullPath, isDirectory: true);
    }

    private void RemoveDirectoryRecursive(string fullPath)
    {
        Exception? first = null;
        IoErrors.Check(_engine.ReadDirectory(fullPath, out var entries), fullPath, isDirectory: true);
        foreach (var entry in entries)
        {
            string child = entry.Path;
            try
            {
                if (entry.IsDirectory)
                {
                    if (!RemoveEmptyDirectory(child, topLevel: false, throwWhenNotEmpty: false))
                    {
                        RemoveDirectoryRecursive(child);
                    }
                }
                else
                {
                    DeleteFile(child);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            throw first;
        }

        RemoveEmptyDirectory(fullPath, topLevel: false, throwWhenNotEmpty: true);
    }

    /// <summary>
    /// Directory.Move: System.IO's checks (same path; an existing destination, found by lstat(2)
    /// without its trailing separator, is refused after checking that the source exists and is not
    /// a file named with a trailing separator), then rename(2) to the destination without its
    /// trailing separator, whose errors come first otherwise.
    /// </summary>
    public void MoveDirectory(string sourceFullPath, string destinationFullPath)
    {
        string source = PosixPath.TrimEndingSeparators(sourceFullPath);
        string destination = PosixPath.TrimEndingSeparators(destinationFullPath);
        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            throw IoErrors.Plain($"Source and destination path must be different: '{sourceFullPath}'.");
        }

        if (_engine.Stat(destination, followLinks: false, out var destinationNode) == Errno.None)
        {
            if (_engine.Stat(source, followLinks: false, out var sourceNode) != Errno.None)
            {
                throw IoErrors.For(Errno.ENOENT, sourceFullPath, isDirectory: true);
            }

            if (sourceNode.Path == destinationNode.Path)
            {
                throw IoErrors.Plain($"Source and destination path must be different: '{sourceFullPath}'.");
            }

            if (!sourceNode.IsDirectory && sourceFullPath.Length > source.Length)
            {
                throw IoErrors.Plain($"Could not find a part of the path '{sourceFullPath}'.");
            }

            throw IoErrors.Plain($"Cannot create '{destinationFullPath}' because a file or directory with the same name already exists.");
        }

        var error = _engine.Rename(sourceFullPath, destination, noReplace: false);
        switch (error)
        {
            case Errno.None:
                return;
            case Errno.EACCES:
                throw new IOException($"Access to the path '{sourceFullPath}' is denied.", (int)error);
            case Errno.ENOENT:
                throw IoErrors.For(error, sourceFullPath, isDirectory: true);
            case Errno.ENOTDIR:
                // The source exists and is not a directory.
                throw IoErrors.Plain($"Could not find a part of the path '{sourceFullPath}'.");
            default:
                throw IoErrors.For(error, $"{sourceFullPath}' -> '{destinationFullPath}", isDirectory: true);
        }
    }

    /// <summary>The names in a directory, for the recursive delete.</summary>
    private List<string> ListNames(string fullPath)
    {
        IoErrors.Check(_engine.ReadDirectory(fullPath, out var entries), fullPath, isDirectory: true);
        return entries.ConvertAll(e => e.Entry.Name);
    }

    // ---- Enumeration

    /// <summary>
    /// Directory.Enumerate*: the merged entries below a directory, filtered as System.IO filters them
    /// (names matched by the pattern, hidden entries skipped unless the options keep them, links to
    /// directories listed and recursed into as directories unless reparse points are skipped, "." and
    /// ".." of each directory when the options ask for them).
    /// </summary>
    public IEnumerable<string> Enumerate(string fullPath, string userPath, string searchPattern, EnumerationOptions options, bool files, bool directories)
    {
        ArgumentNullException.ThrowIfNull(searchPattern);
        ArgumentNullException.ThrowIfNull(options);
        if (searchPattern.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Null character in path.", nameof(searchPattern));
        }

        if (searchPattern.StartsWith('/'))
        {
            throw new ArgumentException("Second path fragment must not be a drive or UNC name.", nameof(searchPattern));
        }

        // As System.IO: a pattern with directories in it ("sub/*.txt", "../*.log") searches the
        // directory it names, and the paths returned keep that part as written.
        string? patternDirectory = PosixPath.GetDirectoryName(searchPattern);
        if (!string.IsNullOrEmpty(patternDirectory))
        {
            userPath = PosixPath.Join(userPath, patternDirectory);
            fullPath = PosixPath.GetFullPath(PosixPath.Join(fullPath, patternDirectory), "/");
            searchPattern = searchPattern[(patternDirectory.Length + 1)..];
        }

        IoErrors.Check(_engine.ReadDirectory(fullPath, out var top), fullPath, isDirectory: true);
        return Walk(userPath, fullPath, string.Empty, top, NormalizePattern(searchPattern, options), options, files, directories, 0);
    }

    private IEnumerable<string> Walk(string userPath, string fullPath, string relative, List<MergedNode> entries, string pattern, EnumerationOptions options, bool files, bool directories, int depth)
    {
        if (options.ReturnSpecialDirectories && directories)
        {
            // readdir(3) lists both in every directory; System.IO matches them by the pattern only.
            foreach (string special in SpecialDirectories)
            {
                if (Matches(pattern, special, options))
                {
                    yield return PosixPath.Join(userPath, relative.Length == 0 ? special : relative + "/" + special);
                }
            }
        }

        foreach (var entry in entries)
        {
            string name = entry.Entry.Name;
            bool isDirectory = entry.IsDirectory;
            if (entry.IsSymbolicLink && _engine.Stat(entry.Path, followLinks: true, out var target) == Errno.None)
            {
                isDirectory = target.IsDirectory;
            }

            var attributes = FileStatus.AttributesOf(name, entry.Entry, isDirectory);
            if ((attributes & options.AttributesToSkip) != 0)
            {
                continue;
            }

            string relativeName = relative.Length == 0 ? name : relative + "/" + name;
            if (Matches(pattern, name, options) && (isDirectory ? directories : files))
            {
                yield return PosixPath.Join(userPath, relativeName);
            }

            if (options.RecurseSubdirectories && isDirectory && (options.MaxRecursionDepth > depth))
            {
                string childFull = PosixPath.Join(fullPath, name);
                var error = _engine.ReadDirectory(childFull, out var children);
                if (error != Errno.None)
                {
                    if (options.IgnoreInaccessible)
                    {
                        continue;
                    }

                    throw IoErrors.For(error, childFull, isDirectory: true);
                }

                foreach (var item in Walk(userPath, childFull, relativeName, children, pattern, options, files, directories, depth + 1))
                {
                    yield return item;
                }
            }
        }
    }

    private static readonly string[] SpecialDirectories = [".", ".."];

    private static bool Matches(string pattern, string name, EnumerationOptions options) =>
        options.MatchType == MatchType.Win32
            ? FileSystemName.MatchesWin32Expression(pattern, name, IgnoreCase(options))
            : FileSystemName.MatchesSimpleExpression(pattern, name, IgnoreCase(options));

    private static bool IgnoreCase(EnumerationOptions options) => options.MatchCasing == MatchCasing.CaseInsensitive;

    private static string NormalizePattern(string pattern, EnumerationOptions options)
    {
        if (options.MatchType != MatchType.Win32 || pattern == "*")
        {
            return pattern;
        }

        // System.IO's Win32 rules: "", "." and "*.*" match everything; otherwise the characters that
        // are wildcards only in DOS semantics ('\\', '"', '<', '>') are escaped, then '?', '*' and
        // '.' are translated to their DOS forms (so "??.txt" matches "a.txt").
        if (pattern.Length == 0 || pattern == "." || pattern == "*.*")
        {
            return "*";
        }

        if (pattern.AsSpan().IndexOfAny("\\\"<>") >= 0)
        {
            pattern = pattern.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace(">", "\\>", StringComparison.Ordinal)
                .Replace("<", "\\<", StringComparison.Ordinal);
        }

        return FileSystemName.TranslateWin32Expression(pattern);
    }
}
