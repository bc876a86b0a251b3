using System.IO.Abstractions;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <summary><see cref="IDirectoryInfo"/> over the merged view.</summary>
internal sealed class OverlayDirectoryInfo : OverlayFileSystemInfo, IDirectoryInfo
{
    public OverlayDirectoryInfo(OverlayFileSystem fileSystem, PosixIo io, string originalPath, string fullPath)
        : base(fileSystem, io, originalPath, fullPath)
    {
    }

    public override bool Exists => Status is { Exists: true, IsDirectory: true };

    public IDirectoryInfo? Parent =>
        PosixPath.GetDirectoryName(PosixPath.TrimEndingSeparators(FullName)) is { } parent ? OverlayFileSystem.DirectoryInfo.New(parent) : null;

    public IDirectoryInfo Root => OverlayFileSystem.DirectoryInfo.New("/");

    public void Create()
    {
        OverlayFileSystem.Directory.CreateDirectory(FullName);
        Invalidate();
    }

    public IDirectoryInfo CreateSubdirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (PosixPath.IsPathRooted(path))
        {
            throw new ArgumentException($"Second path fragment must not be a drive or UNC name: '{path}'.", nameof(path));
        }

        string full = OverlayFileSystem.Path.GetFullPath(PosixPath.Join(FullName, path));
        string root = PosixPath.TrimEndingSeparators(FullName);
        if (!full.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The directory specified, '{path}', is not a subdirectory of '{FullName}'.", nameof(path));
        }

        return OverlayFileSystem.Directory.CreateDirectory(full);
    }

    public override void Delete() => Delete(recursive: false);

    public void Delete(bool recursive)
    {
        Io.RemoveDirectory(FullName, recursive);
        Invalidate();
    }

    public void MoveTo(string destDirName)
    {
        ArgumentException.ThrowIfNullOrEmpty(destDirName);
        string destination = OverlayFileSystem.Path.GetFullPath(destDirName);
        Io.MoveDirectory(FullName, destination);

        // System.IO's DirectoryInfo ends its new full name with a separator.
        FullName = destination.EndsWith('/') ? destination : destination + "/";
        OriginalPath = destDirName;
        Invalidate();
    }

    // ---- Enumeration

    private OverlayDirectory DirectoryApi => (OverlayDirectory)OverlayFileSystem.Directory;

    private IEnumerable<string> Paths(string searchPattern, EnumerationOptions options, bool files, bool directories) =>
        DirectoryApi.Enumerate(FullName, searchPattern, options, files, directories);

    private static EnumerationOptions Options(SearchOption searchOption) => new()
    {
        MatchType = MatchType.Win32,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = searchOption == SearchOption.AllDirectories,
    };

    private IFileSystemInfo Info(string path) =>
        Io.DirectoryExists(path) ? OverlayFileSystem.DirectoryInfo.New(path) : OverlayFileSystem.FileInfo.New(path);

    public IEnumerable<IDirectoryInfo> EnumerateDirectories() => EnumerateDirectories("*");

    public IEnumerable<IDirectoryInfo> EnumerateDirectories(string searchPattern) => EnumerateDirectories(searchPattern, SearchOption.TopDirectoryOnly);

    public IEnumerable<IDirectoryInfo> EnumerateDirectories(string searchPattern, SearchOption searchOption) => EnumerateDirectories(searchPattern, Options(searchOption));

    public IEnumerable<IDirectoryInfo> EnumerateDirectories(string searchPattern, EnumerationOptions enumerationOptions) =>
        Paths(searchPattern, enumerationOptions, false, true).Select(OverlayFileSystem.DirectoryInfo.New);

    public IEnumerable<IFileInfo> EnumerateFiles() => EnumerateFiles("*");

    public IEnumerable<IFileInfo> EnumerateFiles(string searchPattern) => EnumerateFiles(searchPattern, SearchOption.TopDirectoryOnly);

    public IEnumerable<IFileInfo> EnumerateFiles(string searchPattern, SearchOption searchOption) => EnumerateFiles(searchPattern, Options(searchOption));

    public IEnumerable<IFileInfo> EnumerateFiles(string searchPattern, EnumerationOptions enumerationOptions) =>
        Paths(searchPattern, enumerationOptions, true, false).Select(OverlayFileSystem.FileInfo.New);

    public IEnumerable<IFileSystemInfo> EnumerateFileSystemInfos() => EnumerateFileSystemInfos("*");

    public IEnumerable<IFileSystemInfo> EnumerateFileSystemInfos(string searchPattern) => EnumerateFileSystemInfos(searchPattern, SearchOption.TopDirectoryOnly);

    public IEnumerable<IFileSystemInfo> EnumerateFileSystemInfos(string searchPattern, SearchOption searchOption) => EnumerateFileSystemInfos(searchPattern, Options(searchOption));

    public IEnumerable<IFileSystemInfo> EnumerateFileSystemInfos(string searchPattern, EnumerationOptions enumerationOptions) =>
        Paths(searchPattern, enumerationOptions, true, true).Select(Info);

    public IDirectoryInfo[] GetDirectories() => [.. EnumerateDirectories()];

    public IDirectoryInfo[] GetDirectories(string searchPattern) => [.. EnumerateDirectories(searchPattern)];

    public IDirectoryInfo[] GetDirectories(string searchPattern, SearchOption searchOption) => [.. EnumerateDirectories(searchPattern, searchOption)];

    public IDirectoryInfo[] GetDirectories(string searchPattern, EnumerationOptions enumerationOptions) => [.. EnumerateDirectories(searchPattern, enumerationOptions)];

    public IFileInfo[] GetFiles() => [.. EnumerateFiles()];

    public IFileInfo[] GetFiles(string searchPattern) => [.. EnumerateFiles(searchPattern)];

    public IFileInfo[] GetFiles(string searchPattern, SearchOption searchOption) => [.. EnumerateFiles(searchPattern, searchOption)];

    public IFileInfo[] GetFiles(string searchPattern, EnumerationOptions enumerationOptions) => [.. EnumerateFiles(searchPattern, enumerationOptions)];

    public IFileSystemInfo[] GetFileSystemInfos() => [.. EnumerateFileSystemInfos()];

    public IFileSystemInfo[] GetFileSystemInfos(string searchPattern) => [.. EnumerateFileSystemInfos(searchPattern)];

    public IFileSystemInfo[] GetFileSystemInfos(string searchPattern, SearchOption searchOption) => [.. EnumerateFileSystemInfos(searchPattern, searchOption)];

    public IFileSystemInfo[] GetFileSystemInfos(string searchPattern, EnumerationOptions enumerationOptions) => [.. EnumerateFileSystemInfos(searchPattern, enumerationOptions)];
}
