using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// <see cref="OverlayFileSystem.Changes"/> lists the upper's differences from the lowers as
/// <c>docker diff</c> does (A added, C changed, D deleted; copied-up parents as C), and
/// <see cref="OverlayFileSystem.ResetUpper"/> brings the lowers' view back.
/// </summary>
public class ChangesTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public ChangesTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected ChangesTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void Changes_OfAFreshOverlay_AreEmpty()
    {
        Overlay.Changes(TestContext.Current.CancellationToken).Should().BeEmpty();
    }

    [Fact]
    public void Changes_AfterAWriteToALowerFile_ListTheFileAndItsParentAsModified()
    {
        Overlay.File.AppendAllText("/a/sub/leaf", "+");

        Diff().Should().Equal("C /a", "C /a/sub", "C /a/sub/leaf");
    }

    [Fact]
    public void Changes_AfterANewFile_ListItAsAdded()
    {
        Overlay.File.WriteAllText("/a/new", "n");

        Diff().Should().Equal("C /a", "A /a/new");
    }

    [Fact]
    public void Changes_AfterADelete_ListItAsDeleted()
    {
        Overlay.File.Delete("/a/foo");

        Diff().Should().Equal("C /a", "D /a/foo");
    }

    [Fact]
    public void Changes_AfterARecursiveDeleteAndRecreate_ListTheHiddenLowerNamesAsDeleted()
    {
        Overlay.Directory.Delete("/a/sub", recursive: true);
        Overlay.Directory.CreateDirectory("/a/sub");

        Diff().Should().Equal("C /a", "C /a/sub", "D /a/sub/leaf", "D /a/sub/other");
    }

    [Fact]
    public void Changes_AfterAMoveOfALowerFile_ListTheOldNameDeletedAndTheNewAdded()
    {
        Overlay.File.Move("/a/foo", "/moved");

        Diff().Should().Equal("C /a", "D /a/foo", "A /moved");
    }

    [Fact]
    public void Changes_AfterADirectoryCopiedUpByMove_ListTheNewTree()
    {
        Overlay.Directory.Move("/a/emptysub", "/a/renamed");

        Diff().Should().Equal("C /a", "D /a/emptysub", "A /a/renamed");
    }

    [Fact]
    public void Changes_WhenANameWhitedOutInALowerIsCreated_ListItAsAdded()
    {
        Overlay.File.WriteAllText("/a/hidden", "back");

        Diff().Should().Equal("C /a", "A /a/hidden");
    }

    [Fact]
    public void Changes_ToStringLikeDockerDiff()
    {
        Overlay.File.Delete("/file");

        Overlay.Changes(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Equal("D /file");
    }

    [Fact]
    public void ResetUpper_AfterManyChanges_RestoresTheLowersView()
    {
        var before = MergedLines();
        Overlay.File.AppendAllText("/a/foo", "+");
        Overlay.File.Delete("/a/bar");
        Overlay.Directory.Delete("/tree", recursive: true);
        Overlay.Directory.CreateDirectory("/tree");
        Overlay.Directory.Move("/a/sub", "/moved");
        Overlay.File.WriteAllText("/new", "n");

        Overlay.ResetUpper();

        MergedLines().Should().Equal(before);
        UpperLines().Should().BeEmpty();
        Overlay.Changes(TestContext.Current.CancellationToken).Should().BeEmpty();
    }

    [Fact]
    public void ResetUpper_ThenWriteAgain_CopiesUpAgain()
    {
        Overlay.File.AppendAllText("/a/foo", "1");
        Overlay.ResetUpper();

        Overlay.File.AppendAllText("/a/foo", "2");

        Overlay.File.ReadAllText("/a/foo").Should().Be("foo-content2");
        Events.Count(e => e.Kind == OverlayEventKind.CopyUp && e.Path == "/a/foo").Should().Be(2);
    }

    private string[] Diff() => [.. Overlay.Changes(TestContext.Current.CancellationToken).Select(c => c.ToString())];
}
