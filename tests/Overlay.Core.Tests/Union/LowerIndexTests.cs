using Overlay.Layers;

namespace Overlay.Tests.Union;

/// <summary>
/// The lower index: lowers are immutable, so each merged directory's lower content is listed once
/// and lookups after that never ask the lowers again, however many there are.
/// </summary>
public sealed class LowerIndexTests
{
    private sealed class CountingLayer(ILayer inner) : ILayer
    {
        public int Calls { get; private set; }

        public string Name => inner.Name;

        public bool TryGetEntry(string path, out LayerEntry entry)
        {
            Calls++;
            return inner.TryGetEntry(path, out entry);
        }

        public IReadOnlyList<LayerEntry> ListDirectory(string path)
        {
            Calls++;
            return inner.ListDirectory(path);
        }

        public Stream OpenRead(string path)
        {
            Calls++;
            return inner.OpenRead(path);
        }
    }

    private static (OverlayFileSystem Overlay, CountingLayer[] Lowers) Build(int layers)
    {
        var lowers = Enumerable.Range(0, layers)
            .Select(i => new CountingLayer(new MemoryLayer($"l{i}").AddFile($"/etc/file{i}", $"from {i}")))
            .ToArray();
        return (new OverlayFileSystem(lowers, new MemoryLayer("upper")), lowers);
    }

    [Fact]
    public void Lookup_WhenDirectoryIsIndexed_DoesNotAskAnyLower()
    {
        var (overlay, lowers) = Build(50);
        overlay.File.Exists("/etc/file0").Should().BeTrue();
        int before = lowers.Sum(l => l.Calls);

        for (int i = 0; i < 50; i++)
        {
            overlay.File.Exists($"/etc/file{i}").Should().BeTrue();
            overlay.File.Exists($"/etc/missing{i}").Should().BeFalse();
        }

        lowers.Sum(l => l.Calls).Should().Be(before);
    }

    [Fact]
    public void FirstLookup_ListsEachContributingDirectoryOncePerLayer()
    {
        var (overlay, lowers) = Build(20);

        overlay.File.Exists("/etc/file7").Should().BeTrue();

        // The root and /etc are each listed once in every layer (plus the root entry's opaque check).
        lowers.Should().AllSatisfy(l => l.Calls.Should().BeLessThanOrEqualTo(3));
    }

    [Fact]
    public void Read_OfALowerFile_OpensOnlyTheLayerThatHoldsIt()
    {
        var (overlay, lowers) = Build(10);
        overlay.File.Exists("/etc/file3").Should().BeTrue();
        var before = lowers.Select(l => l.Calls).ToArray();

        overlay.File.ReadAllText("/etc/file3").Should().Be("from 3");

        lowers.Select((l, i) => l.Calls - before[i]).Should().Equal(Enumerable.Range(0, 10).Select(i => i == 3 ? 1 : 0));
    }

    [Fact]
    public void InvalidateIndex_AfterALowerChangedOutsideTheOverlay_ShowsTheChange()
    {
        var lower = new MemoryLayer("lower").AddFile("/a", "1");
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        overlay.File.Exists("/b").Should().BeFalse();

        lower.AddFile("/b", "2");
        overlay.File.Exists("/b").Should().BeFalse("the index still holds the old listing");

        overlay.InvalidateIndex();
        overlay.File.ReadAllText("/b").Should().Be("2");
    }

    [Fact]
    public void Writes_ThroughTheOverlay_AreSeenWithoutInvalidating()
    {
        var (overlay, _) = Build(5);
        overlay.File.Exists("/etc/file1").Should().BeTrue();

        overlay.File.Delete("/etc/file1");
        overlay.File.WriteAllText("/etc/new", "n");

        overlay.File.Exists("/etc/file1").Should().BeFalse();
        overlay.Directory.GetFiles("/etc").Should().Equal("/etc/file0", "/etc/file2", "/etc/file3", "/etc/file4", "/etc/new");
    }
}
