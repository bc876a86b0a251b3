using System.Runtime.Versioning;
using Overlay.Layers;

namespace Overlay.Tests.MergedView.Handles;

/// <summary>
/// An overlay over one host-directory lower (holding <c>/lower.txt</c> = "lower", mode 0640, and
/// <c>/dir/</c>) and a host-directory upper, in a temporary folder removed on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HostOverlay : IDisposable
{
    private readonly HostDirectoryLayer _lower;
    private readonly HostDirectoryLayer _upper;

    /// <summary>Builds the folders, the layers and the overlay.</summary>
    public HostOverlay()
    {
        Root = Directory.CreateTempSubdirectory("overlay-handles-").FullName;
        LowerRoot = Path.Combine(Root, "lower");
        UpperRoot = Path.Combine(Root, "upper");
        Directory.CreateDirectory(Path.Combine(LowerRoot, "dir"));
        Directory.CreateDirectory(UpperRoot);
        File.WriteAllText(Path.Combine(LowerRoot, "lower.txt"), "lower");
        File.SetUnixFileMode(Path.Combine(LowerRoot, "lower.txt"), (UnixFileMode)0b110_100_000);
        _lower = new HostDirectoryLayer(LowerRoot, new HostDirectoryLayerOptions { Name = "lower" });
        _upper = new HostDirectoryLayer(UpperRoot, new HostDirectoryLayerOptions { Name = "upper", WorkDirectory = Path.Combine(Root, "work"), Durable = false });
        Overlay = new OverlayFileSystem(_upper, _lower);
    }

    /// <summary>The temporary folder.</summary>
    public string Root { get; }

    /// <summary>The lower's folder.</summary>
    public string LowerRoot { get; }

    /// <summary>The upper's folder.</summary>
    public string UpperRoot { get; }

    /// <summary>The overlay.</summary>
    public OverlayFileSystem Overlay { get; }

    /// <summary>The lower file's bytes and mode on the disk, to check it was never written.</summary>
    /// <returns>Text, mode and write time.</returns>
    public (string Text, UnixFileMode Mode, DateTime Written) LowerFile()
    {
        string path = Path.Combine(LowerRoot, "lower.txt");
        return (File.ReadAllText(path), File.GetUnixFileMode(path), File.GetLastWriteTimeUtc(path));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _upper.Dispose();
        _lower.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
