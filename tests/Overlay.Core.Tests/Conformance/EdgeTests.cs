using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>Edge cases across the families: links in odd places, extensions, hidden directories, modes on create, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class EdgeTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void DirectoryInfoExtension_OfADottedDirectory_IsItsSuffix()
    {
        Fs.Directory.CreateDirectory(P("/dir.ext"));
        Fs.DirectoryInfo.New(P("/dir.ext")).Extension.Should().Be(".ext");
        Fs.DirectoryInfo.New(P("/dir.ext/")).Extension.Should().BeEmpty();
    }

    [Fact]
    public void FileInfoExtension_OfADotAtTheEnd_IsTheDot() =>
        Fs.FileInfo.New(P("/name.")).Extension.Should().Be(".");

    [Fact]
    public void HiddenDirectory_HasTheHiddenAttribute()
    {
        Fs.Directory.CreateDirectory(P("/.hid"));
        Fs.File.GetAttributes(P("/.hid")).Should().Be(FileAttributes.Directory | FileAttributes.Hidden);
        Fs.DirectoryInfo.New(P("/.hid")).Attributes.Should().Be(FileAttributes.Directory | FileAttributes.Hidden);
    }

    [Fact]
    public void CreateDirectory_OverALinkToADirectory_ReturnsIt()
    {
        var info = Fs.Directory.CreateDirectory(P("/dirlink"));
        info.Exists.Should().BeTrue();
        Fs.DirectoryInfo.New(P("/dirlink")).LinkTarget.Should().Be("d");
    }

    [Fact]
    public void CreateDirectory_WithAModeOverAnExistingDirectory_KeepsTheOldMode()
    {
        Fs.Directory.CreateDirectory(P("/d/sub"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Fs.File.GetUnixFileMode(P("/d/sub")).Should().Be((UnixFileMode)0b111_101_000);
    }

    [Fact]
    public void CreateDirectory_MakesParentsWithTheDefaultMode()
    {
        Fs.Directory.CreateDirectory(P("/p1/p2"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Fs.File.GetUnixFileMode(P("/p1")).Should().Be((UnixFileMode)0b111_111_111 & ~ProcessUmask.Value);
        Fs.File.GetUnixFileMode(P("/p1/p2")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void NewDirectory_GetsTheUmaskedDefaultMode()
    {
        Fs.Directory.CreateDirectory(P("/nd"));
        Fs.File.GetUnixFileMode(P("/nd")).Should().Be((UnixFileMode)0b111_111_111 & ~ProcessUmask.Value);
    }

    [Fact]
    public void UnixCreateMode_IsUmasked()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = (UnixFileMode)0b111_111_111 };
        Fs.FileStream.New(P("/um"), options).Dispose();
        Fs.File.GetUnixFileMode(P("/um")).Should().Be((UnixFileMode)0b111_111_111 & ~ProcessUmask.Value);
    }

    [Fact]
    public void UnixCreateMode_OfAnExistingFile_IsIgnored()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead };
        Fs.FileStream.New(P("/d/a.txt"), options).Dispose();
        Fs.File.GetUnixFileMode(P("/d/a.txt")).Should().Be((UnixFileMode)0b110_100_100);
    }

    [Fact]
    public void Copy_OfAnExecutable_KeepsTheExecuteBits()
    {
        Fs.File.Copy(P("/exec.sh"), P("/exec2.sh"));
        Fs.File.GetUnixFileMode(P("/exec2.sh")).Should().Be((UnixFileMode)0b111_101_101);
    }

    [Fact]
    public void Copy_WithOverwrite_KeepsTheDestinationsMode()
    {
        Fs.File.Copy(P("/exec.sh"), P("/d/b.bin"), overwrite: true);
        Fs.File.ReadAllText(P("/d/b.bin")).Should().Be("#!/bin/sh\n");
        Fs.File.GetUnixFileMode(P("/d/b.bin")).Should().Be((UnixFileMode)0b111_101_101);
    }

    [Fact]
    public void Copy_OntoAReadOnlyFileWithOverwrite_Works() =>
        Of(() => Fs.File.Copy(P("/d/a.txt"), P("/ro.txt"), true)).Should().Be("ok");

    [Fact]
    public void SetUnixFileMode_OfADanglingLink_ThrowsFileNotFound() =>
        Of(() => Fs.File.SetUnixFileMode(P("/dangling"), UnixFileMode.UserRead)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void GetUnixFileMode_OfADanglingLink_ThrowsFileNotFound() =>
        Of(() => Fs.File.GetUnixFileMode(P("/dangling"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void DeleteRecursive_OfADirectoryHoldingADanglingLink_Works()
    {
        Fs.File.CreateSymbolicLink(P("/empty/dl"), "gone");
        Fs.Directory.Delete(P("/empty"), true);
        Fs.Directory.Exists(P("/empty")).Should().BeFalse();
    }

    [Fact]
    public void DirectorySetLastWriteTime_OfALinkToADirectory_SetsTheLinksOwn()
    {
        var then = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Fs.Directory.SetLastWriteTimeUtc(P("/dirlink"), then);
        Fs.Directory.GetLastWriteTimeUtc(P("/dirlink")).Should().Be(then);
        Fs.Directory.GetLastWriteTimeUtc(P("/d")).Should().Be(ConformanceSeed.DirectoryTime);
    }

    [Fact]
    public void Truncate_OfASeededFile_KeepsItsMode()
    {
        Fs.FileStream.New(P("/exec.sh"), FileMode.Truncate, FileAccess.Write).Dispose();
        Fs.FileInfo.New(P("/exec.sh")).Length.Should().Be(0);
        Fs.File.GetUnixFileMode(P("/exec.sh")).Should().Be((UnixFileMode)0b111_101_101);
    }

    [Fact]
    public void EnumerateFiles_CaseInsensitive_MatchesDirectoriesToo() =>
        Set(Fs.Directory.EnumerateDirectories(P("/d"), "SUB", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive })).Should().Equal("/d/sub");

    [Fact]
    public void EnumerateFiles_IgnoreInaccessible_ListsEverything() =>
        Set(Fs.Directory.EnumerateFiles(P("/d/sub"), "*", new EnumerationOptions { IgnoreInaccessible = false, BufferSize = 1024, RecurseSubdirectories = true })).Should().Equal("/d/sub/c.txt", "/d/sub/deep/e.txt");

    [Fact]
    public void EnumerateFiles_OfTheRootWithATrailingSlash_KeepsIt() =>
        Fs.Directory.GetFiles(P("/d") + "/").Select(U).Order(StringComparer.Ordinal).First().Should().Be("/d/a.txt");

    [Fact]
    public void ReadAllText_OfAFileWrittenThroughTwoLinks_Works()
    {
        Fs.File.CreateSymbolicLink(P("/link2"), "link");
        Fs.File.WriteAllText(P("/link2"), "twice");
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("twice");
    }

    [Fact]
    public void CreateSymbolicLink_WithAnAbsoluteTarget_StoresItAsGiven()
    {
        Fs.File.CreateSymbolicLink(P("/abs"), "/etc/hostname-not-there");
        Fs.FileInfo.New(P("/abs")).LinkTarget.Should().Be("/etc/hostname-not-there");
        Fs.File.Exists(P("/abs")).Should().BeTrue();
    }

    [Fact]
    public void MoveTo_OfAFileInfo_ThenRefresh_SeesTheNewFile()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        _ = info.Length;
        info.MoveTo(P("/d/a2.txt"));
        Fs.File.AppendAllText(P("/d/a2.txt"), "!!");
        info.Refresh();
        info.Length.Should().Be(7);
    }

    [Fact]
    public void FileInfoDelete_OfAMissingFile_DoesNothing() =>
        Of(() => Fs.FileInfo.New(P("/nope")).Delete()).Should().Be("ok");

    [Fact]
    public void DirectoryInfoDelete_OfAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.DirectoryInfo.New(P("/nope")).Delete()).Should().Be(Outcome.DirectoryNotFound);
}
