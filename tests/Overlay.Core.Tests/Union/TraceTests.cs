using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The <see cref="OverlayFileSystem.Trace"/> events: which layer answered a lookup, each copy-up
/// with the layer it read from, each whiteout and opaque directory written.
/// </summary>
public class TraceTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public TraceTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected TraceTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void CopyUp_EmitsCopyUpWithTheSourceLayersName()
    {
        Overlay.File.AppendAllText("/a/foo", "+");

        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.CopyUp, "/a/foo", StandardLowers.BottomName));
    }

    [Fact]
    public void CopyUp_OfAParent_EmitsCopyUpWithTheLayerOfItsTopmostCopy()
    {
        Overlay.File.AppendAllText("/a/foo", "+");

        Events.Where(e => e.Kind == OverlayEventKind.CopyUp).Should().Equal(
            new OverlayEvent(OverlayEventKind.CopyUp, "/a", StandardLowers.TopName),
            new OverlayEvent(OverlayEventKind.CopyUp, "/a/foo", StandardLowers.BottomName));
    }

    [Fact]
    public void Delete_OfALowerFile_EmitsWhiteout()
    {
        Overlay.File.Delete("/a/bar");

        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.Whiteout, "/a/bar"));
        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.Deleted, "/a/bar"));
    }

    [Fact]
    public void Delete_OfAnUpperOnlyFile_EmitsNoWhiteout()
    {
        Overlay.File.WriteAllText("/a/n", "n");

        Overlay.File.Delete("/a/n");

        Events.Should().NotContain(e => e.Kind == OverlayEventKind.Whiteout);
    }

    [Fact]
    public void RecursiveDeleteThenCreate_EmitsOpaqueDirectory()
    {
        Overlay.Directory.Delete("/a/sub", recursive: true);

        Overlay.Directory.CreateDirectory("/a/sub");

        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.OpaqueDirectory, "/a/sub"));
    }

    [Theory]
    [InlineData("/a/foo", StandardLowers.BottomName)]
    [InlineData("/a/bar", StandardLowers.TopName)]
    [InlineData("/a/sub/leaf", StandardLowers.BottomName)]
    [InlineData("/file", StandardLowers.TopName)]
    public void Lookup_OfALowerFile_ReportsTheLayerThatAnswered(string path, string layer)
    {
        Overlay.File.ReadAllText(path);

        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.Lookup, path, layer));
    }

    [Fact]
    public void Lookup_OfACopiedUpFile_ReportsTheUpper()
    {
        Overlay.File.AppendAllText("/a/foo", "+");

        Overlay.File.ReadAllText("/a/foo");

        Events.Last(e => e.Kind == OverlayEventKind.Lookup).Should().Be(new OverlayEvent(OverlayEventKind.Lookup, "/a/foo", "upper"));
    }

    [Fact]
    public void Rename_EmitsRenamedWithTheOldPath()
    {
        Overlay.File.Move("/a/foo", "/a/moved");

        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.Renamed, "/a/moved", OldPath: "/a/foo"));
        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.Whiteout, "/a/foo"));
    }

    [Fact]
    public void Create_EmitsCreated()
    {
        Overlay.Directory.CreateDirectory("/newdir");

        Events.Should().ContainEquivalentOf(new OverlayEvent(OverlayEventKind.Created, "/newdir"));
    }

    [Fact]
    public void ReadOnlyOpen_EmitsNoCopyUp()
    {
        Overlay.File.ReadAllText("/a/foo");

        Events.Should().NotContain(e => e.Kind == OverlayEventKind.CopyUp);
    }

    [Fact]
    public void Trace_HandlerMayCallBackIntoTheOverlay()
    {
        var seen = new List<string>();
        Overlay.Trace += (_, e) =>
        {
            if (e.Kind == OverlayEventKind.CopyUp && e.Path == "/a/foo")
            {
                seen.Add(Overlay.File.ReadAllText("/a/foo"));
            }
        };

        Overlay.File.AppendAllText("/a/foo", "+");

        seen.Should().ContainSingle().Which.Should().StartWith(StandardLowers.FooContent);
    }
}
