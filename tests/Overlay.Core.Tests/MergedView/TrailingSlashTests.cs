using Overlay.Tests.Support;

namespace Overlay.Tests.MergedView;

/// <summary>
/// The catalogue's trailing-'/' variants of the file operations: a file named "file/" is not found
/// as a directory (ENOTDIR), O_CREAT with a trailing '/' is EISDIR, a link named "link/" is
/// followed. Each row runs the same sequence of System.IO calls that was recorded on a kernel
/// overlay mount.
/// </summary>
public class TrailingSlashTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public TrailingSlashTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected TrailingSlashTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>path; outcomes of File.Exists, FileInfo.Exists, Directory.Exists, File.GetAttributes, File.SetLastWriteTimeUtc, File.Copy from it, File.Copy to it, File.CreateSymbolicLink at it, File.GetUnixFileMode.</summary>
    public static TheoryData<string, string[]> KernelRecorded => new()
    {
        { "/a/foo/", ["ok: False", "ok: True", "ok: False", "ok: Normal", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003", "EX UnauthorizedAccessException hr=0x80070005", "EX IOException hr=17", "ok: OtherRead, GroupRead, UserWrite, UserRead"] },
        { "/a/sub/", ["ok: False", "ok: False", "ok: True", "ok: Directory", "ok", "EX UnauthorizedAccessException hr=0x80070005", "EX UnauthorizedAccessException hr=0x80070005", "EX IOException hr=17", "ok: UserExecute, UserWrite, UserRead"] },
        { "/a/missing/", ["ok: False", "ok: False", "ok: False", "EX FileNotFoundException hr=0x80070002", "EX FileNotFoundException hr=0x80070002", "EX FileNotFoundException hr=0x80070002", "EX UnauthorizedAccessException hr=0x80070005", "EX FileNotFoundException hr=0x80070002", "EX FileNotFoundException hr=0x80070002"] },
        { "/a/direct_sym/", ["ok: False", "ok: True", "ok: False", "ok: ReparsePoint", "EX DirectoryNotFoundException hr=0x80070003", "EX DirectoryNotFoundException hr=0x80070003", "EX UnauthorizedAccessException hr=0x80070005", "EX IOException hr=17", "EX FileNotFoundException hr=0x80070002"] },
        { "/a/dir_sym/", ["ok: False", "ok: False", "ok: True", "ok: Directory, ReparsePoint", "ok", "EX UnauthorizedAccessException hr=0x80070005", "EX UnauthorizedAccessException hr=0x80070005", "EX IOException hr=17", "ok: UserExecute, UserWrite, UserRead"] },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void FileOperations_OnAPathWithATrailingSlash_MatchTheKernelMount(string path, string[] outcomes)
    {
        string[] actual =
        [
            Outcome.Of(() => Overlay.File.Exists(path)),
            Outcome.Of(() => Overlay.FileInfo.New(path).Exists),
            Outcome.Of(() => Overlay.Directory.Exists(path)),
            Outcome.Of(() => Overlay.File.GetAttributes(path)),
            Outcome.Of(() => Overlay.File.SetLastWriteTimeUtc(path, new DateTime(2003, 1, 1, 0, 0, 0, DateTimeKind.Utc))),
            Outcome.Of(() => Overlay.File.Copy(path, "/copied")),
            Outcome.Of(() => Overlay.File.Copy("/file", path)),
            Outcome.Of(() => { Overlay.File.CreateSymbolicLink(path, "foo"); }),
            Outcome.Of(() => UnixModes.Get(Overlay, path)),
        ];

        actual.Should().Equal(outcomes);
    }

    [Fact]
    public void ReadAllBytes_OfAFileWithATrailingSlash_ThrowsDirectoryNotFound()
    {
        var act = () => Overlay.File.ReadAllBytes("/file/");

        act.Should().Throw<DirectoryNotFoundException>();
    }

    [Fact]
    public void ReadAllBytes_OfALowerFileWithATrailingSlash_CopiesNothingUp()
    {
        var act = () => Overlay.File.ReadAllBytes("/a/foo/");

        act.Should().Throw<DirectoryNotFoundException>();
        UpperLines().Should().BeEmpty();
    }

    [Theory]
    [InlineData("/a/foo/")]
    [InlineData("/a/direct_sym/")]
    [InlineData("/a/missing/")]
    [InlineData("/a/sub/")]
    public void WriteAllText_WithATrailingSlash_ThrowsUnauthorizedAccessAndCreatesNothing(string path)
    {
        // O_CREAT with a trailing slash is EISDIR whatever the name is.
        var act = () => Overlay.File.WriteAllText(path, "x");

        act.Should().Throw<UnauthorizedAccessException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void AppendAllText_ToALowerFileWithATrailingSlash_CopiesNothingUp()
    {
        var act = () => Overlay.File.AppendAllText("/a/foo/", "x");

        act.Should().Throw<UnauthorizedAccessException>();
        Overlay.File.ReadAllText("/a/foo").Should().Be(StandardLowers.FooContent);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Delete_OfALowerFileWithATrailingSlash_ThrowsDirectoryNotFoundAndWritesNoWhiteout()
    {
        var act = () => Overlay.File.Delete("/a/foo/");

        act.Should().Throw<DirectoryNotFoundException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Move_OfALowerFileWithATrailingSlash_ThrowsDirectoryNotFound()
    {
        var act = () => Overlay.File.Move("/a/foo/", "/a/x");

        act.Should().Throw<DirectoryNotFoundException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Move_OfALowerFileToANameWithATrailingSlash_ThrowsDirectoryNotFound()
    {
        var act = () => Overlay.File.Move("/a/foo", "/a/x/");

        act.Should().Throw<DirectoryNotFoundException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void SetLastWriteTimeUtc_OfALowerFileWithATrailingSlash_ThrowsDirectoryNotFoundAndCopiesNothingUp()
    {
        var act = () => Overlay.File.SetLastWriteTimeUtc("/a/foo/", StandardLowers.TopFileTime);

        act.Should().Throw<DirectoryNotFoundException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void CreateSymbolicLink_OverADanglingLinkWithATrailingSlash_ThrowsIOExceptionWithEExist()
    {
        // symlink(2) never follows the final name: the dangling link itself is in the way.
        var act = () => Overlay.File.CreateSymbolicLink("/a/dangling_sym/", "x");

        act.Should().Throw<IOException>().Where(e => e.HResult == 17);
    }

    [Fact]
    public void CreateDirectory_OverADanglingLinkWithATrailingSlash_ThrowsIOExceptionWithEExist()
    {
        var act = () => Overlay.Directory.CreateDirectory("/a/dangling_sym/");

        act.Should().Throw<IOException>().Where(e => e.HResult == 17);
    }
}
