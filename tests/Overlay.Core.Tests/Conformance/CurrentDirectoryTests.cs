using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>
/// Relative paths and the current directory: the disk's is the process's (so these tests are in
/// <see cref="ProcessCurrentDirectory"/>, and the process's is restored after each), an overlay's
/// its own. Every relative path resolves the same way on every target.
/// </summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class CurrentDirectoryTests(ConformanceTarget target) : ConformanceTests(target)
{
    private readonly string _processDirectory = Directory.GetCurrentDirectory();

    [Fact]
    public void SetCurrentDirectory_ChangesWhatGetCurrentDirectoryReturns()
    {
        Fs.Directory.SetCurrentDirectory(P("/d/sub"));
        U(Fs.Directory.GetCurrentDirectory()).Should().Be("/d/sub");
    }

    [Fact]
    public void SetCurrentDirectory_ToAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.SetCurrentDirectory(P("/nope"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void SetCurrentDirectory_ToAFile_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.SetCurrentDirectory(P("/f.txt"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void SetCurrentDirectory_Relative_ResolvesAgainstTheCurrentOne()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        Fs.Directory.SetCurrentDirectory("sub/deep");
        U(Fs.Directory.GetCurrentDirectory()).Should().Be("/d/sub/deep");
    }

    [Fact]
    public void SetCurrentDirectory_ThroughALink_KeepsTheLinkInThePath()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        Fs.Directory.SetCurrentDirectory("..");
        U(Fs.Directory.GetCurrentDirectory()).Should().Be("/");
    }

    [Fact]
    public void SetCurrentDirectory_WithATrailingSlash_TrimsIt()
    {
        Fs.Directory.SetCurrentDirectory(P("/d/"));
        U(Fs.Directory.GetCurrentDirectory()).Should().Be("/d");
    }

    [Fact]
    public void SetCurrentDirectory_Empty_ThrowsArgument() =>
        Of(() => Fs.Directory.SetCurrentDirectory(string.Empty)).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void ReadAllText_OfARelativePath_ReadsFromTheCurrentDirectory()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        Fs.File.ReadAllText("a.txt").Should().Be("alpha");
        Fs.File.ReadAllText("./sub/../a.txt").Should().Be("alpha");
        Fs.File.ReadAllText("../f.txt").Should().Be("hello world");
    }

    [Fact]
    public void WriteAllText_OfARelativePath_WritesInTheCurrentDirectory()
    {
        Fs.Directory.SetCurrentDirectory(P("/empty"));
        Fs.File.WriteAllText("rel.txt", "r");
        Fs.File.ReadAllText(P("/empty/rel.txt")).Should().Be("r");
    }

    [Fact]
    public void GetFullPath_OfARelativePath_IsUnderTheCurrentDirectory()
    {
        Fs.Directory.SetCurrentDirectory(P("/d/sub"));
        U(Fs.Path.GetFullPath("x/../y")).Should().Be("/d/sub/y");
        U(Fs.Path.GetFullPath(".")).Should().Be("/d/sub");
        U(Fs.Path.GetFullPath("..")).Should().Be("/d");
    }

    [Fact]
    public void GetFiles_OfARelativePath_ReturnsRelativePaths()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        Fs.Directory.GetFiles("sub").Should().Equal("sub/c.txt");
        Fs.Directory.GetDirectories(".").Should().Equal("./sub");
    }

    [Fact]
    public void FileInfo_OfARelativePath_HasAFullName()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        var info = Fs.FileInfo.New("a.txt");
        U(info.FullName).Should().Be("/d/a.txt");
        info.ToString().Should().Be("a.txt");
        info.Exists.Should().BeTrue();
    }

    [Fact]
    public void DirectoryInfo_OfARelativePath_HasAFullName()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        var info = Fs.DirectoryInfo.New("sub");
        U(info.FullName).Should().Be("/d/sub");
        U(info.Parent!.FullName).Should().Be("/d");
    }

    [Fact]
    public void CreateDirectory_OfARelativePath_CreatesItInTheCurrentDirectory()
    {
        Fs.Directory.SetCurrentDirectory(P("/empty"));
        U(Fs.Directory.CreateDirectory("a/b").FullName).Should().Be("/empty/a/b");
    }

    [Fact]
    public void Move_WithRelativePaths_Moves()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        Fs.File.Move("a.txt", "../moved.txt");
        Fs.File.ReadAllText(P("/moved.txt")).Should().Be("alpha");
    }

    [Fact]
    public void DeletingTheCurrentDirectory_FailsRelativePathsOnTheDiskAndKeepsThePathOnAnOverlay()
    {
        Fs.Directory.SetCurrentDirectory(P("/empty"));
        Fs.Directory.Delete(P("/empty"));
        if (IsDisk)
        {
            // getcwd(3) fails with ENOENT once the directory is gone.
            Of(() => Fs.Directory.GetCurrentDirectory()).Should().Be(Outcome.FileNotFound);
            Of(() => Fs.File.WriteAllText("x", "x")).Should().Be(Outcome.FileNotFound);
        }
        else
        {
            // Intended difference (docs/conformance.md): an overlay's current directory is a path.
            Fs.Directory.GetCurrentDirectory().Should().Be("/empty");
            Of(() => Fs.File.WriteAllText("x", "x")).Should().Be(Outcome.DirectoryNotFound);
        }
    }

    [Fact]
    public void GetRelativePath_IsRelativeToTheCurrentDirectoryForRelativeInputs()
    {
        Fs.Directory.SetCurrentDirectory(P("/d"));
        Fs.Path.GetRelativePath("sub", P("/d/sub/deep/e.txt")).Should().Be("deep/e.txt");
        Fs.Path.GetRelativePath(P("/d/sub"), "x.log").Should().Be("../x.log");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.SetCurrentDirectory(_processDirectory);
        }

        base.Dispose(disposing);
    }
}
