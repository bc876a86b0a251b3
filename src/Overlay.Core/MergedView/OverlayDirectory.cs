using System.IO.Abstractions;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <summary><see cref="IDirectory"/> over the merged view: each member does what System.IO's Directory does on Linux.</summary>
internal sealed class OverlayDirectory : IDirectory
{
    private static readonly EnumerationOptions Compatible = new()
    {
        MatchType = MatchType.Win32,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
    };

    private static readonly EnumerationOptions CompatibleRecursive = new()
    {
        MatchType = MatchType.Win32,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = true,
    };

    private readonly OverlayFileSystem _fileSystem;
    private readonly PosixIo _io;

    public OverlayDirectory(OverlayFileSystem fileSystem, PosixIo io)
    {
        _fileSystem = fileSystem;
        _io = io;
    }

    public IFileSystem FileSystem => _fileSystem;

    private string Full(string path, string name = "path")
    {
        ArgumentException.ThrowIfNullOrEmpty(path, name);
        return _fileSystem.Path.GetFullPath(path);
    }

    // ---- Create, delete, move

    public IDirectoryInfo CreateDirectory(string path)
    {
        _io.CreateDirectory(Full(path));
        return _fileSystem.DirectoryInfo.New(path);
    }

    public IDirectoryInfo CreateDirectory(string path, UnixFileMode unixCreateMode)
    {
        if (((int)unixCreateMode & ~0xFFF) != 0)
        {
            throw new ArgumentException("Invalid UnixFileMode value.", nameof(unixCreateMode));
        }

        _io.CreateDirectory(Full(path), unixCreateMode);
        return _fileSystem.DirectoryInfo.New(path);
    }

    public IDirectoryInfo CreateTempSubdirectory(string? prefix = null)
    {
        if (prefix is not null && (prefix.Contains('/', StringComparison.Ordinal) || prefix.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("The value may not contain directory separator characters.", nameof(prefix));
        }

        string directory = _fileSystem.Path.Join(_fileSystem.Path.GetTempPath(), (prefix ?? string.Empty) + _fileSystem.Path.GetRandomFileName());
        return CreateDirectory(directory, (UnixFileMode)0b111_000_000);
    }

    public void Delete(string path) => Delete(path, recursive: false);

    public void Delete(string path, bool recursive) => _io.RemoveDirectory(Full(path), recursive);

    public void Move(string sourceDirName, string destDirName) =>
        _io.MoveDirectory(Full(sourceDirName, nameof(sourceDirName)), Full(destDirName, nameof(destDirName)));

    public bool Exists(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        return _io.DirectoryExists(_fileSystem.Path.GetFullPath(path));
    }

    public IFileSystemInfo CreateSymbolicLink(string path, string pathToTarget)
    {
        string full = Full(path);
        ArgumentException.ThrowIfNullOrEmpty(pathToTarget);
        IoErrors.ThrowIfNullCharacter(pathToTarget, nameof(pathToTarget));
        _io.CreateSymbolicLink(full, pathToTarget);
        return _fileSystem.DirectoryInfo.New(path);
    }

    public IFileSystemInfo? ResolveLinkTarget(string linkPath, bool returnFinalTarget) =>
        _fileSystem.DirectoryInfo.New(linkPath).ResolveLinkTarget(returnFinalTarget);

    // ---- Current directory and roots

    public string GetCurrentDirectory() => _fileSystem.CurrentDirectory;

    public void SetCurrentDirectory(string path)
    {
        string full = Full(path);
        if (!_io.DirectoryExists(full))
        {
            throw IoErrors.For(Overlay.Union.Errno.ENOENT, full, isDirectory: true);
        }

        _fileSystem.CurrentDirectory = PosixPath.TrimEndingSeparators(full);
    }

    public string GetDirectoryRoot(string path)
    {
        Full(path);
        return "/";
    }

    public string[] GetLogicalDrives() => ["/"];

    public IDirectoryInfo? GetParent(string path)
    {
        string full = Full(path);
        // As System.IO: the parent of "/a/b/" is "/a/b", the directory name of the full path.
        string? parent = PosixPath.GetDirectoryName(full);
        return parent is null ? null : _fileSystem.DirectoryInfo.New(parent);
    }

    // ---- Times

    public DateTime GetCreationTime(string path) => _fileSystem.File.GetCreationTime(path);

    public DateTime GetCreationTimeUtc(string path) => _fileSystem.File.GetCreationTimeUtc(path);

    public DateTime GetLastAccessTime(string path) => _fileSystem.File.GetLastAccessTime(path);

    public DateTime GetLastAccessTimeUtc(string path) => _fileSystem.File.GetLastAccessTimeUtc(path);

    public DateTime GetLastWriteTime(string path) => _fileSystem.File.GetLastWriteTime(path);

    public DateTime GetLastWriteTimeUtc(string path) => _fileSystem.File.GetLastWriteTimeUtc(path);

    public void SetCreationTime(string path, DateTime creationTime) => _fileSystem.File.SetCreationTime(path, creationTime);

    public void SetCreationTimeUtc(string path, DateTime creationTimeUtc) => _fileSystem.File.SetCreationTimeUtc(path, creationTimeUtc);

    public void SetLastAccessTime(string path, DateTime lastAccessTime) => _fileSystem.File.SetLastAccessTime(path, lastAccessTime);

    public void SetLastAccessTimeUtc(string path, DateTime lastAccessTimeUtc) => _fileSystem.File.SetLastAccessTimeUtc(path, lastAccessTimeUtc);

    public void SetLastWriteTime(string path, DateTime lastWriteTime) => _fileSystem.File.SetLastWriteTime(path, lastWriteTime);

    public void SetLastWriteTimeUtc(string path, DateTime lastWriteTimeUtc) => _fileSystem.File.SetLastWriteTimeUtc(path, lastWriteTimeUtc);

    // ---- Enumeration

    private static EnumerationOptions Options(SearchOption searchOption) => searchOption switch
    {
        SearchOption.TopDirectoryOnly => Compatible,
        SearchOption.AllDirectories => CompatibleRecursive,
        _ => throw new ArgumentOutOfRangeException(nameof(searchOption), "Enum value was out of legal range."),
    };

    internal IEnumerable<string> Enumerate(string path, string searchPattern, EnumerationOptions options, bool files, bool directories)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        string full = Full(path);

        // The listing is taken now, as System.IO opens the directory when enumeration is requested.
        return _io.Enumeration.Enumerate(full, path, searchPattern, options, files, directories);
    }

