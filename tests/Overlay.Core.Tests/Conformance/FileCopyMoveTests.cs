using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>File.Copy, Move, Replace and Delete, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class FileCopyMoveTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void Copy_ToANewName_CopiesTheBytesAndKeepsTheSource()
    {
        Fs.File.Copy(P("/d/b.bin"), P("/empty/copy"));
        Fs.File.ReadAllBytes(P("/empty/copy")).Should().Equal(ConformanceSeed.Binary);
        Fs.File.Exists(P("/d/b.bin")).Should().BeTrue();
    }

    [Fact]
    public void Copy_KeepsTheModeAndTheMtime()
    {
        Fs.File.Copy(P("/d/b.bin"), P("/empty/copy"));
        Fs.File.GetUnixFileMode(P("/empty/copy")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Fs.File.GetLastWriteTimeUtc(P("/empty/copy")).Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void Copy_OntoAnExistingFile_ThrowsEExist() =>
        Of(() => Fs.File.Copy(P("/d/a.txt"), P("/f.txt"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void Copy_OntoAnExistingFileWithOverwrite_ReplacesIt()
    {
        Fs.File.Copy(P("/d/a.txt"), P("/f.txt"), overwrite: true);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
    }

    [Fact]
    public void Copy_OntoADirectory_ThrowsIOException() =>
        Of(() => Fs.File.Copy(P("/d/a.txt"), P("/empty"))).Should().Be(Outcome.PlainIo);

    [Fact]
    public void Copy_OntoADirectoryWithOverwrite_ThrowsUnauthorizedAccess() =>
        Of(() => Fs.File.Copy(P("/d/a.txt"), P("/empty"), true)).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void Copy_OfADirectory_ThrowsUnauthorizedAccess() =>
        Of(() => Fs.File.Copy(P("/d"), P("/x"))).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void Copy_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.Copy(P("/nope"), P("/x"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Copy_IntoAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.Copy(P("/f.txt"), P("/nope/x"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Copy_OntoItself_ThrowsEExist() =>
        Of(() => Fs.File.Copy(P("/f.txt"), P("/f.txt"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void Copy_OfALink_CopiesTheTargetsBytes()
    {
        Fs.File.Copy(P("/link"), P("/copied"));
        Fs.File.ReadAllText(P("/copied")).Should().Be("hello world");
        Fs.FileInfo.New(P("/copied")).LinkTarget.Should().BeNull();
    }

    [Fact]
    public void Move_ToANewName_MovesIt()
    {
        Fs.File.Move(P("/d/a.txt"), P("/empty/a"));
        Fs.File.Exists(P("/d/a.txt")).Should().BeFalse();
        Fs.File.ReadAllText(P("/empty/a")).Should().Be("alpha");
        Fs.File.GetLastWriteTimeUtc(P("/empty/a")).Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void Move_OntoAnExistingFile_ThrowsEExist() =>
        Of(() => Fs.File.Move(P("/d/a.txt"), P("/f.txt"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void Move_OntoAnExistingFileWithOverwrite_ReplacesIt()
    {
        Fs.File.Move(P("/d/a.txt"), P("/f.txt"), overwrite: true);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
        Fs.File.Exists(P("/d/a.txt")).Should().BeFalse();
    }

    [Fact]
    public void Move_OntoADirectory_ThrowsEExist() =>
        Of(() => Fs.File.Move(P("/d/a.txt"), P("/empty"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void Move_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.Move(P("/nope"), P("/x"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Move_OfADirectory_ThrowsFileNotFound() =>
        Of(() => Fs.File.Move(P("/empty"), P("/x"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Move_IntoAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.Move(P("/f.txt"), P("/nope/x"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Move_OntoItself_DoesNothing()
    {
        Of(() => Fs.File.Move(P("/f.txt"), P("/f.txt"))).Should().Be("ok");
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello world");
    }

    [Fact]
    public void Move_OfALink_MovesTheLinkItself()
    {
        Fs.File.Move(P("/link"), P("/d/link2"));
        Fs.File.Exists(P("/link")).Should().BeFalse();
        Fs.FileInfo.New(P("/d/link2")).LinkTarget.Should().Be("f.txt");
        Fs.File.Exists(P("/d/link2")).Should().BeTrue();
    }

    [Fact]
    public void Replace_SwapsTheContentAndRemovesTheSource()
    {
        Fs.File.Replace(P("/d/a.txt"), P("/f.txt"), null);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
        Fs.File.Exists(P("/d/a.txt")).Should().BeFalse();
    }

    [Fact]
    public void Replace_WithABackup_KeepsTheOldDestination()
    {
        Fs.File.Replace(P("/d/a.txt"), P("/f.txt"), P("/f.bak"));
        Fs.File.ReadAllText(P("/f.bak")).Should().Be("hello world");
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
    }

    [Fact]
    public void Replace_WithIgnoreMetadataErrors_Replaces()
    {
        Fs.File.Replace(P("/d/a.txt"), P("/f.txt"), null, ignoreMetadataErrors: true);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
    }

    [Fact]
    public void Replace_OfAMissingDestination_ThrowsFileNotFound() =>
        Of(() => Fs.File.Replace(P("/d/a.txt"), P("/nope"), null)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Replace_OfAMissingSource_ThrowsFileNotFound() =>
        Of(() => Fs.File.Replace(P("/nope"), P("/f.txt"), null)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Replace_OntoADirectory_ThrowsUnauthorizedAccess() =>
        Of(() => Fs.File.Replace(P("/f.txt"), P("/empty"), null)).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void Delete_OfASeededFile_RemovesIt()
    {
        Fs.File.Delete(P("/d/a.txt"));
        Fs.File.Exists(P("/d/a.txt")).Should().BeFalse();
        Fs.Directory.GetFiles(P("/d")).Select(U).Should().NotContain("/d/a.txt");
    }

    [Fact]
    public void Delete_OfAMissingFile_DoesNothing() =>
        Of(() => Fs.File.Delete(P("/nope"))).Should().Be("ok");

    [Fact]
    public void Delete_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.Delete(P("/nope/x"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Delete_OfADirectory_ThrowsUnauthorizedAccess() =>
        Of(() => Fs.File.Delete(P("/empty"))).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void Delete_OfALink_LeavesTheTarget()
    {
        Fs.File.Delete(P("/link"));
        Fs.File.Exists(P("/link")).Should().BeFalse();
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello world");
    }

    [Fact]
    public void Delete_OfALinkToADirectory_RemovesTheLink()
    {
        Fs.File.Delete(P("/dirlink"));
        Fs.Directory.Exists(P("/dirlink")).Should().BeFalse();
        Fs.Directory.Exists(P("/d")).Should().BeTrue();
    }

    [Fact]
    public void Delete_ThenRecreate_ShowsOnlyTheNewContent()
    {
        Fs.File.Delete(P("/d/a.txt"));
        Fs.File.WriteAllText(P("/d/a.txt"), "again");
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("again");
    }

    [Fact]
    public void Delete_WithATrailingSlash_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.Delete(P("/f.txt/"))).Should().Be(Outcome.DirectoryNotFound);
}
