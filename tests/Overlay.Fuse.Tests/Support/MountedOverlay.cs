using Overlay.Layers;

namespace Overlay.Fuse.Tests.Support;

/// <summary>
/// A temporary directory with host lower layers, a host upper and work directory, and the overlay
/// of them mounted through FUSE at a mount point whose path contains "overlay-test" (which CI
/// unmounts should a test host die).
/// </summary>
internal sealed class MountedOverlay : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public MountedOverlay(Action<string>? lower0 = null, Action<string>? lower1 = null, WhiteoutForm form = WhiteoutForm.Kernel)
    {
        Root = Path.Combine(Path.GetTempPath(), $"overlay-test-fuse-{Guid.NewGuid():N}");
        Lower0 = Directory.CreateDirectory(Path.Combine(Root, "lower0")).FullName;
        Lower1 = Directory.CreateDirectory(Path.Combine(Root, "lower1")).FullName;
        Upper = Directory.CreateDirectory(Path.Combine(Root, "upper")).FullName;
        Work = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        MountPoint = Directory.CreateDirectory(Path.Combine(Root, "merged")).FullName;
        lower0?.Invoke(Lower0);
        lower1?.Invoke(Lower1);

        var lowerTop = new HostDirectoryLayer(Lower0, new HostDirectoryLayerOptions { Name = "lower0", WhiteoutForm = form });
        var lowerBottom = new HostDirectoryLayer(Lower1, new HostDirectoryLayerOptions { Name = "lower1", WhiteoutForm = form });
        var upper = new HostDirectoryLayer(Upper, new HostDirectoryLayerOptions { Name = "upper", WhiteoutForm = form, WorkDirectory = Work, Durable = false });
        _owned.Add(lowerTop);
        _owned.Add(lowerBottom);
        _owned.Add(upper);
        FileSystem = new OverlayFileSystem([lowerTop, lowerBottom], upper, new OverlayOptions { Umask = 0 });
        Mount = OverlayMount.Mount(FileSystem, MountPoint);
    }

    public string Root { get; }

    /// <summary>The top lower.</summary>
    public string Lower0 { get; }

    /// <summary>The bottom lower.</summary>
    public string Lower1 { get; }

    public string Upper { get; }

    public string Work { get; }

    public string MountPoint { get; }

    public OverlayFileSystem FileSystem { get; }

    public OverlayMount Mount { get; }

    /// <summary>A path in the mount.</summary>
    public string this[string relative] => Path.Combine(MountPoint, relative);

    public void Dispose()
    {
        Mount.Dispose();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Still mounted after a failure: CI's cleanup unmounts it.
        }
    }
}
