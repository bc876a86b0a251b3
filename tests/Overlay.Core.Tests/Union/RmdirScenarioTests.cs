using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's rmdir family through <c>Directory.Delete</c>, plain and recursive: missing names,
/// files, empty lower directories, populated ones, links to directories, dangling links, a trailing
/// '/'. Recorded on a kernel overlay mount.
/// </summary>
public class RmdirScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public RmdirScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected RmdirScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>path, recursive, outcome, the path's merged line afterwards, the upper's lines.</summary>
    public static TheoryData<string, bool, string, string?, string[]> KernelRecorded => new()
    {
        { "/a/missing", false, "EX DirectoryNotFoundException hr=0x80070003", null, [] },
        { "/a/missing", true, "EX DirectoryNotFoundException hr=0x80070003", null, [] },
        { "/a/foo", false, "EX DirectoryNotFoundException hr=0x80070003", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "/a/foo", true, "EX DirectoryNotFoundException hr=0x80070003", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "/a/emptysub", false, "ok", null, ["/a d 0750 now", "/a/emptysub w"] },
        { "/a/emptysub", true, "ok", null, ["/a d 0750 now", "/a/emptysub w"] },
        { "/empty", false, "ok", null, ["/empty w"] },
        { "/empty", true, "ok", null, ["/empty w"] },
        { "/a/sub", false, "EX IOException hr=39", "/a/sub d 0700 top", [] },
        { "/a/sub", true, "ok", null, ["/a d 0750 now", "/a/sub w"] },
        { "/a/dir_sym", false, "ok", null, ["/a d 0750 now", "/a/dir_sym w"] },
        { "/a/dir_sym", true, "ok", null, ["/a d 0750 now", "/a/dir_sym w"] },
        { "/a/emptysub/", false, "ok", null, ["/a d 0750 now", "/a/emptysub w"] },
        { "/a/emptysub/", true, "ok", null, ["/a d 0750 now", "/a/emptysub w"] },
        { "/a/foo/", false, "EX DirectoryNotFoundException hr=0x80070003", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "/a/foo/", true, "EX DirectoryNotFoundException hr=0x80070003", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "/opq", false, "EX IOException hr=39", "/opq d 0755 top", [] },
        { "/opq", true, "ok", null, ["/opq w"] },
        { "/a/dangling_sym", false, "EX DirectoryNotFoundException hr=0x80070003", "/a/dangling_sym l -> no_such_file", [] },
        { "/a/dangling_sym", true, "EX DirectoryNotFoundException hr=0x80070003", "/a/dangling_sym l -> no_such_file", [] },
        { "/nodir/x", false, "EX DirectoryNotFoundException hr=0x80070003", null, [] },
        { "/nodir/x", true, "EX DirectoryNotFoundException hr=0x80070003", null, [] },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void Delete_OfEachKindOfName_MatchesTheKernelMount(string path, bool recursive, string outcome, string? mergedAfter, string[] upperAfter)
    {
        Outcome.Of(() => Overlay.Directory.Delete(path, recursive)).Should().Be(outcome);

        MergedLine(path.TrimEnd('/')).Should().Be(mergedAfter);
        UpperLines().Should().Equal(upperAfter);
    }

    [Fact]
    public void Delete_OfAMissingDirectory_ThrowsDirectoryNotFound()
    {
        var act = () => Overlay.Directory.Delete("/a/missing");

        act.Should().Throw<DirectoryNotFoundException>();
    }

    [Fact]
    public void Delete_OfAnEmptyLowerDirectory_LeavesAWhiteout()
    {
        Overlay.Directory.Delete("/a/emptysub");

        Overlay.Directory.Exists("/a/emptysub").Should().BeFalse();
        UpperLines().Should().Equal("/a d 0750 now", "/a/emptysub w");
    }

    [Fact]
    public void Delete_OfAPopulatedLowerDirectory_ThrowsIOExceptionWithENotEmpty()
    {
        var act = () => Overlay.Directory.Delete("/a/sub");

        act.Should().Throw<IOException>().Where(e => e.HResult == 39);
        Names("/a/sub").Should().Equal("leaf", "other");
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Delete_AfterRemovingEveryChild_ReplacesTheCopiedUpDirectoryWithAWhiteout()
    {
        Overlay.File.Delete("/a/sub/leaf");
        Overlay.File.Delete("/a/sub/other");

        Overlay.Directory.Delete("/a/sub");

        Overlay.Directory.Exists("/a/sub").Should().BeFalse();
        UpperLines().Should().Equal("/a d 0750 now", "/a/sub w");
    }

    [Fact]
    public void Delete_OfAnEmptyLowerDirectoryWithOnlyWhiteoutsInItsUpperCopy_Succeeds()
    {
        Overlay.File.Delete("/a/sub/leaf");
        Overlay.File.Delete("/a/sub/other");
        UpperLines().Should().Contain(["/a/sub/leaf w", "/a/sub/other w"]);

        var act = () => Overlay.Directory.Delete("/a/sub");

        act.Should().NotThrow("whiteouts do not count as content");
    }

    [Fact]
    public void Delete_OfAFile_ThrowsIOExceptionWithENotDirAndKeepsIt()
    {
        var act = () => Overlay.Directory.Delete("/a/foo");

        act.Should().Throw<IOException>();
        Overlay.File.Exists("/a/foo").Should().BeTrue();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void RecursiveDeleteThenCreate_OfAPopulatedLowerDirectory_MakesItOpaqueWithNoWhiteoutsInside()
    {
        Overlay.Directory.Delete("/a/sub", recursive: true);

        Overlay.Directory.CreateDirectory("/a/sub");

        Names("/a/sub").Should().BeEmpty();
        UpperLines().Should().Equal("/a d 0750 now", "/a/sub d 0755 now opaque");
    }

    [Fact]
    public void RecursiveDeleteThenCreate_ThenANewFile_ShowsOnlyTheNewFile()
    {
        Overlay.Directory.Delete("/tree", recursive: true);
        Overlay.Directory.CreateDirectory("/tree/x");
        Overlay.File.WriteAllText("/tree/x/new", "n");

        MergedLines("/tree").Should().Equal("/tree/x d 0755 now", "/tree/x/new f 0644 now 'n'");
        UpperLines().Should().Equal("/tree d 0755 now opaque", "/tree/x d 0755 now", "/tree/x/new f 0644 now 'n'");
    }

    [Fact]
    public void DeleteThenCreate_OfAnEmptyLowerDirectory_MakesItOpaque()
    {
        Overlay.Directory.Delete("/a/emptysub");

        Overlay.Directory.CreateDirectory("/a/emptysub");

        UpperLines().Should().Equal("/a d 0750 now", "/a/emptysub d 0755 now opaque");
    }

    [Fact]
    public void RecursiveDeleteThenCreate_OfAnOpaqueLowerDirectory_HidesBothLowers()
    {
        Overlay.Directory.Delete("/opq", recursive: true);

        Overlay.Directory.CreateDirectory("/opq");

        Names("/opq").Should().BeEmpty();
        UpperLines().Should().Equal("/opq d 0755 now opaque");
    }

    [Fact]
    public void Delete_OfALinkToADirectory_RemovesTheLinkAndKeepsTheDirectory()
    {
        Overlay.Directory.Delete("/a/dir_sym");

        Overlay.FileInfo.New("/a/dir_sym").Exists.Should().BeFalse();
        Names("/a/sub").Should().Equal("leaf", "other");
        UpperLines().Should().Equal("/a d 0750 now", "/a/dir_sym w");
    }
}
