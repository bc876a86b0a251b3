using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's readlink family: <c>FileInfo.LinkTarget</c>, <c>File.ResolveLinkTarget</c> (one
/// step and to the final target) and <c>Directory.ResolveLinkTarget</c> on files, directories,
/// missing names, links one and two levels deep, dangling links, links to directories, and with a
/// trailing '/'. Recorded on a kernel overlay mount; reading a link never writes the upper.
/// </summary>
public class ReadLinkScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public ReadLinkScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected ReadLinkScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>path, then the outcomes of LinkTarget, ResolveLinkTarget(false), ResolveLinkTarget(true), Directory.ResolveLinkTarget(true).</summary>
    public static TheoryData<string, string, string, string, string> KernelRecorded => new()
    {
        { "/a/foo", "ok: 'null'", "ok: 'null'", "ok: 'null'", "ok: 'null'" },
        { "/a/sub", "ok: 'null'", "ok: 'null'", "ok: 'null'", "ok: 'null'" },
        { "/a/missing", "ok: 'null'", "EX FileNotFoundException hr=0x80070002", "EX FileNotFoundException hr=0x80070002", "EX DirectoryNotFoundException hr=0x80070003" },
        { "/a/direct_sym", "ok: 'foo'", "ok: '/a/foo'", "ok: '/a/foo'", "ok: '/a/foo'" },
        { "/a/indirect_sym", "ok: 'direct_sym'", "ok: '/a/direct_sym'", "ok: '/a/foo'", "ok: '/a/foo'" },
        { "/a/dangling_sym", "ok: 'no_such_file'", "ok: '/a/no_such_file'", "ok: '/a/no_such_file'", "ok: '/a/no_such_file'" },
        { "/a/dir_sym", "ok: 'sub'", "ok: '/a/sub'", "ok: '/a/sub'", "ok: '/a/sub'" },
        { "/a/foo/", "ok: 'null'", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003" },
        { "/a/direct_sym/", "ok: 'null'", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003" },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void ReadLink_OnEachKindOfName_MatchesTheKernelMount(string path, string linkTarget, string resolveOnce, string resolveFinal, string resolveDirectoryFinal)
    {
        string[] outcomes =
        [
            Outcome.Of(() => Overlay.FileInfo.New(path).LinkTarget ?? "null"),
            Outcome.Of(() => Overlay.File.ResolveLinkTarget(path, returnFinalTarget: false)?.FullName ?? "null"),
            Outcome.Of(() => Overlay.File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? "null"),
            Outcome.Of(() => Overlay.Directory.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? "null"),
        ];

        outcomes.Should().Equal(linkTarget, resolveOnce, resolveFinal, resolveDirectoryFinal);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void LinkTarget_OfATwoLevelLink_IsTheStoredTargetNotTheFinalOne()
    {
        Overlay.FileInfo.New("/a/indirect_sym").LinkTarget.Should().Be("direct_sym");
    }

    [Fact]
    public void ResolveLinkTarget_ToTheFinalTarget_FollowsEveryLevel()
    {
        Overlay.File.ResolveLinkTarget("/a/indirect_sym", returnFinalTarget: true)!.FullName.Should().Be("/a/foo");
    }

    [Fact]
    public void LinkTarget_OfADirectoryLinkWithATrailingSlash_IsNullBecauseTheLinkIsFollowed()
    {
        // Recorded on the kernel mount: readlink("dir_sym/") reads the directory, not the link.
        Overlay.DirectoryInfo.New("/a/dir_sym/").LinkTarget.Should().BeNull();
    }

    [Fact]
    public void ResolveLinkTarget_OfADirectoryLinkWithATrailingSlash_IsNull()
    {
        Overlay.Directory.ResolveLinkTarget("/a/dir_sym/", returnFinalTarget: false).Should().BeNull();
    }

    [Fact]
    public void LinkTarget_OfALinkCopiedUp_IsStillTheStoredTarget()
    {
        Overlay.File.Move("/a/direct_sym", "/a/moved_sym");

        Overlay.FileInfo.New("/a/moved_sym").LinkTarget.Should().Be("foo");
        UpperEntry("/a/moved_sym")!.Value.LinkTarget.Should().Be("foo");
    }
}
