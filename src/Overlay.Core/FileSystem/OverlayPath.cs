using System.IO.Abstractions;

namespace Overlay.FileSystem;

/// <summary>
/// <see cref="IPath"/> for an overlay: POSIX paths, with relative paths resolved against the
/// overlay's own current directory rather than the process's.
/// </summary>
internal sealed class OverlayPath : PathWrapper
{
    private readonly OverlayFileSystem _fileSystem;
    private readonly PosixIo _io;

    public OverlayPath(OverlayFileSystem fileSystem, PosixIo io)
        : base(fileSystem)
    {
        _fileSystem = fileSystem;
        _io = io;
    }

    /// <inheritdoc />
    public override string GetFullPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            throw new ArgumentException("The path is empty.", nameof(path));
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Null character in path.", nameof(path));
        }

        return System.IO.Path.GetFullPath(path, _fileSystem.CurrentDirectory);
    }

    /// <inheritdoc />
    public override string GetRelativePath(string relativeTo, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativeTo);
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Relative inputs are relative to the overlay's current directory, not the process's.
        return System.IO.Path.GetRelativePath(GetFullPath(relativeTo), GetFullPath(path));
    }

    /// <inheritdoc />
    public override bool Exists(string? path) =>
        !string.IsNullOrEmpty(path) && (_fileSystem.File.Exists(path) || _fileSystem.Directory.Exists(path));

    /// <inheritdoc />
    public override string GetTempPath() => "/tmp/";

    /// <inheritdoc />
    public override string GetTempFileName()
    {
        _fileSystem.Directory.CreateDirectory("/tmp");
        while (true)
        {
            // mkstemps(3)'s template, tmpXXXXXX.tmp, and its mode, 0600.
            string path = "/tmp/tmp" + System.IO.Path.GetRandomFileName()[..6] + ".tmp";
            try
            {
                using (_io.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.None, UnixFileMode.UserRead | UnixFileMode.UserWrite))
                {
                }

                return path;
            }
            catch (IOException e) when (e.HResult == 17)
            {
                // Taken: try another name, as the BCL does.
            }
        }
    }
}
