using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's unlink family through <c>File.Delete</c>, done twice: lower files (a whiteout,
/// then silence: System.IO ignores a missing file), links (the target stays), directories, missing
/// names and parents, whited-out names and a trailing '/'. Recorded on a kernel overlay mount.
/// </summary>
public class UnlinkScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public UnlinkScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected UnlinkScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>path, outcome of the first and the second delete, the path's merged line afterwards, the upper's lines.</summary>
    public static TheoryData<string, string, string, string?, string[]> KernelRecorded => new()
    {
        { "/a/foo", "ok", "ok", null, ["/a d 0750 now", "/a/foo w"] },
        { "/a/direct_sym", "ok", "ok", null, ["/a d 0750 now", "/a/direct_sym w"] },
        { "/a/sub", "EX UnauthorizedAccessException hr=0x80070005", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub d 0700 top", [] },
        { "/a/missing", "ok", "ok", null, [] },
        { "/nodir/x", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003", null, [] },
        { "/a/foo/", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003", "/a/foo f 0644 bottom-file 'foo-content'", [] },
        { "/a/dir_sym", "ok", "ok", null, ["/a d 0750 now", "/a/dir_sym w"] },
        { "/a/dangling_sym", "ok", "ok", null, ["/a d 0750 now", "/a/dangling_sym w"] },
        { "/a/hidden", "ok", "ok", null, [] },
        { "/a/sub/", "EX UnauthorizedAccessException hr=0x80070005", "EX UnauthorizedAccessException hr=0x80070005", "/a/sub d 0700 top", [] },
        { "/a/missing/", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003", null, [] },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void DeleteTwice_OnEachKindOfName_MatchesTheKernelMount(string path, string first, string second, string? mergedAfter, string[] upperAfter)
    {
        Outcome.Of(() => Overlay.File.Delete(path)).Should().Be(first);
        Outcome.Of(() => Overlay.File.Delete(path)).Should().Be(second);

        MergedLine(path.TrimEnd('/')).Should().Be(mergedAfter);
        UpperLines().Should().Equal(upperAfter);
    }

    [Fact]
    public void Delete_OfALowerFile_WritesAWhiteoutAndCopiesUpTheParentWithItsMode()
    {
        Overlay.File.Delete("/a/sub/leaf");

        Names("/a/sub").Should().Equal("other");
        UpperLines().Should().Equal("/a d 0750 top", "/a/sub d 0700 now", "/a/sub/leaf w");
        UpperEntry("/a/sub/leaf")!.Value.Kind.Should().Be(LayerEntryKind.Whiteout);
    }

    [Fact]
    public void Delete_OfASymlink_LeavesItsTarget()
    {
        Overlay.File.Delete("/a/indirect_sym");

        Overlay.File.ReadAllText("/a/direct_sym").Should().Be(StandardLowers.FooContent);
        Names("/a").Should().NotContain("indirect_sym").And.Contain(["direct_sym", "foo"]);
        UpperLines().Should().Equal("/a d 0750 now", "/a/indirect_sym w");
    }

    [Fact]
    public void Delete_OfADirectory_ThrowsUnauthorizedAccess()
    {
        var act = () => Overlay.File.Delete("/a/sub");

        act.Should().Throw<UnauthorizedAccessException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Delete_OfAMissingFileInAnExistingDirectory_IsSilent()
    {
        var act = () => Overlay.File.Delete("/a/missing");

        act.Should().NotThrow();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Delete_OfAMissingNameWithATrailingSlash_ThrowsDirectoryNotFound()
    {
        // System.IO blames the "directory" /a/missing/ itself, which does not exist.
        var act = () => Overlay.File.Delete("/a/missing/");

        act.Should().Throw<DirectoryNotFoundException>();
    }

    [Fact]
    public void Delete_OfAnUpperOnlyFile_LeavesNoWhiteout()
    {
        Overlay.File.WriteAllText("/a/n", "n");

        Overlay.File.Delete("/a/n");

        UpperLines().Should().Equal("/a d 0750 now");
    }

    [Fact]
    public void Delete_OfACopiedUpFile_ReplacesTheCopyWithAWhiteout()
    {
        Overlay.File.AppendAllText("/a/foo", "x");

        Overlay.File.Delete("/a/foo");

        UpperLines().Should().Equal("/a d 0750 now", "/a/foo w");
    }

    [Fact]
    public void Delete_InsideAnOpaqueLowerDirectory_WhitesOutOnlyTheVisibleName()
    {
        Overlay.File.Delete("/opq/new");

        Names("/opq").Should().BeEmpty();
        UpperLines().Should().Equal("/opq d 0755 now", "/opq/new w");
    }

    [Fact]
    public void Delete_ThenCreate_ReplacesTheWhiteoutWithAPlainFile()
    {
        Overlay.File.Delete("/a/foo");

        Overlay.File.WriteAllText("/a/foo", "again");

        Overlay.File.ReadAllText("/a/foo").Should().Be("again");
        UpperLines().Should().Equal("/a d 0750 now", "/a/foo f 0644 now 'again'");
    }
}
