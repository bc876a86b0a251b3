using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's directory rename family through <c>Directory.Move</c>. On the kernel mount
/// (redirect_dir=off) a directory that exists in a lower cannot be renamed: EXDEV, which the
/// <see cref="DirectoryRenamePolicy.Kernel"/> policy reproduces. The default
/// <see cref="DirectoryRenamePolicy.CopyUp"/> policy does what <c>mv</c> ends up with: the whole
/// tree copied up (modes and mtimes kept), opaque at the new name, a whiteout at the old one. New
/// (upper-only) directories rename as on the kernel mount, over whited-out lower names too.
/// </summary>
public class RenameDirectoryScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public RenameDirectoryScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected RenameDirectoryScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>source, destination, the upper's lines after the move under the CopyUp policy.</summary>
    public static TheoryData<string, string, string[]> LowerDirectories => new()
    {
        { "/a/sub", "/a/sub2", ["/a d 0750 now", "/a/sub w", "/a/sub2 d 0700 top opaque", "/a/sub2/leaf f 0644 bottom-file 'leaf'", "/a/sub2/other f 0644 top-file 'other'"] },
        { "/a/emptysub", "/emptysub2", ["/a d 0750 now", "/a/emptysub w", "/emptysub2 d 0755 top opaque"] },
        { "/empty", "/a/empty2", ["/a d 0750 now", "/a/empty2 d 0755 top opaque", "/empty w"] },
        { "/opq", "/opq2", ["/opq w", "/opq2 d 0755 top opaque", "/opq2/new f 0644 top-file 'new'"] },
        { "/tree", "/a/tree", ["/a d 0750 now", "/a/tree d 0755 top opaque", "/a/tree/w f 0644 top-file 'w'", "/a/tree/x d 0755 bottom", "/a/tree/x/y d 0755 bottom", "/a/tree/x/y/z f 0644 bottom-file 'z'", "/tree w"] },
        { "/a/sub/", "/a/s3", ["/a d 0750 now", "/a/s3 d 0700 top opaque", "/a/s3/leaf f 0644 bottom-file 'leaf'", "/a/s3/other f 0644 top-file 'other'", "/a/sub w"] },
        { "/a/sub", "/a/s4/", ["/a d 0750 now", "/a/s4 d 0700 top opaque", "/a/s4/leaf f 0644 bottom-file 'leaf'", "/a/s4/other f 0644 top-file 'other'", "/a/sub w"] },
        { "/a", "/b", ["/a w", "/b d 0750 top opaque", "/b/bar f 0600 top-file 'bar-content'", "/b/dangling_sym l -> no_such_file", "/b/dir_sym l -> sub", "/b/direct_sym l -> foo", "/b/emptysub d 0755 top", "/b/foo f 0644 bottom-file 'foo-content'", "/b/indirect_sym l -> direct_sym", "/b/sub d 0700 top", "/b/sub/leaf f 0644 bottom-file 'leaf'", "/b/sub/other f 0644 top-file 'other'"] },
    };

    /// <summary>source, destination, outcome (the same on the kernel mount and under both policies), the upper's lines.</summary>
    public static TheoryData<string, string, string, string[]> SamePolicyIndependent => new()
    {
        { "/a/sub", "/a/sub/inside", Outcome.Io(22), [] },
        { "/a/sub", "/a/emptysub", Outcome.PlainIo, [] },
        { "/a/sub", "/file", Outcome.PlainIo, [] },
        { "/a/missing", "/a/x", Outcome.DirectoryNotFound, [] },
        { "/a/foo", "/a/foo2", "ok", ["/a d 0750 now", "/a/foo w", "/a/foo2 f 0644 bottom-file 'foo-content'"] },
        { "/a/dir_sym", "/a/dir_sym2", "ok", ["/a d 0750 now", "/a/dir_sym w", "/a/dir_sym2 l -> sub"] },
    };

    [Theory]
    [MemberData(nameof(LowerDirectories))]
    public void Move_OfALowerDirectoryUnderTheCopyUpPolicy_CopiesTheTreeUpOpaqueAndWhitesOutTheOldName(string source, string destination, string[] upperAfter)
    {
        var before = MergedLines(source.TrimEnd('/'));

        Overlay.Directory.Move(source, destination);

        Overlay.Directory.Exists(source).Should().BeFalse();
        MergedLines(destination.TrimEnd('/')).Should().Equal(before.Select(l => destination.TrimEnd('/') + l[source.TrimEnd('/').Length..]));
        UpperLines().Should().Equal(upperAfter);
    }

    [Theory]
    [MemberData(nameof(LowerDirectories))]
    public void Move_OfALowerDirectoryUnderTheKernelPolicy_ThrowsIOExceptionWithEXDevAndChangesNothing(string source, string destination, string[] upperUnderCopyUp)
    {
        _ = upperUnderCopyUp;
        Rebuild(new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.Kernel });
        var before = MergedLines();

        var act = () => Overlay.Directory.Move(source, destination);

        act.Should().Throw<IOException>().Where(e => e.HResult == 18);
        MergedLines().Should().Equal(before);
        UpperLines().Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(SamePolicyIndependent))]
    public void Move_WhenThePolicyDoesNotMatter_MatchesTheKernelMount(string source, string destination, string outcome, string[] upperAfter)
    {
        Outcome.Of(() => Overlay.Directory.Move(source, destination)).Should().Be(outcome);

        UpperLines().Should().Equal(upperAfter);
    }

    [Fact]
    public void Move_OfANewDirectoryOverAnExistingLowerDirectory_ThrowsAPlainIOException()
    {
        MakeNewDirectory("/n");

        var act = () => Overlay.Directory.Move("/n", "/a/emptysub");

        act.Should().Throw<IOException>().Where(e => e.HResult == Outcome.PlainIoHResult);
        UpperLines().Should().Equal("/n d 0755 now", "/n/f f 0644 now 'nf'");
    }

    [Fact]
    public void Move_OfANewDirectoryOverADeletedEmptyLowerDirectory_MakesItOpaque()
    {
        MakeNewDirectory("/n");
        Overlay.Directory.Delete("/a/emptysub");

        Overlay.Directory.Move("/n", "/a/emptysub");

        Names("/a/emptysub").Should().Equal("f");
        UpperLines().Should().Equal("/a d 0750 now", "/a/emptysub d 0755 now opaque", "/a/emptysub/f f 0644 now 'nf'");
    }

    [Fact]
    public void Move_OfANewDirectoryOverADeletedPopulatedLowerDirectory_ShowsNoOldContent()
    {
        MakeNewDirectory("/n");
        Overlay.Directory.Delete("/a/sub", recursive: true);

        Overlay.Directory.Move("/n", "/a/sub");

        Names("/a/sub").Should().Equal("f");
        UpperLines().Should().Equal("/a d 0750 now", "/a/sub d 0755 now opaque", "/a/sub/f f 0644 now 'nf'");
    }

    [Fact]
    public void Move_OfANewDirectoryIntoAMergedDirectory_MakesItOpaque()
    {
        MakeNewDirectory("/n");

        Overlay.Directory.Move("/n", "/a/n2");

        UpperLines().Should().Equal("/a d 0750 now", "/a/n2 d 0755 now opaque", "/a/n2/f f 0644 now 'nf'");
    }

    [Fact]
    public void Move_OfANewDirectoryInsideANewDirectory_DoesNotMakeItOpaque()
    {
        Overlay.Directory.CreateDirectory("/n/m");
        Overlay.File.WriteAllText("/n/m/f", "nf");

        Overlay.Directory.Move("/n/m", "/n/m2");

        UpperLines().Should().Equal("/n d 0755 now", "/n/m2 d 0755 now", "/n/m2/f f 0644 now 'nf'");
    }

    [Fact]
    public void Move_OfANewDirectoryIntoItsOwnSubtree_ThrowsIOExceptionWithEInval()
    {
        Overlay.Directory.CreateDirectory("/n");

        var act = () => Overlay.Directory.Move("/n", "/n/x");

        act.Should().Throw<IOException>().Where(e => e.HResult == 22);
        UpperLines().Should().Equal("/n d 0755 now");
    }

    [Fact]
    public void Move_OfALowerDirectoryOverADeletedOne_CopiesTheTreeUpUnderTheCopyUpPolicy()
    {
        Overlay.Directory.Delete("/empty");

        Overlay.Directory.Move("/a/sub", "/empty");

        Names("/empty").Should().Equal("leaf", "other");
        UpperLines().Should().Equal(
            "/a d 0750 now",
            "/a/sub w",
            "/empty d 0700 top opaque",
            "/empty/leaf f 0644 bottom-file 'leaf'",
            "/empty/other f 0644 top-file 'other'");
    }

    [Fact]
    public void Move_OfALowerDirectoryOverADeletedOne_ThrowsEXDevUnderTheKernelPolicyAndKeepsTheDelete()
    {
        Rebuild(new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.Kernel });
        Overlay.Directory.Delete("/empty");

        var act = () => Overlay.Directory.Move("/a/sub", "/empty");

        act.Should().Throw<IOException>().Where(e => e.HResult == 18);
        UpperLines().Should().Equal("/empty w");
    }

    [Fact]
    public void Move_OfACopiedUpTree_LeavesTheMovedCopyIndependentOfTheLowers()
    {
        Overlay.Directory.Move("/a/sub", "/a/sub2");

        Overlay.File.Delete("/a/sub2/leaf");

        Names("/a/sub2").Should().Equal("other");
        UpperEntry("/a/sub2/leaf").Should().BeNull("an opaque, fully copied directory needs no whiteout");
    }

    [Fact]
    public void DirectoryInfoMoveTo_OfALowerDirectory_FollowsTheCopyUpPolicy()
    {
        var info = Overlay.DirectoryInfo.New("/a/sub");

        info.MoveTo("/a/sub9");

        info.FullName.Should().Be("/a/sub9/");
        UpperEntry("/a/sub")!.Value.Kind.Should().Be(LayerEntryKind.Whiteout);
        UpperEntry("/a/sub9")!.Value.IsOpaque.Should().BeTrue();
    }

    [Fact]
    public void Move_ChainOfNewDirectoryThroughMergedDirectories_ThenDelete_LeavesOnlyCopiedUpParents()
    {
        Overlay.Directory.CreateDirectory("/n1");
        Overlay.Directory.Move("/n1", "/a/n2");
        Overlay.Directory.Move("/a/n2", "/a/sub/n3");

        Overlay.Directory.Delete("/a/sub/n3");

        UpperLines().Should().Equal("/a d 0750 now", "/a/sub d 0700 now");
    }

    private void MakeNewDirectory(string path)
    {
        Overlay.Directory.CreateDirectory(path);
        Overlay.File.WriteAllText(path + "/f", "nf");
    }
}
