using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// The lower check every scenario ends with must notice any change to a lower: these tests change
/// a layer behind the overlay's back in each way and expect the snapshot to see it.
/// </summary>
public sealed class LayerSnapshotTests
{
    [Fact]
    public void Capture_OfTheSameLayerTwice_HasNoDifferences()
    {
        var top = StandardLowers.BuildTop();

        LayerSnapshot.Capture(top).Differences(LayerSnapshot.Capture(top)).Should().BeEmpty();
    }

    [Fact]
    public void Capture_OfTwoIdenticalBuilds_HasNoDifferences()
    {
        LayerSnapshot.Capture(StandardLowers.BuildBottom()).Lines.Should().Equal(LayerSnapshot.Capture(StandardLowers.BuildBottom()).Lines);
    }

    [Fact]
    public void Capture_RecordsWhiteoutsOpaqueDirectoriesAndLinkTargets()
    {
        var lines = LayerSnapshot.Capture(StandardLowers.BuildTop()).Lines;

        lines.Should().Contain(l => l.StartsWith("/a/hidden Whiteout ", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("/opq Directory ", StringComparison.Ordinal) && l.Contains("opaque=True", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("/a/indirect_sym SymbolicLink ", StringComparison.Ordinal) && l.Contains("target=direct_sym", StringComparison.Ordinal));
    }

    public static TheoryData<string> Changes => new()
    {
        "content", "same-length-content", "mode", "mtime", "atime", "new-file", "deleted-file", "link-target", "opaque", "whiteout", "directory-mode", "root-opaque",
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void AssertUnchanged_AfterAChangeToTheLayer_Fails(string change)
    {
        var bottom = StandardLowers.BuildBottom();
        var snapshot = LayerSnapshot.Capture(bottom);

        Change(bottom, change);

        var act = () => snapshot.AssertUnchanged(bottom);
        act.Should().Throw<Exception>().WithMessage("*bottom*");
    }

    [Fact]
    public void OverlayScenario_WhenALowerChanged_FailsOnDispose()
    {
        var scenario = new ProbeScenario();

        scenario.ChangeBottom();

        scenario.Invoking(s => s.Dispose()).Should().Throw<Exception>().WithMessage("*bottom*");
    }

    [Fact]
    public void OverlayScenario_WhenOnlyTheUpperChanged_PassesOnDispose()
    {
        var scenario = new ProbeScenario();

        scenario.WriteThroughTheOverlay();

        scenario.Invoking(s => s.Dispose()).Should().NotThrow();
    }

    private static void Change(MemoryLayer layer, string change)
    {
        IWritableLayer writable = layer;
        switch (change)
        {
            case "content": layer.AddFile("/a/foo", "changed", StandardLowers.Mode0644, StandardLowers.BottomFileTime); break;
            case "same-length-content": layer.AddFile("/a/foo", "FOO-content", StandardLowers.Mode0644, StandardLowers.BottomFileTime); break;
            case "mode": writable.SetUnixFileMode("/a/foo", StandardLowers.Mode0600); break;
            case "mtime": writable.SetTimes("/a/foo", null, StandardLowers.TopFileTime); break;
            case "atime": writable.SetTimes("/a/foo", StandardLowers.TopFileTime, null); break;
            case "new-file": layer.AddFile("/a/extra", string.Empty, StandardLowers.Mode0644, StandardLowers.BottomFileTime); break;
            case "deleted-file": writable.Delete("/a/foo"); break;
            case "link-target": layer.AddSymbolicLink("/a/direct_sym", "bar"); break;
            case "opaque": writable.SetOpaque("/a/sub", true); break;
            case "whiteout": layer.AddWhiteout("/a/gone"); break;
            case "directory-mode": writable.SetUnixFileMode("/tree/x", StandardLowers.Mode0700); break;
            case "root-opaque": writable.SetOpaque("/", true); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown change.");
        }
    }

    private sealed class ProbeScenario : OverlayScenario
    {
        public void ChangeBottom() => BottomSource.AddFile("/a/foo", "written behind the overlay's back", StandardLowers.Mode0644, StandardLowers.BottomFileTime);

        public void WriteThroughTheOverlay() => Overlay.File.AppendAllText("/a/foo", "+");
    }
}