    public IEnumerable<string> EnumerateDirectories(string path) => Enumerate(path, "*", Compatible, false, true);

    public IEnumerable<string> EnumerateDirectories(string path, string searchPattern) => Enumerate(path, searchPattern, Compatible, false, true);

    public IEnumerable<string> EnumerateDirectories(string path, string searchPattern, SearchOption searchOption) => Enumerate(path, searchPattern, Options(searchOption), false, true);

    public IEnumerable<string> EnumerateDirectories(string path, string searchPattern, EnumerationOptions enumerationOptions) => Enumerate(path, searchPattern, enumerationOptions, false, true);

    public IEnumerable<string> EnumerateFiles(string path) => Enumerate(path, "*", Compatible, true, false);

    public IEnumerable<string> EnumerateFiles(string path, string searchPattern) => Enumerate(path, searchPattern, Compatible, true, false);

    public IEnumerable<string> EnumerateFiles(string path, string searchPattern, SearchOption searchOption) => Enumerate(path, searchPattern, Options(searchOption), true, false);

    public IEnumerable<string> EnumerateFiles(string path, string searchPattern, EnumerationOptions enumerationOptions) => Enumerate(path, searchPattern, enumerationOptions, true, false);

    public IEnumerable<string> EnumerateFileSystemEntries(string path) => Enumerate(path, "*", Compatible, true, true);

    public IEnumerable<string> EnumerateFileSystemEntries(string path, string searchPattern) => Enumerate(path, searchPattern, Compatible, true, true);

    public IEnumerable<string> EnumerateFileSystemEntries(string path, string searchPattern, SearchOption searchOption) => Enumerate(path, searchPattern, Options(searchOption), true, true);

    public IEnumerable<string> EnumerateFileSystemEntries(string path, string searchPattern, EnumerationOptions enumerationOptions) => Enumerate(path, searchPattern, enumerationOptions, true, true);

    public string[] GetDirectories(string path) => [.. EnumerateDirectories(path)];

    public string[] GetDirectories(string path, string searchPattern) => [.. EnumerateDirectories(path, searchPattern)];

    public string[] GetDirectories(string path, string searchPattern, SearchOption searchOption) => [.. EnumerateDirectories(path, searchPattern, searchOption)];

    public string[] GetDirectories(string path, string searchPattern, EnumerationOptions enumerationOptions) => [.. EnumerateDirectories(path, searchPattern, enumerationOptions)];

    public string[] GetFiles(string path) => [.. EnumerateFiles(path)];

    public string[] GetFiles(string path, string searchPattern) => [.. EnumerateFiles(path, searchPattern)];

    public string[] GetFiles(string path, string searchPattern, SearchOption searchOption) => [.. EnumerateFiles(path, searchPattern, searchOption)];

    public string[] GetFiles(string path, string searchPattern, EnumerationOptions enumerationOptions) => [.. EnumerateFiles(path, searchPattern, enumerationOptions)];

    public string[] GetFileSystemEntries(string path) => [.. EnumerateFileSystemEntries(path)];

    public string[] GetFileSystemEntries(string path, string searchPattern) => [.. EnumerateFileSystemEntries(path, searchPattern)];

    public string[] GetFileSystemEntries(string path, string searchPattern, SearchOption searchOption) => [.. EnumerateFileSystemEntries(path, searchPattern, searchOption)];

    public string[] GetFileSystemEntries(string path, string searchPattern, EnumerationOptions enumerationOptions) => [.. EnumerateFileSystemEntries(path, searchPattern, enumerationOptions)];
}
