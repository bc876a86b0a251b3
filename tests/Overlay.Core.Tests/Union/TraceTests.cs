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

    // ---- Lookup steps: each component, the layers that merge, the whiteout that hides

    // The steps of the last walk File.Exists made (it walks twice, lstat then stat, for a link).
    private OverlayEvent[] StepsOf(string path)
    {
        int before = Events.Count;
        Overlay.File.Exists(path);
        var steps = Events.Skip(before).Where(e => e.Kind is OverlayEventKind.LookupStep or OverlayEventKind.LookupMerge or OverlayEventKind.LookupWhiteout).ToArray();
        int lastWalk = Array.FindLastIndex(steps, e => e.Kind == OverlayEventKind.LookupStep && e.Path == "/");
        return steps[lastWalk..];
    }

    [Fact]
    public void LookupSteps_OfAFileInAMergedDirectory_NameEachComponentsLayerAndTheMerges()
    {
        var steps = StepsOf("/a/sub/leaf");

        steps.Should().Equal(
            new OverlayEvent(OverlayEventKind.LookupStep, "/", "upper"),
            new OverlayEvent(OverlayEventKind.LookupMerge, "/", StandardLowers.TopName),
            new OverlayEvent(OverlayEventKind.LookupMerge, "/", StandardLowers.BottomName),
            new OverlayEvent(OverlayEventKind.LookupStep, "/a", StandardLowers.TopName),
            new OverlayEvent(OverlayEventKind.LookupMerge, "/a", StandardLowers.BottomName),
            new OverlayEvent(OverlayEventKind.LookupStep, "/a/sub", StandardLowers.TopName),
            new OverlayEvent(OverlayEventKind.LookupMerge, "/a/sub", StandardLowers.BottomName),
            new OverlayEvent(OverlayEventKind.LookupStep, "/a/sub/leaf", StandardLowers.BottomName));
    }

    [Fact]
    public void LookupSteps_OfANameALowerWhitesOut_NameTheLayerOfTheWhiteout()
    {
        var steps = StepsOf("/a/hidden");

        steps.TakeLast(2).Should().Equal(
            new OverlayEvent(OverlayEventKind.LookupWhiteout, "/a/hidden", StandardLowers.TopName),
            new OverlayEvent(OverlayEventKind.LookupStep, "/a/hidden"));
    }

    [Fact]
    public void LookupSteps_OfANameTheUpperWhitesOut_NameTheUpper()
    {
        Overlay.File.Delete("/a/foo");

        var steps = StepsOf("/a/foo");

        steps.TakeLast(2).Should().Equal(
            new OverlayEvent(OverlayEventKind.LookupWhiteout, "/a/foo", "upper"),
            new OverlayEvent(OverlayEventKind.LookupStep, "/a/foo"));
    }

    [Fact]
    public void LookupSteps_OfAnOpaqueDirectory_MergeNothingBelowIt()
    {
        var steps = StepsOf("/opq/old");

        steps.Should().ContainInOrder(
            new OverlayEvent(OverlayEventKind.LookupStep, "/opq", StandardLowers.TopName),
            new OverlayEvent(OverlayEventKind.LookupStep, "/opq/old"));
        steps.Should().NotContain(e => e.Path == "/opq" && e.Kind == OverlayEventKind.LookupMerge);
        steps.Should().NotContain(e => e.Kind == OverlayEventKind.LookupWhiteout);
    }

    [Fact]
    public void LookupSteps_ThroughASymbolicLink_FollowTheTarget()
    {
        var steps = StepsOf("/a/indirect_sym");

        steps.Where(e => e.Kind == OverlayEventKind.LookupStep).Select(e => e.Path).Should().Equal(
            "/", "/a", "/a/indirect_sym", "/a/direct_sym", "/a/foo");
    }

    [Fact]
    public void LookupSteps_OfAMissingParent_EndAtTheMissingComponent()
    {
        var steps = StepsOf("/nope/x");

        steps.Last().Should().Be(new OverlayEvent(OverlayEventKind.LookupStep, "/nope"));
    }
}
