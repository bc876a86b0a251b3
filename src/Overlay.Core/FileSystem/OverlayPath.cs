using System.IO.Abstractions;

namespace Overlay.FileSystem;

/// <summary>
/// <see cref="IPath"/> for an overlay: POSIX paths, with relative paths resolved against the
/// overlay's own current directory rather than the process's.
/// </summary>
internal sealed class OverlayPath : PathWrapper
{
    private readonly OverlayFileSystem _fileSystem;

    public OverlayPath(OverlayFileSystem fileSystem)
        : base(fileSystem)
    {
        _fileSystem = fileSystem;
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
    public override string GetTempPath() => "/tmp/";

    /// <inheritdoc />
    public override string GetTempFileName()
    {
        _fileSystem.Directory.CreateDirectory("/tmp");
        while (true)
        {
            string path = "/tmp/tmp" + System.IO.Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal) + ".tmp";
            try
            {
                using (_fileSystem.FileStream.New(path, FileMode.CreateNew, FileAccess.Write))
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
