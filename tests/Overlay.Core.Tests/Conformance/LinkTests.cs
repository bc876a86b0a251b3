using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>Symbolic links: File/Directory.CreateSymbolicLink, ResolveLinkTarget, LinkTarget, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class LinkTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void FileCreateSymbolicLink_ReturnsTheLinkWithItsTarget()
    {
        var link = Fs.File.CreateSymbolicLink(P("/empty/l"), "../f.txt");
        U(link.FullName).Should().Be("/empty/l");
        link.LinkTarget.Should().Be("../f.txt");
        Fs.File.ReadAllText(P("/empty/l")).Should().Be("hello world");
    }

    [Fact]
    public void FileCreateSymbolicLink_ToAMissingTarget_MakesADanglingLink()
    {
        Fs.File.CreateSymbolicLink(P("/empty/l"), "nowhere");
        Fs.File.Exists(P("/empty/l")).Should().BeTrue();
        Of(() => Fs.File.ReadAllText(P("/empty/l"))).Should().Be(Outcome.FileNotFound);
    }

    [Fact]
    public void FileCreateSymbolicLink_OverAnExistingName_ThrowsEExist() =>
        Of(() => Fs.File.CreateSymbolicLink(P("/f.txt"), "x")).Should().Be(Outcome.Io(17));

    [Fact]
    public void FileCreateSymbolicLink_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.CreateSymbolicLink(P("/nope/l"), "x")).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void FileCreateSymbolicLink_WithAnEmptyTarget_ThrowsArgument() =>
        Of(() => Fs.File.CreateSymbolicLink(P("/l"), string.Empty)).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void DirectoryCreateSymbolicLink_LinksADirectory()
    {
        var link = Fs.Directory.CreateSymbolicLink(P("/dl"), "d/sub");
        link.LinkTarget.Should().Be("d/sub");
        Fs.Directory.Exists(P("/dl")).Should().BeTrue();
        Set(Fs.Directory.GetFiles(P("/dl"))).Should().Equal("/dl/c.txt");
    }

    [Fact]
    public void DirectoryCreateSymbolicLink_OverAnExistingName_ThrowsEExist() =>
        Of(() => Fs.Directory.CreateSymbolicLink(P("/empty"), "d")).Should().Be(Outcome.Io(17));

    [Fact]
    public void FileResolveLinkTarget_OneLevel_ReturnsTheImmediateTarget()
    {
        var target = Fs.File.ResolveLinkTarget(P("/link"), returnFinalTarget: false)!;
        U(target.FullName).Should().Be("/f.txt");
        target.Exists.Should().BeTrue();
    }

    [Fact]
    public void FileResolveLinkTarget_Final_FollowsEveryLevel()
    {
        Fs.File.CreateSymbolicLink(P("/link2"), "link");
        U(Fs.File.ResolveLinkTarget(P("/link2"), returnFinalTarget: true)!.FullName).Should().Be("/f.txt");
        U(Fs.File.ResolveLinkTarget(P("/link2"), returnFinalTarget: false)!.FullName).Should().Be("/link");
    }

    [Fact]
    public void FileResolveLinkTarget_OfAFile_IsNull() =>
        Fs.File.ResolveLinkTarget(P("/f.txt"), true).Should().BeNull();

    [Fact]
    public void FileResolveLinkTarget_OfAMissingName_ThrowsFileNotFound() =>
        Of(() => Fs.File.ResolveLinkTarget(P("/nope"), false)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void FileResolveLinkTarget_OfADanglingLink_ReturnsAMissingTarget()
    {
        var target = Fs.File.ResolveLinkTarget(P("/dangling"), false)!;
        U(target.FullName).Should().Be("/missing");
        target.Exists.Should().BeFalse();
    }

    [Fact]
    public void FileResolveLinkTarget_FinalOfADanglingLink_ReturnsTheMissingTarget() =>
        U(Fs.File.ResolveLinkTarget(P("/dangling"), true)!.FullName).Should().Be("/missing");

    [Fact]
    public void FileResolveLinkTarget_OfALinkCycle_ThrowsIOException()
    {
        Fs.File.CreateSymbolicLink(P("/loop1"), "loop2");
        Fs.File.CreateSymbolicLink(P("/loop2"), "loop1");
        Of(() => Fs.File.ResolveLinkTarget(P("/loop1"), true)).Should().Be(Outcome.PlainIo);
    }

    [Fact]
    public void DirectoryResolveLinkTarget_ReturnsADirectoryInfo()
    {
        var target = Fs.Directory.ResolveLinkTarget(P("/dirlink"), false)!;
        target.Should().BeAssignableTo<System.IO.Abstractions.IDirectoryInfo>();
        U(target.FullName).Should().Be("/d");
    }

    [Fact]
    public void DirectoryResolveLinkTarget_OfADirectory_IsNull() =>
        Fs.Directory.ResolveLinkTarget(P("/d"), false).Should().BeNull();

    [Fact]
    public void LinkTarget_OfAFileInfo_IsTheStoredTarget()
    {
        Fs.FileInfo.New(P("/link")).LinkTarget.Should().Be("f.txt");
        Fs.FileInfo.New(P("/f.txt")).LinkTarget.Should().BeNull();
    }

    [Fact]
    public void LinkTarget_OfADirectoryInfo_IsTheStoredTarget() =>
        Fs.DirectoryInfo.New(P("/dirlink")).LinkTarget.Should().Be("d");

    [Fact]
    public void FileInfoCreateAsSymbolicLink_MakesTheLink()
    {
        var info = Fs.FileInfo.New(P("/empty/made"));
        info.CreateAsSymbolicLink("/abs/target");
        Fs.FileInfo.New(P("/empty/made")).LinkTarget.Should().Be("/abs/target");
    }

    [Fact]
    public void ALinkToADirectory_IsEnumeratedAsADirectory() =>
        Set(Fs.Directory.GetDirectories(P("/"))).Should().Contain("/dirlink");

    [Fact]
    public void ADanglingLink_IsEnumeratedAsAFile() =>
        Set(Fs.Directory.GetFiles(P("/"))).Should().Contain(["/dangling", "/link"]);

    [Fact]
    public void DeletingADirectoryLinkRecursively_LeavesTheTarget()
    {
        Fs.Directory.Delete(P("/dirlink"), recursive: true);
        Fs.Directory.Exists(P("/dirlink")).Should().BeFalse();
        Fs.File.Exists(P("/d/a.txt")).Should().BeTrue();
    }
}
