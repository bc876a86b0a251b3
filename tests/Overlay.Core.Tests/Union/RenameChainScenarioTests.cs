using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's rename chains and rings followed by unlinks: a lower file moved several times
/// (across directories), moved back, two files swapped and three rotated through a temporary name.
/// Recorded on a kernel overlay mount.
/// </summary>
public class RenameChainScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public RenameChainScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected RenameChainScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void Chain_ThenUnlinkTheLastName_LeavesOnlyTheWhiteoutOfTheFirst()
    {
        Overlay.File.Move("/a/foo", "/a/c1");
        Overlay.File.Move("/a/c1", "/a/c2");
        Overlay.File.Move("/a/c2", "/c3");

        Overlay.File.ReadAllText("/c3").Should().Be(StandardLowers.FooContent);
        Overlay.File.Delete("/c3");

        Names("/").Should().Equal(StandardLowers.MergedRoot);
        Names("/a").Should().NotContain(["foo", "c1", "c2"]);
        UpperLines().Should().Equal("/a d 0750 now", "/a/foo w");
    }

    [Fact]
    public void Chain_BackToTheFirstName_RestoresTheContentAsAnUpperCopy()
    {
        Overlay.File.Move("/a/foo", "/a/c1");

        Overlay.File.Move("/a/c1", "/a/foo");

        Overlay.File.ReadAllText("/a/foo").Should().Be(StandardLowers.FooContent);
        UpperLines().Should().Equal("/a d 0750 now", "/a/foo f 0644 bottom-file 'foo-content'");
    }

    [Fact]
    public void Ring_OfTwoLowerFiles_SwapsTheirContent()
    {
        Overlay.File.Move("/a/foo", "/a/tmp");
        Overlay.File.Move("/a/bar", "/a/foo");
        Overlay.File.Move("/a/tmp", "/a/bar");

        Overlay.File.ReadAllText("/a/foo").Should().Be(StandardLowers.BarContent);
        Overlay.File.ReadAllText("/a/bar").Should().Be(StandardLowers.FooContent);
        UpperLines().Should().Equal(
            "/a d 0750 now",
            "/a/bar f 0644 bottom-file 'foo-content'",
            "/a/foo f 0600 top-file 'bar-content'");
    }

    [Fact]
    public void Ring_OfTwoLowerFiles_ThenUnlinkBoth_LeavesTwoWhiteouts()
    {
        Overlay.File.Move("/a/foo", "/a/tmp");
        Overlay.File.Move("/a/bar", "/a/foo");
        Overlay.File.Move("/a/tmp", "/a/bar");

        Overlay.File.Delete("/a/foo");
        Overlay.File.Delete("/a/bar");

        Names("/a").Should().NotContain(["foo", "bar", "tmp"]);
        UpperLines().Should().Equal("/a d 0750 now", "/a/bar w", "/a/foo w");
    }

    [Fact]
    public void Ring_OfThreeFilesAcrossDirectoriesAndLayers_RotatesContentModesAndMtimes()
    {
        Overlay.File.Move("/a/foo", "/t");
        Overlay.File.Move("/file", "/a/foo");
        Overlay.File.Move("/a/sub/leaf", "/file");
        Overlay.File.Move("/t", "/a/sub/leaf");

        UpperLines().Should().Equal(
            "/a d 0750 now",
            "/a/foo f 0640 top-file 'file-content'",
            "/a/sub d 0700 now",
            "/a/sub/leaf f 0644 bottom-file 'foo-content'",
            "/file f 0644 bottom-file 'leaf'");
    }

    [Fact]
    public void Ring_OfThreeFiles_ThenUnlinkAll_LeavesOnlyWhiteouts()
    {
        Overlay.File.Move("/a/foo", "/t");
        Overlay.File.Move("/file", "/a/foo");
        Overlay.File.Move("/a/sub/leaf", "/file");
        Overlay.File.Move("/t", "/a/sub/leaf");

        Overlay.File.Delete("/a/foo");
        Overlay.File.Delete("/file");
        Overlay.File.Delete("/a/sub/leaf");

        UpperLines().Should().Equal("/a d 0750 now", "/a/foo w", "/a/sub d 0700 now", "/a/sub/leaf w", "/file w");
    }

    [Fact]
    public void Chain_OfANewFileThroughWhitedOutNames_LeavesNoTrace()
    {
        Overlay.File.Delete("/a/foo");
        Overlay.File.WriteAllText("/a/n", "n");
        Overlay.File.Move("/a/n", "/a/foo");
        Overlay.File.Move("/a/foo", "/a/n2");

        Overlay.File.Delete("/a/n2");

        UpperLines().Should().Equal("/a d 0750 now", "/a/foo w");
    }
}
