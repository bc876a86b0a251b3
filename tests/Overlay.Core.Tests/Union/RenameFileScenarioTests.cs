using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's file rename family through <c>File.Move</c>: to a new name, over a lower file,
/// over a directory (empty and populated), onto itself, over its own parent, into another
/// directory, links (moved, not followed), a missing source, trailing '/' on either side; each
/// followed by an unlink of the old name. Recorded on a kernel overlay mount.
/// </summary>
public class RenameFileScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public RenameFileScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected RenameFileScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>source, destination, overwrite, outcome of the move, outcome of File.Delete(source), the destination's merged line, the upper's lines.</summary>
    public static TheoryData<string, string, bool, string, string, string?, string[]> KernelRecorded => new()
    {
        { "/a/foo", "/a/moved", false, "ok", "ok", "/a/moved f 0644 bottom-file 'foo-content'", ["/a d 0750 now", "/a/foo w", "/a/moved f 0644 bottom-file 'foo-content'"] },
        { "/a/foo", "/a/bar", true, "ok", "ok", "/a/bar f 0644 bottom-file 'foo-content'", ["/a d 0750 now", "/a/bar f 0644 bottom-file 'foo-content'", "/a/foo w"] },
        { "/a/foo", "/a/bar", false, "EX IOException hr=17", "ok", "/a/bar f 0600 top-file 'bar-content'", ["/a d 0750 now", "/a/foo w"] },
        { "/a/foo", "/a/sub", true, "EX IOException hr=21", "ok", "/a/sub d 0700 top", ["/a d 0750 now", "/a/foo w"] },
        { "/a/foo", "/a/sub", false, "EX IOException hr=17", "ok", "/a/sub d 0700 top", ["/a d 0750 now", "/a/foo w"] },
        { "/a/foo", "/a/emptysub", true, "EX IOException hr=21", "ok", "/a/emptysub d 0755 top", ["/a d 0750 now", "/a/foo w"] },
        { "/a/foo", "/a/foo", true, "ok", "ok", null, ["/a d 0750 now", "/a/foo w"] },
        { "/a/foo", "/a/foo", false, "ok", "ok", null, ["/a d 0750 now", "/a/foo w"] },
        { "/a/sub/leaf", "/a/sub", true, "EX IOException hr=39", "ok", "/a/sub d 0700 now", ["/a d 0750 top", "/a/sub d 0700 now", "/a/sub/leaf w"] },
        { "/a/sub/leaf", "/a", true, "EX IOException hr=39", "ok", "/a d 0750 top", ["/a d 0750 top", "/a/sub d 0700 now", "/a/sub/leaf w"] },
        { "/a/foo", "/newtop", false, "ok", "ok", "/newtop f 0644 bottom-file 'foo-content'", ["/a d 0750 now", "/a/foo w", "/newtop f 0644 bottom-file 'foo-content'"] },
        { "/a/sub/leaf", "/empty/leaf", false, "ok", "ok", "/empty/leaf f 0644 bottom-file 'leaf'", ["/a d 0750 top", "/a/sub d 0700 now", "/a/sub/leaf w", "/empty d 0755 now", "/empty/leaf f 0644 bottom-file 'leaf'"] },
        { "/a/direct_sym", "/a/sym_moved", false, "ok", "ok", "/a/sym_moved l -> foo", ["/a d 0750 now", "/a/direct_sym w", "/a/sym_moved l -> foo"] },
        { "/a/dangling_sym", "/x", false, "ok", "ok", "/x l -> no_such_file", ["/a d 0750 now", "/a/dangling_sym w", "/x l -> no_such_file"] },
        { "/a/foo", "/nodir/x", false, "EX DirectoryNotFoundException hr=0x80070003", "ok", null, ["/a d 0750 now", "/a/foo w"] },
        { "/a/foo/", "/a/x", false, "EX DirectoryNotFoundException hr=0x80070003", "ok", null, ["/a d 0750 now", "/a/foo w"] },
        { "/a/foo", "/a/x/", false, "EX DirectoryNotFoundException hr=0x80070003", "ok", null, ["/a d 0750 now", "/a/foo w"] },
        { "/a/sub", "/a/x", false, "EX FileNotFoundException hr=0x80070002", "EX UnauthorizedAccessException hr=0x80070005", null, [] },
        { "/ro", "/ro2", false, "ok", "ok", "/ro2 f 0444 bottom-file 'read-only'", ["/ro w", "/ro2 f 0444 bottom-file 'read-only'"] },
        { "/a/missing", "/a/x", false, "EX FileNotFoundException hr=0x80070002", "ok", null, [] },
        { "/a/foo", "/a/direct_sym", true, "ok", "ok", "/a/direct_sym f 0644 bottom-file 'foo-content'", ["/a d 0750 now", "/a/direct_sym f 0644 bottom-file 'foo-content'", "/a/foo w"] },
        { "/a/direct_sym", "/a/foo", true, "ok", "ok", "/a/foo l -> foo", ["/a d 0750 now", "/a/direct_sym w", "/a/foo l -> foo"] },
        { "/a/foo", "/a/hidden", false, "ok", "ok", "/a/hidden f 0644 bottom-file 'foo-content'", ["/a d 0750 now", "/a/foo w", "/a/hidden f 0644 bottom-file 'foo-content'"] },
        { "/opq/new", "/opq/old", false, "ok", "ok", "/opq/old f 0644 top-file 'new'", ["/opq d 0755 now", "/opq/new w", "/opq/old f 0644 top-file 'new'"] },
        { "/a/dir_sym", "/a/dir_sym2", false, "EX FileNotFoundException hr=0x80070002", "ok", null, ["/a d 0750 now", "/a/dir_sym w"] },
        { "/a/foo", "/a/dangling_sym", true, "ok", "ok", "/a/dangling_sym f 0644 bottom-file 'foo-content'", ["/a d 0750 now", "/a/dangling_sym f 0644 bottom-file 'foo-content'", "/a/foo w"] },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void Move_ThenUnlinkTheOldName_MatchesTheKernelMount(string source, string destination, bool overwrite, string moved, string unlinked, string? destinationAfter, string[] upperAfter)
    {
        Outcome.Of(() => Overlay.File.Move(source, destination, overwrite)).Should().Be(moved);
        Outcome.Of(() => Overlay.File.Delete(source.TrimEnd('/'))).Should().Be(unlinked);

        MergedLine(destination.TrimEnd('/')).Should().Be(destinationAfter);
        UpperLines().Should().Equal(upperAfter);
    }

    [Fact]
    public void Move_OfALowerFile_LeavesAWhiteoutAtTheOldName()
    {
        Overlay.File.Move("/a/foo", "/a/moved");

        Overlay.File.Exists("/a/foo").Should().BeFalse();
        Overlay.File.ReadAllText("/a/moved").Should().Be(StandardLowers.FooContent);
        UpperEntry("/a/foo")!.Value.Kind.Should().Be(LayerEntryKind.Whiteout);
    }

    [Fact]
    public void Move_OfALowerFile_KeepsItsModeAndMtime()
    {
        Overlay.File.Move("/ro", "/ro2");

        UpperLines().Should().Equal("/ro w", "/ro2 f 0444 bottom-file 'read-only'");
    }

    [Fact]
    public void Move_OverADirectoryWithOverwrite_ThrowsIOExceptionWithEIsDir()
    {
        var act = () => Overlay.File.Move("/a/foo", "/a/emptysub", overwrite: true);

        act.Should().Throw<IOException>().Where(e => e.HResult == 21);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Move_OverItsOwnParentWithOverwrite_ThrowsIOExceptionWithENotEmpty()
    {
        var act = () => Overlay.File.Move("/a/sub/leaf", "/a/sub", overwrite: true);

        act.Should().Throw<IOException>().Where(e => e.HResult == 39);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Move_OntoItself_ChangesNothing()
    {
        Overlay.File.Move("/a/foo", "/a/foo", overwrite: true);

        Overlay.File.ReadAllText("/a/foo").Should().Be(StandardLowers.FooContent);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Move_OverAnExistingFileWithoutOverwrite_ThrowsIOExceptionWithEExist()
    {
        var act = () => Overlay.File.Move("/a/foo", "/a/bar");

        act.Should().Throw<IOException>().Where(e => e.HResult == 17);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Move_OfASymlink_MovesTheLinkAndLeavesItsTarget()
    {
        Overlay.File.Move("/a/direct_sym", "/a/sym_moved");

        Overlay.FileInfo.New("/a/sym_moved").LinkTarget.Should().Be("foo");
        Overlay.File.ReadAllText("/a/foo").Should().Be(StandardLowers.FooContent);
        UpperLines().Should().Equal("/a d 0750 now", "/a/direct_sym w", "/a/sym_moved l -> foo");
    }

    [Theory]
    [InlineData("/a/direct_sym", "foo")]
    [InlineData("/a/dangling_sym", "no_such_file")]
    public void Move_OfALowerLink_CopiesItUpWithItsTargetAndMtime(string link, string target)
    {
        Overlay.File.Move(link, "/a/moved_link");

        var copy = UpperEntry("/a/moved_link")!.Value;
        copy.Kind.Should().Be(LayerEntryKind.SymbolicLink);
        copy.LinkTarget.Should().Be(target);
        copy.LastWriteTimeUtc.Should().Be(StandardLowers.BottomDirectoryTime);
    }

    [Fact]
    public void Move_OfAnUpperOnlyFile_LeavesNoWhiteout()
    {
        Overlay.File.WriteAllText("/a/new", "n");

        Overlay.File.Move("/a/new", "/a/foo", overwrite: true);

        Overlay.File.ReadAllText("/a/foo").Should().Be("n");
        UpperLines().Should().Equal("/a d 0750 now", "/a/foo f 0644 now 'n'");
    }

    [Fact]
    public void FileInfoMoveTo_OfALowerFile_UpdatesTheInfoAndLeavesAWhiteout()
    {
        var info = Overlay.FileInfo.New("/a/foo");

        info.MoveTo("/a/mv");

        info.FullName.Should().Be("/a/mv");
        info.Exists.Should().BeTrue();
        UpperLines().Should().Equal("/a d 0750 now", "/a/foo w", "/a/mv f 0644 bottom-file 'foo-content'");
    }
}
