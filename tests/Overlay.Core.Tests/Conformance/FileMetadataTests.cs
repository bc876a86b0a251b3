using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>File attributes, times and Unix modes, on every target (times compared by relation where the clocks differ).</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class FileMetadataTests(ConformanceTarget target) : ConformanceTests(target)
{
    private static readonly DateTime Then = new(2011, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    [Fact]
    public void GetAttributes_OfAFile_IsNormal() =>
        Fs.File.GetAttributes(P("/d/a.txt")).Should().Be(FileAttributes.Normal);

    [Fact]
    public void GetAttributes_OfADirectory_IsDirectory() =>
        Fs.File.GetAttributes(P("/d")).Should().Be(FileAttributes.Directory);

    [Fact]
    public void GetAttributes_OfAReadOnlyFile_IsReadOnly() =>
        Fs.File.GetAttributes(P("/ro.txt")).Should().Be(FileAttributes.ReadOnly);

    [Fact]
    public void GetAttributes_OfALink_IsAReparsePoint() =>
        Fs.File.GetAttributes(P("/link")).Should().Be(FileAttributes.ReparsePoint);

    [Fact]
    public void GetAttributes_OfALinkToADirectory_IsADirectoryReparsePoint() =>
        Fs.File.GetAttributes(P("/dirlink")).Should().Be(FileAttributes.Directory | FileAttributes.ReparsePoint);

    [Fact]
    public void GetAttributes_OfADanglingLink_IsAReparsePoint() =>
        Fs.File.GetAttributes(P("/dangling")).Should().Be(FileAttributes.ReparsePoint);

    [Fact]
    public void GetAttributes_OfAHiddenName_IsHidden()
    {
        Fs.File.WriteAllText(P("/.hidden"), "x");
        Fs.File.GetAttributes(P("/.hidden")).Should().Be(FileAttributes.Hidden);
    }

    [Fact]
    public void GetAttributes_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.GetAttributes(P("/nope"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void GetAttributes_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.GetAttributes(P("/nope/x"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void SetAttributes_ReadOnly_ClearsTheWriteBits()
    {
        Fs.File.SetAttributes(P("/d/a.txt"), FileAttributes.ReadOnly);
        Fs.File.GetUnixFileMode(P("/d/a.txt")).Should().Be(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Fs.File.GetAttributes(P("/d/a.txt")).Should().Be(FileAttributes.ReadOnly);
    }

    [Fact]
    public void SetAttributes_Normal_OnAReadOnlyFile_GivesTheOwnerWrite()
    {
        Fs.File.SetAttributes(P("/ro.txt"), FileAttributes.Normal);
        Fs.File.GetUnixFileMode(P("/ro.txt")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    [Fact]
    public void SetAttributes_Ignores_UnsupportedFlags()
    {
        Fs.File.SetAttributes(P("/d/a.txt"), FileAttributes.Archive | FileAttributes.System);
        Fs.File.GetAttributes(P("/d/a.txt")).Should().Be(FileAttributes.Normal);
    }

    [Fact]
    public void SetAttributes_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.SetAttributes(P("/nope"), FileAttributes.ReadOnly)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void GetLastWriteTimeUtc_IsTheSeededTime() =>
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(ConformanceSeed.FileTime);

    [Fact]
    public void GetLastWriteTime_IsTheSeededTimeInLocalTime() =>
        Fs.File.GetLastWriteTime(P("/d/a.txt")).Should().Be(ConformanceSeed.FileTime.ToLocalTime());

    [Fact]
    public void GetLastWriteTimeUtc_OfAMissingFile_IsTheFileTimeEpoch() =>
        Fs.File.GetLastWriteTimeUtc(P("/nope")).Should().Be(DateTime.FromFileTimeUtc(0));

    [Fact]
    public void GetCreationTimeUtc_OfAMissingFile_IsTheFileTimeEpoch() =>
        Fs.File.GetCreationTimeUtc(P("/nope")).Should().Be(DateTime.FromFileTimeUtc(0));

    [Fact]
    public void GetLastAccessTime_OfAMissingFile_IsTheEpochInLocalTime() =>
        Fs.File.GetLastAccessTime(P("/nope")).Should().Be(DateTime.FromFileTimeUtc(0).ToLocalTime());

    [Fact]
    public void GetLastWriteTimeUtc_OfALink_IsTheLinksOwn() =>
        Fs.File.GetLastWriteTimeUtc(P("/link")).Should().NotBe(ConformanceSeed.FileTime);

    [Fact]
    public void SetLastWriteTimeUtc_SetsIt()
    {
        Fs.File.SetLastWriteTimeUtc(P("/d/a.txt"), Then);
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(Then);
    }

    [Fact]
    public void SetLastWriteTime_OfLocalTime_SetsIt()
    {
        Fs.File.SetLastWriteTime(P("/d/a.txt"), Then.ToLocalTime());
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(Then);
    }

    [Fact]
    public void SetLastAccessTimeUtc_SetsItAndKeepsTheMtime()
    {
        Fs.File.SetLastAccessTimeUtc(P("/d/a.txt"), Then);
        Fs.File.GetLastAccessTimeUtc(P("/d/a.txt")).Should().Be(Then);
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void SetLastAccessTime_OfLocalTime_SetsIt()
    {
        Fs.File.SetLastAccessTime(P("/d/a.txt"), Then.ToLocalTime());
        Fs.File.GetLastAccessTimeUtc(P("/d/a.txt")).Should().Be(Then);
    }

    [Fact]
    public void SetCreationTimeUtc_BeforeTheMtime_SetsTheMtime()
    {
        // Linux has no settable birth time: .NET sets the mtime instead.
        Fs.File.SetCreationTimeUtc(P("/d/a.txt"), Then);
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(Then);
    }

    [Fact]
    public void SetCreationTimeUtc_AfterTheMtime_SetsTheMtimeToo()
    {
        Fs.File.SetCreationTimeUtc(P("/d/a.txt"), ConformanceSeed.FileTime.AddDays(1));
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(ConformanceSeed.FileTime.AddDays(1));
    }

    [Fact]
    public void SetLastWriteTimeUtc_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.SetLastWriteTimeUtc(P("/nope"), Then)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void SetLastWriteTimeUtc_OfADirectory_SetsIt()
    {
        Fs.File.SetLastWriteTimeUtc(P("/empty"), Then);
        Fs.Directory.GetLastWriteTimeUtc(P("/empty")).Should().Be(Then);
    }

    [Fact]
    public void SetLastWriteTimeUtc_OfALink_SetsTheLinksOwn()
    {
        Fs.File.SetLastWriteTimeUtc(P("/link"), Then);
        Fs.File.GetLastWriteTimeUtc(P("/link")).Should().Be(Then);
        Fs.File.GetLastWriteTimeUtc(P("/f.txt")).Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void AWrite_UpdatesTheMtimeToNow()
    {
        var before = DateTime.UtcNow.AddSeconds(-2);
        Fs.File.AppendAllText(P("/d/a.txt"), "!");
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTime.UtcNow.AddSeconds(2));
    }

    [Fact]
    public void AWrite_UpdatesTheChangeTimeToo()
    {
        var before = DateTime.UtcNow.AddSeconds(-2);
        Fs.File.AppendAllText(P("/d/a.txt"), "!");
        Fs.File.GetCreationTimeUtc(P("/d/a.txt")).Should().BeOnOrAfter(before);
    }

    [Fact]
    public void ARead_KeepsTheMtime()
    {
        Fs.File.ReadAllText(P("/d/a.txt"));
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void AccessTime_SetInThePastThenRead_IsStampedOnTheDiskAndOnHostLayersAndKeptOnMemoryLayers()
    {
        // An intended difference (docs/conformance.md): a MemoryLayer stamps no access time on a
        // read, where the disk stamps one under relatime (the atime was older than the mtime); a
        // host layer's own files follow the disk's rule (here the file is in the upper, copied up
        // by the set on the *Lowers targets).
        var start = DateTime.UtcNow.AddSeconds(-2);
        Fs.File.SetLastAccessTimeUtc(P("/lines.txt"), Then);
        Fs.File.ReadAllText(P("/lines.txt"));
        var atime = Fs.File.GetLastAccessTimeUtc(P("/lines.txt"));
        if (Target is ConformanceTarget.MemoryUpper or ConformanceTarget.MemoryLowers)
        {
            atime.Should().Be(Then);
        }
        else
        {
            atime.Should().BeOnOrAfter(start);
        }
    }

    [Fact]
    public void AChmod_KeepsTheMtime()
    {
        Fs.File.SetUnixFileMode(P("/d/a.txt"), UnixFileMode.UserRead);
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void CreatingAFile_UpdatesItsDirectorysMtime()
    {
        var before = DateTime.UtcNow.AddSeconds(-2);
        Fs.File.WriteAllText(P("/d/sub/new"), "x");
        Fs.Directory.GetLastWriteTimeUtc(P("/d/sub")).Should().BeOnOrAfter(before);
    }

    [Fact]
    public void WritingAFile_KeepsItsDirectorysMtime()
    {
        Fs.File.WriteAllText(P("/d/sub/c.txt"), "x");
        Fs.Directory.GetLastWriteTimeUtc(P("/d/sub")).Should().Be(ConformanceSeed.DirectoryTime);
        Fs.Directory.GetLastWriteTimeUtc(P("/d")).Should().Be(ConformanceSeed.DirectoryTime);
    }

    [Fact]
    public void DeletingAFile_UpdatesItsDirectorysMtime()
    {
        var before = DateTime.UtcNow.AddSeconds(-2);
        Fs.File.Delete(P("/d/sub/c.txt"));
        Fs.Directory.GetLastWriteTimeUtc(P("/d/sub")).Should().BeOnOrAfter(before);
        Fs.Directory.GetLastWriteTimeUtc(P("/d")).Should().Be(ConformanceSeed.DirectoryTime);
    }

    [Fact]
    public void GetUnixFileMode_IsTheSeededMode()
    {
        Fs.File.GetUnixFileMode(P("/d/sub")).Should().Be((UnixFileMode)0b111_101_000);
        Fs.File.GetUnixFileMode(P("/exec.sh")).Should().Be((UnixFileMode)0b111_101_101);
        Fs.File.GetUnixFileMode(P("/ro.txt")).Should().Be((UnixFileMode)0b100_100_100);
    }

    [Fact]
    public void GetUnixFileMode_OfALink_IsTheTargets() =>
        Fs.File.GetUnixFileMode(P("/link")).Should().Be((UnixFileMode)0b110_100_100);

    [Fact]
    public void GetUnixFileMode_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.GetUnixFileMode(P("/nope"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void SetUnixFileMode_SetsEveryBit()
    {
        var mode = UnixFileMode.SetUser | UnixFileMode.StickyBit | UnixFileMode.UserExecute | UnixFileMode.OtherWrite;
        Fs.File.SetUnixFileMode(P("/d/a.txt"), mode);
        Fs.File.GetUnixFileMode(P("/d/a.txt")).Should().Be(mode);
    }

    [Fact]
    public void SetUnixFileMode_ThroughALink_SetsTheTargets()
    {
        Fs.File.SetUnixFileMode(P("/link"), UnixFileMode.UserRead);
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(UnixFileMode.UserRead);
    }

    [Fact]
    public void SetUnixFileMode_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.SetUnixFileMode(P("/nope"), UnixFileMode.UserRead)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void SetUnixFileMode_WithAnInvalidMode_ThrowsArgumentOutOfRange() =>
        Of(() => Fs.File.SetUnixFileMode(P("/f.txt"), (UnixFileMode)0x10000)).Should().Be("EX ArgumentException hr=0x80070057");
}
