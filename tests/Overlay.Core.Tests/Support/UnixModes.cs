using System.IO.Abstractions;

namespace Overlay.Tests.Support;

/// <summary>
/// The unix-mode members of <see cref="IFileSystem"/>, which the BCL marks unsupported on Windows:
/// the overlay keeps POSIX modes itself, on every OS, so tests call them through here.
/// </summary>
#pragma warning disable CA1416 // The overlay's modes are managed, not the host's.
public static class UnixModes
{
    /// <summary><c>File.GetUnixFileMode</c>.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The path.</param>
    /// <returns>The mode.</returns>
    public static UnixFileMode Get(IFileSystem fileSystem, string path) => fileSystem.File.GetUnixFileMode(path);

    /// <summary><c>File.SetUnixFileMode</c>.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The path.</param>
    /// <param name="mode">The mode.</param>
    public static void Set(IFileSystem fileSystem, string path, UnixFileMode mode) => fileSystem.File.SetUnixFileMode(path, mode);

    /// <summary><c>FileSystemInfo.UnixFileMode</c>.</summary>
    /// <param name="info">The info.</param>
    /// <returns>The mode.</returns>
    public static UnixFileMode Of(IFileSystemInfo info) => info.UnixFileMode;
}
#pragma warning restore CA1416
