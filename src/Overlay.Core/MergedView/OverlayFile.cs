using System.IO.Abstractions;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Overlay.MergedView;

/// <summary><see cref="IFile"/> over the merged view: each member does what System.IO's File does on Linux.</summary>
internal sealed partial class OverlayFile : IFile
{
    private readonly OverlayFileSystem _fileSystem;
    private readonly PosixIo _io;

    public OverlayFile(OverlayFileSystem fileSystem, PosixIo io)
    {
        _fileSystem = fileSystem;
        _io = io;
    }

    public IFileSystem FileSystem => _fileSystem;

    private string Full(string path, string? name = "path")
    {
        ArgumentException.ThrowIfNullOrEmpty(path, name);
        return _fileSystem.Path.GetFullPath(path);
    }

    // ---- Existence, deletion, copy and move

    public bool Exists(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        string full = _fileSystem.Path.GetFullPath(path);

        // File.Exists refuses a trailing separator; the internal check trims it.
        return full[^1] != '/' && _io.FileExists(full);
    }

    public void Delete(string path) => _io.DeleteFile(Full(path));

    public void Copy(string sourceFileName, string destFileName) => Copy(sourceFileName, destFileName, overwrite: false);

    public void Copy(string sourceFileName, string destFileName, bool overwrite) =>
        _io.CopyFile(Full(sourceFileName, nameof(sourceFileName)), Full(destFileName, nameof(destFileName)), overwrite);

    public void Move(string sourceFileName, string destFileName) => Move(sourceFileName, destFileName, overwrite: false);

    public void Move(string sourceFileName, string destFileName, bool overwrite) =>
        _io.MoveFile(Full(sourceFileName, nameof(sourceFileName)), Full(destFileName, nameof(destFileName)), overwrite);

    public void Replace(string sourceFileName, string destinationFileName, string? destinationBackupFileName) =>
        Replace(sourceFileName, destinationFileName, destinationBackupFileName, ignoreMetadataErrors: false);

    public void Replace(string sourceFileName, string destinationFileName, string? destinationBackupFileName, bool ignoreMetadataErrors)
    {
        ArgumentNullException.ThrowIfNull(sourceFileName);
        ArgumentNullException.ThrowIfNull(destinationFileName);
        _io.ReplaceFile(
            Full(sourceFileName, nameof(sourceFileName)),
            Full(destinationFileName, nameof(destinationFileName)),
            destinationBackupFileName is null ? null : Full(destinationBackupFileName, nameof(destinationBackupFileName)));
    }

    [UnsupportedOSPlatform("linux")]
    public void Decrypt(string path) => throw new PlatformNotSupportedException("File encryption is not supported on this platform.");

    [UnsupportedOSPlatform("linux")]
    public void Encrypt(string path) => throw new PlatformNotSupportedException("File encryption is not supported on this platform.");

    // ---- Links

    public IFileSystemInfo CreateSymbolicLink(string path, string pathToTarget)
    {
        string full = Full(path);
        ArgumentException.ThrowIfNullOrEmpty(pathToTarget);
        IoErrors.ThrowIfNullCharacter(pathToTarget, nameof(pathToTarget));
        _io.CreateSymbolicLink(full, pathToTarget);
        return _fileSystem.FileInfo.New(path);
    }

    public IFileSystemInfo? ResolveLinkTarget(string linkPath, bool returnFinalTarget) =>
        _fileSystem.FileInfo.New(linkPath).ResolveLinkTarget(returnFinalTarget);

    // ---- Metadata

    public FileAttributes GetAttributes(string path)
    {
        return _io.RequireStatus(Full(path)).Attributes;
    }

    public FileAttributes GetAttributes(SafeFileHandle fileHandle) =>
        _io.LowerFileOf(fileHandle) is { } path ? GetAttributes(path) : System.IO.File.GetAttributes(fileHandle);

    public void SetAttributes(string path, FileAttributes fileAttributes) =>
        OverlayFileSystemInfo.SetAttributes(_io, Full(path), fileAttributes);

    public void SetAttributes(SafeFileHandle fileHandle, FileAttributes fileAttributes) =>
        OnHandle(fileHandle, path => SetAttributes(path, fileAttributes), () => System.IO.File.SetAttributes(fileHandle, fileAttributes));

    public UnixFileMode GetUnixFileMode(string path) => _io.GetUnixFileMode(Full(path));

    public UnixFileMode GetUnixFileMode(SafeFileHandle fileHandle)
    {
        if (_io.LowerFileOf(fileHandle) is { } path)
        {
            return GetUnixFileMode(path);
        }

        return OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : System.IO.File.GetUnixFileMode(fileHandle);
    }

    public void SetUnixFileMode(string path, UnixFileMode mode) => _io.SetUnixFileMode(Full(path), mode);

