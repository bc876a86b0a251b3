using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's mkdir family: <c>Directory.CreateDirectory</c> over every kind of existing name
/// (file, lower directory, links to a file, a directory and nothing, a name whited out in a lower,
/// a name hidden by an opaque directory), new names, missing parents and a trailing '/'. Recorded on
/// a kernel overlay mount of the standard lower.
/// </summary>
public class MkdirScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public MkdirScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected MkdirScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>path, outcome, the merged line of the path afterwards, the upper's lines.</summary>
    public static TheoryData<string, string, string?, string[]> KernelRecorded => new()
    {
        { "/file", "EX IOException hr=17", "/file f 0640 top-file 'file-content'", [] },
        { "/a/sub", "ok", "/a/sub d 0700 top", [] },
        { "/a/direct_sym", "EX IOException hr=17", "/a/direct_sym l -> foo", [] },
        { "/a/dir_sym", "ok", "/a/dir_sym l -> sub", [] },
        { "/a/dangling_sym", "EX IOException hr=17", "/a/dangling_sym l -> no_such_file", [] },
        { "/a/hidden", "ok", "/a/hidden d 0755 now", ["/a d 0750 now", "/a/hidden d 0755 now"] },
        { "/a/new", "ok", "/a/new d 0755 now", ["/a d 0750 now", "/a/new d 0755 now"] },
        { "/a/sub/", "ok", "/a/sub d 0700 top", [] },
        { "/file/", "EX IOException hr=17", "/file f 0640 top-file 'file-content'", [] },
        { "/nodir/deep/x", "ok", "/nodir/deep/x d 0755 now", ["/nodir d 0755 now", "/nodir/deep d 0755 now", "/nodir/deep/x d 0755 now"] },
        { "/ro", "EX IOException hr=17", "/ro f 0444 bottom-file 'read-only'", [] },
        { "/a/foo/x", "EX DirectoryNotFoundException hr=0x80070003", null, [] },
        { "/opq/old", "ok", "/opq/old d 0755 now", ["/opq d 0755 now", "/opq/old d 0755 now"] },
        { "/a/emptysub", "ok", "/a/emptysub d 0755 top", [] },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void CreateDirectory_OverEachKindOfName_MatchesTheKernelMount(string path, string outcome, string? mergedAfter, string[] upperAfter)
    {
        Outcome.Of(() => { Overlay.Directory.CreateDirectory(path); }).Should().Be(outcome);

        MergedLine(path.TrimEnd('/')).Should().Be(mergedAfter);
        UpperLines().Should().Equal(upperAfter);
    }

    [Fact]
    public void CreateDirectory_OverAFile_ThrowsIOExceptionWithEExist()
    {
        var act = () => Overlay.Directory.CreateDirectory("/a/foo");

        act.Should().Throw<IOException>().Where(e => e.HResult == 17);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void CreateDirectory_OverAnExistingLowerDirectory_IsANoOpThatCopiesNothingUp()
    {
        Overlay.Directory.CreateDirectory("/a/sub");

        Names("/a/sub").Should().Equal("leaf", "other");
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void CreateDirectory_OverADeletedLowerFile_MakesAnOpaqueDirectoryInsteadOfTheWhiteout()
    {
        Overlay.File.Delete("/a/foo");

        Overlay.Directory.CreateDirectory("/a/foo");

        Overlay.Directory.Exists("/a/foo").Should().BeTrue();
        Names("/a/foo").Should().BeEmpty();
        UpperEntry("/a/foo").Should().BeEquivalentTo(new { Kind = LayerEntryKind.Directory, IsOpaque = true, Mode = StandardLowers.Mode0755 });
    }

    [Fact]
    public void CreateDirectory_OverADeletedLowerDirectory_HidesItsOldContent()
    {
        Overlay.Directory.Delete("/a/sub", recursive: true);

        Overlay.Directory.CreateDirectory("/a/sub");

        Names("/a/sub").Should().BeEmpty();
        UpperLines().Should().Equal("/a d 0750 now", "/a/sub d 0755 now opaque");
    }

    [Fact]
    public void CreateDirectory_WithMissingParents_CopiesUpTheExistingAncestorsAndCreatesTheRest()
    {
        Overlay.Directory.CreateDirectory("/a/sub/n1/n2");

        UpperLines().Should().Equal(
            "/a d 0750 top",
            "/a/sub d 0700 now",
            "/a/sub/n1 d 0755 now",
            "/a/sub/n1/n2 d 0755 now");
    }
}
