using System.Diagnostics;
using System.IO.Abstractions;

namespace Overlay.MergedView;

/// <summary>
/// <see cref="IFileVersionInfoFactory"/>: System.IO's FileVersionInfo read from a file of the merged
/// view. A file on the host disk is read through its own handle; any other is first copied to a
/// temporary file of the host, which is deleted again before the answer is returned.
/// </summary>
internal sealed class OverlayFileVersionInfoFactory(OverlayFileSystem fileSystem) : IFileVersionInfoFactory
{
    public IFileSystem FileSystem => fileSystem;

    public IFileVersionInfo GetVersionInfo(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string full = fileSystem.Path.GetFullPath(fileName);

        // As FileVersionInfo.GetVersionInfo: anything but an existing file (a directory too) is "not found".
        if (!fileSystem.File.Exists(full))
        {
            throw new FileNotFoundException(full);
        }

        FileVersionInfo info;
        try
        {
            using var handle = fileSystem.File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            info = FileVersionInfo.GetVersionInfo($"/proc/self/fd/{handle.DangerousGetHandle()}");
        }
        catch (NotSupportedException)
        {
            info = ThroughTemporaryFile(full);
        }

        return new OverlayFileVersionInfo(fileSystem, info, full);
    }

    private FileVersionInfo ThroughTemporaryFile(string full)
    {
        string temporary = Path.Combine(Path.GetTempPath(), "overlay-version-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var source = fileSystem.File.OpenRead(full))
            using (var copy = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                source.CopyTo(copy);
            }

            return FileVersionInfo.GetVersionInfo(temporary);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
