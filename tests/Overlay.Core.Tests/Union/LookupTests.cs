using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The merged view of the standard lower, before any write: merged directories, the topmost copy's
/// metadata, whiteouts and opaque directories of a lower, links resolved inside the overlay.
/// </summary>
public class LookupTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public LookupTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected LookupTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void Listing_OfAMergedDirectory_IsTheUnionWithoutWhitedOutNames()
    {
        Names("/a").Should().Equal(StandardLowers.MergedA);
    }

    [Fact]
    public void Listing_OfTheRoot_IsTheUnionOfBothLowers()
    {
        Names("/").Should().Equal(StandardLowers.MergedRoot);
    }

    [Fact]
    public void Stat_OfAMergedDirectory_TakesTheTopmostCopysModeAndMtime()
    {
        MergedLine("/a/sub").Should().Be("/a/sub d 0700 top");
    }

    [Fact]
    public void Lookup_OfANameWhitedOutInTheTopLower_FindsNothing()
    {
        Overlay.File.Exists("/a/hidden").Should().BeFalse();
        var act = () => Overlay.File.ReadAllText("/a/hidden");
        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Listing_OfAnOpaqueLowerDirectory_HidesTheBottomCopy()
    {
        Names("/opq").Should().Equal("new");
        Overlay.File.Exists("/opq/old").Should().BeFalse();
    }

    [Fact]
    public void Listing_OfADeeplyMergedTree_ShowsBothLayersNames()
    {
        MergedLines("/tree").Should().Equal(
            "/tree/w f 0644 top-file 'w'",
            "/tree/x d 0755 bottom",
            "/tree/x/y d 0755 bottom",
            "/tree/x/y/z f 0644 bottom-file 'z'");
    }

    [Fact]
    public void Read_ThroughALinkToADirectory_ReadsTheMergedDirectory()
    {
        Overlay.File.ReadAllText("/a/dir_sym/other").Should().Be("other");
        Names("/a/dir_sym").Should().Equal("leaf", "other");
    }

    [Fact]
    public void Read_ThroughAnAbsoluteLink_ResolvesInsideTheOverlay()
    {
        Overlay.File.CreateSymbolicLink("/abs", "/a/sub/leaf");

        Overlay.File.ReadAllText("/abs").Should().Be("leaf");
    }

    [Fact]
    public void Read_ThroughALinkClimbingAboveTheRoot_StaysInsideTheOverlay()
    {
        Overlay.File.CreateSymbolicLink("/a/up", "../../../../file");

        Overlay.File.ReadAllText("/a/up").Should().Be(StandardLowers.FileContent);
    }

    [Fact]
    public void Read_ThroughALinkLoop_ThrowsIOExceptionWithELoop()
    {
        Overlay.File.CreateSymbolicLink("/loop1", "loop2");
        Overlay.File.CreateSymbolicLink("/loop2", "loop1");

        var act = () => Overlay.File.ReadAllText("/loop1");

        act.Should().Throw<IOException>().Where(e => e.HResult == 40);
    }

    [Fact]
    public void Enumerate_Recursively_ListsEveryMergedPathAndFollowsDirectoryLinks()
    {
        // As System.IO on Linux (pinned against the disk by EnumerationTests.EnumerateFiles_RecursesThroughDirectoryLinks).
        Overlay.Directory.GetFileSystemEntries("/a", "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Should().Equal(
            "/a/bar", "/a/dangling_sym", "/a/dir_sym", "/a/dir_sym/leaf", "/a/dir_sym/other", "/a/direct_sym", "/a/emptysub", "/a/foo", "/a/indirect_sym", "/a/sub", "/a/sub/leaf", "/a/sub/other");
    }

    [Fact]
    public void GetFilesAndDirectories_SortLinksByWhatTheyPointAt()
    {
        Overlay.Directory.GetFiles("/a").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal("bar", "dangling_sym", "direct_sym", "foo", "indirect_sym");
        Overlay.Directory.GetDirectories("/a").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal("dir_sym", "emptysub", "sub");
    }
}
