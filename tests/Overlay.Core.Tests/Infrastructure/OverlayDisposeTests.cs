using Overlay.Layers;

namespace Overlay.Tests.Infrastructure;

/// <summary>
/// Disposing an overlay releases what it opened (its watchers, its trace subscription) and leaves
/// the layers, which are the caller's, usable by other overlays.
/// </summary>
public class OverlayDisposeTests
{
    [Fact]
    public void Dispose_LeavesSharedImageUsableByAnotherOverlay()
    {
        var image = new MemoryLayer("image");
        image.AddFile("/etc/app.conf", "v1"u8.ToArray());
        var first = new OverlayFileSystem([image], new MemoryLayer("container"));
        first.File.WriteAllText("/etc/app.conf", "v2");

        first.Dispose();

        using var second = new OverlayFileSystem([image], new MemoryLayer("container2"));
        second.File.ReadAllText("/etc/app.conf").Should().Be("v1");
    }

    [Fact]
    public void Dispose_StopsWatchersItCreated()
    {
        var fs = new OverlayFileSystem([new MemoryLayer("image")], new MemoryLayer("container"));
        var watcher = fs.FileSystemWatcher.New("/");
        var seen = new List<string>();
        watcher.Created += (_, e) => seen.Add(e.FullPath);
        watcher.EnableRaisingEvents = true;
        fs.File.WriteAllText("/before", "x");

        fs.Dispose();
        fs.File.WriteAllText("/after", "x");

        seen.Should().Equal("/before");
        watcher.Invoking(w => w.EnableRaisingEvents = true).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Dispose_DetachesTraceHandlers()
    {
        var fs = new OverlayFileSystem([new MemoryLayer("image")], new MemoryLayer("container"));
        int events = 0;
        fs.Trace += (_, _) => events++;
        fs.File.WriteAllText("/before", "x");
        int before = events;

        fs.Dispose();
        fs.File.WriteAllText("/after", "x");

        before.Should().BePositive();
        events.Should().Be(before);
    }

    [Fact]
    public void Changes_AfterDispose_ThrowsObjectDisposed()
    {
        var fs = new OverlayFileSystem([new MemoryLayer("image")], new MemoryLayer("container"));
        fs.Dispose();
        fs.Dispose();

        fs.IsDisposed.Should().BeTrue();
        fs.Invoking(f => f.Changes()).Should().Throw<ObjectDisposedException>();
        fs.Invoking(f => f.ResetUpper()).Should().Throw<ObjectDisposedException>();
    }
}
