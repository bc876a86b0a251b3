using Overlay.Layers;
using Overlay.Layers.Host;

namespace Overlay.Tests.Support;

/// <summary>
/// The host backend: <see cref="HostDirectoryLayer"/>s in
/// <c>Path.GetTempPath()/overlay-tests/&lt;guid&gt;/{top,bottom,upper,work}</c> on the real disk,
/// the upper with <see cref="HostDirectoryLayerOptions.Durable"/> off for speed. The folder is
/// deleted when the store is disposed.
/// </summary>
public sealed class HostDirectoryLayerStore : FileSystemLayerStore
{
    /// <summary>Creates a fresh folder under the temporary directory.</summary>
    public HostDirectoryLayerStore()
        : base(new System.IO.Abstractions.FileSystem(), Path.Combine(Path.GetTempPath(), "overlay-tests", Guid.NewGuid().ToString("N")))
    {
    }

    /// <inheritdoc />
    public override LayerBackend Backend => LayerBackend.HostDirectory;

    /// <inheritdoc />
    public override AccessTimeCheck LowerAccessTimes => AccessTimeCheck.FilesOnly;

    /// <inheritdoc />
    protected override FileSystemLayer OpenLower(string directory, string name) =>
        new HostDirectoryLayer(directory, new HostDirectoryLayerOptions { Name = name });

    /// <inheritdoc />
    protected override FileSystemLayer OpenUpper(string directory, string workDirectory) =>
        new HostDirectoryLayer(directory, new HostDirectoryLayerOptions { Name = "upper", WorkDirectory = workDirectory, Durable = false });

    /// <inheritdoc />
    protected override Stream OpenStoredFile(string path)
    {
        if (!LinuxSyscalls.IsSupported)
        {
            return base.OpenStoredFile(path);
        }

        // O_NOATIME, as the layer reads: hashing a lower file must not change its access time,
        // which the layer snapshot checks.
        int errno = LinuxSyscalls.OpenReadNoFollow(path, noAtime: true, out var handle);
        if (errno != 0)
        {
            handle.Dispose();
            throw new IOException($"Cannot open '{path}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        return new FileStream(handle, FileAccess.Read, 1);
    }

    /// <inheritdoc />
    protected override string? SpecialKind(string path)
    {
        if (!LinuxSyscalls.IsSupported || LinuxSyscalls.LStat(path, out var stat) != 0)
        {
            return null;
        }

        return stat.Type switch
        {
            LinuxSyscalls.S_IFCHR => "c",
            LinuxSyscalls.S_IFBLK => "b",
            LinuxSyscalls.S_IFIFO => "p",
            LinuxSyscalls.S_IFSOCK => "s",
            _ => null,
        };
    }

    /// <inheritdoc />
    protected override void DeleteTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        // A directory without its owner's write or search bit (a test may chmod one) would stop a
        // delete by anyone but root.
        if (!OperatingSystem.IsWindows())
        {
            foreach (var directory in Directory.EnumerateDirectories(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Prepend(path))
            {
                File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Directory.Delete(path, recursive: true);
    }
}
