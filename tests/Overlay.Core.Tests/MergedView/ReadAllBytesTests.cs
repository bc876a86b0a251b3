using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.MergedView;

/// <summary>
/// File.ReadAllBytes reads the file straight from the layer that holds it (no stream between):
/// the data, the allocations (the array and little else once the lookup is cached), the 2 GiB
/// limit System.IO has, and containment when a lower is changed behind the overlay's back into
/// links that lead out of it. Nothing here is timed.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReadAllBytesTests : IDisposable
{
    private const int WarmCalls = 100;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "overlay-tests", "readall-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _layers = [];
    private LayerSnapshot? _lowerBefore;

    public ReadAllBytesTests()
    {
        Directory.CreateDirectory(LowerDir);
        Directory.CreateDirectory(UpperDir);
    }

    private string LowerDir => Path.Combine(_root, "lower");

    private string UpperDir => Path.Combine(_root, "upper");

    private string OutsideDir => Path.Combine(_root, "outside");

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }

        try
        {
            if (_lowerBefore is not null)
            {
                using var lower = new HostDirectoryLayer(LowerDir);
                _lowerBefore.AssertUnchanged(lower);
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>An overlay of the lower directory under a fresh upper.</summary>
    /// <param name="checkLower">Check at the end that the lower is unchanged (not for a test that changes it itself, nor for a 2 GiB file).</param>
    private OverlayFileSystem HostOverlay(bool checkLower = true)
    {
        if (checkLower)
        {
            using var before = new HostDirectoryLayer(LowerDir);
            _lowerBefore = LayerSnapshot.Capture(before, AccessTimeCheck.None);
        }

        var lower = new HostDirectoryLayer(LowerDir);
        var upper = new HostDirectoryLayer(UpperDir, new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work"), Durable = false });
        _layers.Add(lower);
        _layers.Add(upper);
        return new OverlayFileSystem([lower], upper);
    }

    private void WriteLower(string relative, byte[] data)
    {
        string path = Path.Combine(LowerDir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
    }

    private static long AllocatedByWarmReads(OverlayFileSystem overlay, string path, byte[] expected)
    {
        overlay.File.ReadAllBytes(path).Should().Equal(expected);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long total = 0;
        for (int i = 0; i < WarmCalls; i++)
        {
            total += overlay.File.ReadAllBytes(path).Length;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        total.Should().Be((long)WarmCalls * expected.Length);
        return allocated / WarmCalls;
    }

    [Fact]
    public void WarmRead_OfALowerHostFile_AllocatesTheArrayAndLittleElse()
    {
        var data = Enumerable.Range(0, 512).Select(i => (byte)i).ToArray();
        WriteLower("d/sub/file.bin", data);
        var overlay = HostOverlay();

        long perRead = AllocatedByWarmReads(overlay, "/d/sub/file.bin", data);

        // The array (512 + 24 bytes), the handle and the FileShare lease. Through a stream (an
        // OverlayFileStream over a FileStream, copied into a MemoryStream) it was over 2,000 bytes.
        perRead.Should().BeLessThan(data.Length + 400);
    }

    [Fact]
    public void WarmRead_OfAFileInMemoryLayers_AllocatesTheArrayAndLittleElse()
    {
        var data = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var lower = new MemoryLayer("lower").AddFile("/d/sub/file.bin", data);
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper);
        overlay.File.WriteAllBytes("/d/sub/upper.bin", data);

        AllocatedByWarmReads(overlay, "/d/sub/file.bin", data).Should().BeLessThan(data.Length + 400);

        // An in-memory upper's file is found by the upper's own walk and copied: the array alone
        // (the walk through the engine made its path strings and entries, up to 800 bytes more).
        AllocatedByWarmReads(overlay, "/d/sub/upper.bin", data).Should().BeLessThan(data.Length + 100);
    }

    [Fact]
    public void ALayerReachedThroughALinkedParent_StillOpensItsFilesInOneCall()
    {
        // The layer's own root is a plain directory, but a directory above it is a link (as /var/run
        // or a linked $TMPDIR): the one-call open refuses links anywhere, so it must start from the
        // root's real path, or every read would take the stat-each-parent way.
        WriteLower("d/f", "layer data"u8.ToArray());
        string linked = Path.Combine(_root, "linked");
        Directory.CreateSymbolicLink(linked, _root);
        using var layer = new HostDirectoryLayer(Path.Combine(linked, "lower"));
        if (!Overlay.Layers.Host.LinuxSyscalls.IsSupported)
        {
            Assert.Skip("The one-call open is Linux's openat2.");
        }

        using var handle = layer.TryOpenReadQuickly("/d/f", asLower: true, out long length);

        handle.Should().NotBeNull("the link is above the layer's root, not inside it");
        length.Should().Be("layer data".Length);
        layer.TryOpenReadQuickly("/d/missing", asLower: true, out _).Should().BeNull();
    }

    [Fact]
    public void Read_FollowsTheMergedView_LinksWhiteoutsAndCopiedUpFiles()
    {
        WriteLower("etc/motd", "lower motd"u8.ToArray());
        WriteLower("etc/gone", "gone"u8.ToArray());
        File.CreateSymbolicLink(Path.Combine(LowerDir, "motd-link"), "/etc/motd");
        var overlay = HostOverlay();

        overlay.File.ReadAllBytes("/motd-link").Should().Equal("lower motd"u8.ToArray());
        overlay.File.AppendAllText("/etc/motd", " and upper");
        overlay.File.ReadAllBytes("/etc/motd").Should().Equal("lower motd and upper"u8.ToArray());
        overlay.File.ReadAllBytes("/motd-link").Should().Equal("lower motd and upper"u8.ToArray());
        overlay.File.Delete("/etc/gone");

        var missing = () => overlay.File.ReadAllBytes("/etc/gone");
        missing.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be("/etc/gone");
        File.ReadAllText(Path.Combine(LowerDir, "etc", "motd")).Should().Be("lower motd");
    }

    [Fact]
    public void Read_OfAFileOf2GiBOrMore_FailsAsSystemIoDoes_NamingThePath()
    {
        // Sparse: 2 GiB of length, no data blocks.
        string onDisk = Path.Combine(LowerDir, "huge.bin");
        using (var huge = File.Create(onDisk))
        {
            huge.SetLength((long)Array.MaxLength + 1);
        }

        var overlay = HostOverlay(checkLower: false);

        var systemIo = Record.Exception(() => File.ReadAllBytes(onDisk));
        var merged = Record.Exception(() => overlay.File.ReadAllBytes("/huge.bin"));

        systemIo.Should().BeOfType<IOException>();
        merged.Should().BeOfType<IOException>().Which.Message.Should().Contain("/huge.bin").And.Contain("2 gigabytes");
    }

    [Theory]
    [InlineData("directory")]
    [InlineData("file")]
    public void Read_AfterALowerObjectWasSwappedForALinkOutside_NeverReturnsTheOutsideFile(string swapped)
    {
        WriteLower("d/f", "layer data"u8.ToArray());
        Directory.CreateDirectory(OutsideDir);
        File.WriteAllText(Path.Combine(OutsideDir, "f"), "host secret");
        var overlay = HostOverlay(checkLower: false);
        overlay.File.ReadAllBytes("/d/f").Should().Equal("layer data"u8.ToArray());

        // Lowers must not change under an overlay; a hostile one does, after the overlay looked
        // at it: its directory, or its file, becomes a link leading out of the layer.
        if (swapped == "directory")
        {
            Directory.Delete(Path.Combine(LowerDir, "d"), recursive: true);
            Directory.CreateSymbolicLink(Path.Combine(LowerDir, "d"), OutsideDir);
        }
        else
        {
            File.Delete(Path.Combine(LowerDir, "d", "f"));
            File.CreateSymbolicLink(Path.Combine(LowerDir, "d", "f"), Path.Combine(OutsideDir, "f"));
        }

        var read = Record.Exception(() => overlay.File.ReadAllBytes("/d/f"));

        read.Should().BeAssignableTo<IOException>("the layer follows no link of the host");
        File.ReadAllText(Path.Combine(OutsideDir, "f")).Should().Be("host secret");
    }
}