    public void SetUnixFileMode(SafeFileHandle fileHandle, UnixFileMode mode)
    {
        if (_io.LowerFileOf(fileHandle) is { } path)
        {
            SetUnixFileMode(path, mode);
        }
        else if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(fileHandle, mode);
        }
        else
        {
            throw new PlatformNotSupportedException();
        }
    }

    public DateTime GetCreationTime(string path) => GetCreationTimeUtc(path).ToLocalTime();

    public DateTime GetCreationTime(SafeFileHandle fileHandle) =>
        _io.LowerFileOf(fileHandle) is { } path ? GetCreationTime(path) : System.IO.File.GetCreationTime(fileHandle);

    public DateTime GetCreationTimeUtc(string path) => Time(path, static e => e.CreationTimeUtc);

    public DateTime GetCreationTimeUtc(SafeFileHandle fileHandle) =>
        _io.LowerFileOf(fileHandle) is { } path ? GetCreationTimeUtc(path) : System.IO.File.GetCreationTimeUtc(fileHandle);

    public DateTime GetLastAccessTime(string path) => GetLastAccessTimeUtc(path).ToLocalTime();

    public DateTime GetLastAccessTime(SafeFileHandle fileHandle) =>
        _io.LowerFileOf(fileHandle) is { } path ? GetLastAccessTime(path) : System.IO.File.GetLastAccessTime(fileHandle);

    public DateTime GetLastAccessTimeUtc(string path) => Time(path, static e => e.LastAccessTimeUtc);

    public DateTime GetLastAccessTimeUtc(SafeFileHandle fileHandle) =>
        _io.LowerFileOf(fileHandle) is { } path ? GetLastAccessTimeUtc(path) : System.IO.File.GetLastAccessTimeUtc(fileHandle);

    public DateTime GetLastWriteTime(string path) => GetLastWriteTimeUtc(path).ToLocalTime();

    public DateTime GetLastWriteTime(SafeFileHandle fileHandle) =>
        _io.LowerFileOf(fileHandle) is { } path ? GetLastWriteTime(path) : System.IO.File.GetLastWriteTime(fileHandle);

    public DateTime GetLastWriteTimeUtc(string path) => Time(path, static e => e.LastWriteTimeUtc);

    public DateTime GetLastWriteTimeUtc(SafeFileHandle fileHandle) =>
        _io.LowerFileOf(fileHandle) is { } path ? GetLastWriteTimeUtc(path) : System.IO.File.GetLastWriteTimeUtc(fileHandle);

    // Linux keeps no settable creation time: System.IO sets the last write time instead.
    public void SetCreationTime(string path, DateTime creationTime) => SetCreationTimeUtc(path, creationTime.ToUniversalTime());

    public void SetCreationTime(SafeFileHandle fileHandle, DateTime creationTime) => SetCreationTimeUtc(fileHandle, creationTime.ToUniversalTime());

    public void SetCreationTimeUtc(string path, DateTime creationTimeUtc) => _io.SetTimes(Full(path), null, Utc(creationTimeUtc));

    public void SetCreationTimeUtc(SafeFileHandle fileHandle, DateTime creationTimeUtc) =>
        OnHandle(fileHandle, path => SetCreationTimeUtc(path, creationTimeUtc), () => System.IO.File.SetCreationTimeUtc(fileHandle, creationTimeUtc));

    public void SetLastAccessTime(string path, DateTime lastAccessTime) => SetLastAccessTimeUtc(path, lastAccessTime.ToUniversalTime());

    public void SetLastAccessTime(SafeFileHandle fileHandle, DateTime lastAccessTime) => SetLastAccessTimeUtc(fileHandle, lastAccessTime.ToUniversalTime());

    public void SetLastAccessTimeUtc(string path, DateTime lastAccessTimeUtc) => _io.SetTimes(Full(path), Utc(lastAccessTimeUtc), null);

    public void SetLastAccessTimeUtc(SafeFileHandle fileHandle, DateTime lastAccessTimeUtc) =>
        OnHandle(fileHandle, path => SetLastAccessTimeUtc(path, lastAccessTimeUtc), () => System.IO.File.SetLastAccessTimeUtc(fileHandle, lastAccessTimeUtc));

    public void SetLastWriteTime(string path, DateTime lastWriteTime) => SetLastWriteTimeUtc(path, lastWriteTime.ToUniversalTime());

    public void SetLastWriteTime(SafeFileHandle fileHandle, DateTime lastWriteTime) => SetLastWriteTimeUtc(fileHandle, lastWriteTime.ToUniversalTime());

    public void SetLastWriteTimeUtc(string path, DateTime lastWriteTimeUtc) => _io.SetTimes(Full(path), null, Utc(lastWriteTimeUtc));

    public void SetLastWriteTimeUtc(SafeFileHandle fileHandle, DateTime lastWriteTimeUtc) =>
        OnHandle(fileHandle, path => SetLastWriteTimeUtc(path, lastWriteTimeUtc), () => System.IO.File.SetLastWriteTimeUtc(fileHandle, lastWriteTimeUtc));

    /// <summary>A handle's operation: through the overlay for a handle it opened on a lower file, else on the host file the handle is.</summary>
    private void OnHandle(SafeFileHandle fileHandle, Action<string> throughOverlay, Action onHost)
    {
        if (_io.LowerFileOf(fileHandle) is { } path)
        {
            throughOverlay(path);
        }
        else
        {
            onHost();
        }
    }

    private static DateTime Utc(DateTime time) => time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();

    private DateTime Time(string path, Func<Overlay.Layers.LayerEntry, DateTime> pick)
    {
        string full = Full(path);
        var status = _io.Status(full).ThrowIfFailed(full);

        // System.IO answers 1601-01-01 for a missing path rather than throwing.
        return status.Exists ? pick(status.Node.Entry) : DateTime.FromFileTimeUtc(0);
    }

    public SafeFileHandle OpenHandle(string path, FileMode mode = FileMode.Open, FileAccess access = FileAccess.Read, FileShare share = FileShare.Read, FileOptions options = FileOptions.None, long preallocationSize = 0) =>
        _io.OpenHandle(Full(path), mode, access, share, options, preallocationSize);
}
