using Overlay.Layers;

namespace Overlay.Tests.Union;

/// <summary>
/// The engine's lookup cache: a warm File.Exists allocates nothing, and every change of the merged
/// namespace (through the overlay, or InvalidateIndex after a lower changed) is seen by the next
/// lookup. Allocation is counted with GC.GetAllocatedBytesForCurrentThread; nothing here is timed.
/// </summary>
public sealed class LookupCacheTests : IDisposable
{
    private const int WarmCalls = 200;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "overlay-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _layers = [];

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static MemoryLayer[] MemoryLowers(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new MemoryLayer("l" + i).AddFile($"/d/sub/f{i}", "data" + i))];

    private OverlayFileSystem HostOverlay(int lowers)
    {
        var layers = new List<ILayer>();
        for (int i = 0; i < lowers; i++)
        {
            string directory = Path.Combine(_root, "l" + i, "d", "sub");
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "f" + i), "data" + i);
            var layer = new HostDirectoryLayer(Path.Combine(_root, "l" + i));
            _layers.Add(layer);
            layers.Add(layer);
        }

        Directory.CreateDirectory(Path.Combine(_root, "upper"));
        var upper = new HostDirectoryLayer(Path.Combine(_root, "upper"), new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work"), Durable = false });
        _layers.Add(upper);
        return new OverlayFileSystem(layers, upper);
    }

    private static long AllocatedByWarmExists(OverlayFileSystem overlay, string[] paths, bool expected)
    {
        foreach (var path in paths)
        {
            overlay.File.Exists(path).Should().Be(expected, path);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int found = 0;
        for (int n = 0; n < WarmCalls; n++)
        {
            foreach (var path in paths)
            {
                found += overlay.File.Exists(path) ? 1 : 0;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        found.Should().Be(expected ? WarmCalls * paths.Length : 0);
        return allocated;
    }

    [Fact]
    public void WarmFileExists_OfLowerFilesInMemoryLayers_AllocatesNothing()
    {
        var overlay = new OverlayFileSystem(MemoryLowers(5), new MemoryLayer("upper"));

        AllocatedByWarmExists(overlay, ["/d/sub/f0", "/d/sub/f4", "/d/sub/f2"], expected: true).Should().Be(0);
    }

    [Fact]
    public void WarmFileExists_OfMissingNamesAndDirectories_AllocatesNothing()
    {
        var overlay = new OverlayFileSystem(MemoryLowers(5), new MemoryLayer("upper"));

        AllocatedByWarmExists(overlay, ["/d/sub/missing", "/nowhere/x", "/d/sub"], expected: false).Should().Be(0);
    }

    [Fact]
    public void WarmFileExists_OfLowerFilesInHostDirectoryLayers_AllocatesNothing()
    {
        var overlay = HostOverlay(5);

        AllocatedByWarmExists(overlay, ["/d/sub/f0", "/d/sub/f3"], expected: true).Should().Be(0);
    }

    [Fact]
    public void ANameFoundMissing_ThenCreated_IsSeen()
    {
        var overlay = new OverlayFileSystem(MemoryLowers(3), new MemoryLayer("upper"));
        overlay.File.Exists("/d/sub/new").Should().BeFalse();

        overlay.File.WriteAllText("/d/sub/new", "x");

        overlay.File.Exists("/d/sub/new").Should().BeTrue();
    }

    [Fact]
    public void ALowerFileLookedUp_ThenDeleted_IsGone()
    {
        var overlay = HostOverlay(3);
        overlay.File.Exists("/d/sub/f1").Should().BeTrue();

        overlay.File.Delete("/d/sub/f1");

        overlay.File.Exists("/d/sub/f1").Should().BeFalse();
        overlay.Directory.GetFiles("/d/sub").Should().BeEquivalentTo("/d/sub/f0", "/d/sub/f2");
    }

    [Fact]
    public void ALowerFileLookedUp_ThenWrittenThroughAStreamKeptOpen_ShowsItsNewLength()
    {
        var overlay = HostOverlay(2);
        overlay.FileInfo.New("/d/sub/f1").Length.Should().Be(5);

        using (var stream = overlay.FileStream.New("/d/sub/f1", FileMode.Append, FileAccess.Write))
        {
            stream.Write("more"u8);
            stream.Flush();
            overlay.FileInfo.New("/d/sub/f1").Length.Should().Be(9, "an upper file's status is read from the upper every time");
            stream.Write("!"u8);
            stream.Flush();
            overlay.FileInfo.New("/d/sub/f1").Length.Should().Be(10);
        }

        overlay.File.ReadAllText("/d/sub/f1").Should().Be("data1more!");
    }

    [Fact]
    public void ADirectoryLookedUp_ThenRenamed_IsSeenAtItsNewPathOnly()
    {
        var overlay = new OverlayFileSystem(MemoryLowers(2), new MemoryLayer("upper"));
        overlay.File.Exists("/d/sub/f0").Should().BeTrue();
        overlay.File.WriteAllText("/e", "x");
        overlay.File.Exists("/e").Should().BeTrue();

        overlay.File.Move("/e", "/d/sub/moved");

        overlay.File.Exists("/e").Should().BeFalse();
        overlay.File.Exists("/d/sub/moved").Should().BeTrue();
    }

    [Fact]
    public void ALowerChangedOutsideTheOverlay_IsSeenAfterInvalidateIndex()
    {
        var lower = new MemoryLayer("lower").AddFile("/a", "1");
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        overlay.File.Exists("/b").Should().BeFalse();

        lower.AddFile("/b", "2");
        overlay.InvalidateIndex();

        overlay.File.Exists("/b").Should().BeTrue();
        overlay.File.ReadAllText("/b").Should().Be("2");
    }

    [Fact]
    public void WithATraceHandlerAndAWatcher_WarmFileExistsStillAllocatesNothing()
    {
        var overlay = new OverlayFileSystem(MemoryLowers(5), new MemoryLayer("upper"));
        int traced = 0;
        overlay.Trace += (_, _) => traced++;
        using var watcher = overlay.FileSystemWatcher.New("/d");
        watcher.IncludeSubdirectories = true;
        watcher.EnableRaisingEvents = true;

        AllocatedByWarmExists(overlay, ["/d/sub/f0", "/d/sub/f4", "/d/sub/f2"], expected: true).Should().Be(0, "the lookups come from the cache");
        traced.Should().Be(0, "a lookup is not one of Trace's events");
    }

    [Fact]
    public void WithALookupTraceHandler_EveryLookupRaisesItsEvent()
    {
        var overlay = new OverlayFileSystem(MemoryLowers(2), new MemoryLayer("upper"));
        overlay.File.Exists("/d/sub/f0");
        int lookups = 0;
        overlay.LookupTrace += (_, e) => lookups += e.Kind == OverlayEventKind.Lookup ? 1 : 0;

        overlay.File.Exists("/d/sub/f0");
        overlay.File.Exists("/d/sub/f0");

        lookups.Should().Be(2);
    }
}
