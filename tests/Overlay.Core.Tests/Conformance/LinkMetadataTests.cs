using System.IO.Abstractions;
using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>
/// The metadata calls through a symbolic link, by File and by FileInfo, on every target: which
/// ones reach the target (attributes, modes, link resolution) and which ones touch the link itself
/// (times). The seeded links live in the lowers on the targets that have them, so a change that
/// reaches the target copies up the target and never the link.
/// </summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class LinkMetadataTests(ConformanceTarget target) : ConformanceTests(target)
{
    private const UnixFileMode M0444 = (UnixFileMode)0b100_100_100;
    private const UnixFileMode M0555 = (UnixFileMode)0b101_101_101;
    private const UnixFileMode M0644 = (UnixFileMode)0b110_100_100;
    private const UnixFileMode M0755 = (UnixFileMode)0b111_101_101;

    private static readonly DateTime Then = new(2011, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    // An hour ahead, in whole seconds: reading a link's times back follows the link, and under
    // relatime (the Linux default) following a link stamps its atime when that is older than its
    // mtime or ctime; one ahead of now is left as set (see AccessTimeOfALink_SetInThePastThenFollowed_…).
    private readonly DateTime _soon = DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);

    // ---- Attributes

    [Fact]
    public void FileSetAttributes_ReadOnlyThroughALink_ClearsOnlyTheTargetsWriteBits()
    {
        var attributes = Fs.File.GetAttributes(P("/link"));
        attributes.Should().Be(FileAttributes.ReparsePoint);
        Fs.File.SetAttributes(P("/link"), attributes | FileAttributes.ReadOnly);
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(M0444);
        Fs.File.GetAttributes(P("/link")).Should().Be(FileAttributes.ReparsePoint | FileAttributes.ReadOnly);
        Fs.File.ReadAllText(P("/link")).Should().Be("hello world");
    }

    [Fact]
    public void FileSetAttributes_ReadOnlyThroughALinkToAnExecutable_KeepsItsExecuteBits()
    {
        Fs.File.CreateSymbolicLink(P("/run"), "exec.sh");
        Fs.File.SetAttributes(P("/run"), FileAttributes.ReadOnly);
        Fs.File.GetUnixFileMode(P("/exec.sh")).Should().Be(M0555);
    }

    [Fact]
    public void FileSetAttributes_NormalThroughALinkToAReadOnlyFile_GivesTheTargetTheOwnerWrite()
    {
        Fs.File.CreateSymbolicLink(P("/rolink"), "ro.txt");
        Fs.File.GetAttributes(P("/rolink")).Should().Be(FileAttributes.ReparsePoint | FileAttributes.ReadOnly);
        Fs.File.SetAttributes(P("/rolink"), FileAttributes.Normal);
        Fs.File.GetUnixFileMode(P("/ro.txt")).Should().Be(M0644);
    }

    [Fact]
    public void FileSetAttributes_NormalThroughALinkToAWritableFile_ChangesNothing()
    {
        Fs.File.SetAttributes(P("/link"), FileAttributes.Normal);
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(M0644);
    }

    [Fact]
    public void FileSetAttributes_ReadOnlyThroughALinkToADirectory_ClearsTheDirectorysWriteBits()
    {
        Fs.File.SetAttributes(P("/dirlink"), FileAttributes.Directory | FileAttributes.ReparsePoint | FileAttributes.ReadOnly);
        Fs.File.GetUnixFileMode(P("/d")).Should().Be(M0555);
        Fs.File.GetAttributes(P("/dirlink")).Should().Be(FileAttributes.Directory | FileAttributes.ReparsePoint | FileAttributes.ReadOnly);
    }

    [Fact]
    public void FileSetAttributes_ThroughALinkToALink_ReachesTheFinalTarget()
    {
        Fs.File.CreateSymbolicLink(P("/d/twice"), "../link");
        Fs.File.SetAttributes(P("/d/twice"), FileAttributes.ReadOnly);
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(M0444);
    }

    [Fact]
    public void FileSetAttributes_ReadOnlyOnADanglingLink_ThrowsFileNotFound() =>
        Of(() => Fs.File.SetAttributes(P("/dangling"), FileAttributes.ReadOnly)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void FileSetAttributes_NormalOnADanglingLink_ChangesNothing()
    {
        Of(() => Fs.File.SetAttributes(P("/dangling"), FileAttributes.Normal)).Should().Be("ok");
        Fs.File.GetAttributes(P("/dangling")).Should().Be(FileAttributes.ReparsePoint);
    }

    [Fact]
    public void FileInfoAttributes_ReadOnlyThroughALink_ClearsOnlyTheTargetsWriteBits()
    {
        var info = Fs.FileInfo.New(P("/link"));
        info.Attributes |= FileAttributes.ReadOnly;
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(M0444);
        info.Attributes.Should().Be(FileAttributes.ReparsePoint | FileAttributes.ReadOnly);
        info.IsReadOnly.Should().BeTrue();
    }

    [Fact]
    public void FileInfoIsReadOnly_SetThroughALink_ClearsOnlyTheTargetsWriteBits()
    {
        Fs.FileInfo.New(P("/link")).IsReadOnly = true;
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(M0444);
    }

    [Fact]
    public void FileInfoAttributes_NormalThroughALinkToAReadOnlyFile_GivesTheTargetTheOwnerWrite()
    {
        Fs.File.CreateSymbolicLink(P("/rolink"), "ro.txt");
        Fs.FileInfo.New(P("/rolink")).Attributes = FileAttributes.ReparsePoint;
        Fs.File.GetUnixFileMode(P("/ro.txt")).Should().Be(M0644);
    }

    [Fact]
    public void FileInfoAttributes_ReadOnlyOnADanglingLink_ThrowsFileNotFound() =>
        Of(() => Fs.FileInfo.New(P("/dangling")).Attributes = FileAttributes.ReadOnly).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void GetAttributes_OfALinkToAReadOnlyFile_IsAReadOnlyReparsePoint()
    {
        Fs.File.CreateSymbolicLink(P("/rolink"), "ro.txt");
        Fs.File.GetAttributes(P("/rolink")).Should().Be(FileAttributes.ReparsePoint | FileAttributes.ReadOnly);
        Fs.FileInfo.New(P("/rolink")).Attributes.Should().Be(FileAttributes.ReparsePoint | FileAttributes.ReadOnly);
    }

    [Fact]
    public void GetAttributes_OfAHiddenLink_IsHiddenByItsOwnName()
    {
        Fs.File.CreateSymbolicLink(P("/.hidden"), "f.txt");
        Fs.File.WriteAllText(P("/.secret"), "x");
        Fs.File.CreateSymbolicLink(P("/shown"), ".secret");
        Fs.File.GetAttributes(P("/.hidden")).Should().Be(FileAttributes.ReparsePoint | FileAttributes.Hidden);
        Fs.File.GetAttributes(P("/shown")).Should().Be(FileAttributes.ReparsePoint);
        Fs.FileInfo.New(P("/.hidden")).Attributes.Should().Be(FileAttributes.ReparsePoint | FileAttributes.Hidden);
    }

    [Fact]
    public void GetAttributes_OfALinkToALinkToADirectory_IsADirectoryReparsePoint()
    {
        Fs.File.CreateSymbolicLink(P("/dirlink2"), "dirlink");
        Fs.File.GetAttributes(P("/dirlink2")).Should().Be(FileAttributes.Directory | FileAttributes.ReparsePoint);
        Fs.FileInfo.New(P("/dirlink2")).Attributes.Should().Be(FileAttributes.Directory | FileAttributes.ReparsePoint);
    }

    [Fact]
    public void GetAttributes_OfALinkInALinkedDirectory_IsAReparsePoint()
    {
        Fs.File.CreateSymbolicLink(P("/d/la"), "a.txt");
        Fs.File.GetAttributes(P("/dirlink/la")).Should().Be(FileAttributes.ReparsePoint);
        Fs.File.GetAttributes(P("/dirlink/a.txt")).Should().Be(FileAttributes.Normal);
    }

    [Fact]
    public void FileInfoAttributes_OfADanglingLink_IsAReparsePoint() =>
        Fs.FileInfo.New(P("/dangling")).Attributes.Should().Be(FileAttributes.ReparsePoint);

    // ---- Unix modes

    [Fact]
    public void FileSetUnixFileMode_ThroughALinkToADirectory_SetsTheDirectorys()
    {
        Fs.File.SetUnixFileMode(P("/dirlink"), M0555);
        Fs.File.GetUnixFileMode(P("/d")).Should().Be(M0555);
        Fs.File.GetUnixFileMode(P("/dirlink")).Should().Be(M0555);
    }

    [Fact]
    public void FileSetUnixFileMode_ThroughALinkToALink_SetsTheFinalTargets()
    {
        Fs.File.CreateSymbolicLink(P("/d/twice"), "../link");
        Fs.File.SetUnixFileMode(P("/d/twice"), M0755);
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(M0755);
    }

    [Fact]
    public void FileSetUnixFileMode_OfADanglingLink_ThrowsFileNotFound() =>
        Of(() => Fs.File.SetUnixFileMode(P("/dangling"), M0644)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void FileInfoUnixFileMode_SetThroughALink_SetsTheTargets()
    {
        SetModeOf(Fs.FileInfo.New(P("/link")), M0444);
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(M0444);
        ModeOf(Fs.FileInfo.New(P("/link"))).Should().Be(M0444);
    }

    [Fact]
    public void FileInfoUnixFileMode_OfADanglingLink_IsNoMode() =>
        ModeOf(Fs.FileInfo.New(P("/dangling"))).Should().Be((UnixFileMode)(-1));

    // ---- Times: a link's own, never its target's

    [Theory]
    [InlineData("File.SetLastWriteTime", true, false)]
    [InlineData("File.SetLastWriteTimeUtc", true, false)]
    [InlineData("File.SetLastAccessTime", false, true)]
    [InlineData("File.SetLastAccessTimeUtc", false, true)]
    [InlineData("File.SetCreationTime", true, false)]
    [InlineData("File.SetCreationTimeUtc", true, false)]
    [InlineData("FileInfo.LastWriteTime", true, false)]
    [InlineData("FileInfo.LastWriteTimeUtc", true, false)]
    [InlineData("FileInfo.LastAccessTime", false, true)]
    [InlineData("FileInfo.LastAccessTimeUtc", false, true)]
    [InlineData("FileInfo.CreationTime", true, false)]
    [InlineData("FileInfo.CreationTimeUtc", true, false)]
    public void ATimeSetter_ThroughALink_SetsTheLinksOwnTimes(string setter, bool setsWriteTime, bool setsAccessTime)
    {
        SetTime(setter, "/link", _soon);
        (Fs.File.GetLastWriteTimeUtc(P("/link")) == _soon).Should().Be(setsWriteTime);
        (Fs.File.GetLastAccessTimeUtc(P("/link")) == _soon).Should().Be(setsAccessTime);
        Fs.File.GetLastWriteTimeUtc(P("/f.txt")).Should().Be(ConformanceSeed.FileTime);
        Fs.File.GetLastAccessTimeUtc(P("/f.txt")).Should().NotBe(_soon);
    }

    [Theory]
    [InlineData("File.SetLastWriteTimeUtc")]
    [InlineData("File.SetLastAccessTimeUtc")]
    [InlineData("File.SetCreationTimeUtc")]
    [InlineData("FileInfo.LastWriteTimeUtc")]
    [InlineData("FileInfo.LastAccessTimeUtc")]
    [InlineData("FileInfo.CreationTimeUtc")]
    public void ATimeSetter_ThroughALinkToADirectory_LeavesTheDirectorysTimes(string setter)
    {
        SetTime(setter, "/dirlink", _soon);
        Fs.Directory.GetLastWriteTimeUtc(P("/d")).Should().Be(ConformanceSeed.DirectoryTime);
        Fs.Directory.GetLastAccessTimeUtc(P("/d")).Should().NotBe(_soon);
    }

    [Theory]
    [InlineData("File.SetLastWriteTimeUtc")]
    [InlineData("File.SetLastAccessTimeUtc")]
    [InlineData("File.SetCreationTimeUtc")]
    [InlineData("FileInfo.LastWriteTimeUtc")]
    [InlineData("FileInfo.LastAccessTimeUtc")]
    [InlineData("FileInfo.CreationTimeUtc")]
    public void ATimeSetter_OnADanglingLink_Succeeds(string setter)
    {
        Of(() => SetTime(setter, "/dangling", Then)).Should().Be("ok");
        Fs.File.Exists(P("/dangling")).Should().BeTrue();
    }

    [Fact]
    public void FileInfoLastWriteTimeUtc_OfALink_IsTheLinksOwn()
    {
        Fs.File.SetLastWriteTimeUtc(P("/link"), Then);
        Fs.FileInfo.New(P("/link")).LastWriteTimeUtc.Should().Be(Then);
        Fs.FileInfo.New(P("/f.txt")).LastWriteTimeUtc.Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void AccessTimeOfALink_SetInThePastThenFollowed_IsStampedOnTheDiskAndOnHostLayersAndKeptOnMemoryLayers()
    {
        // An intended difference (docs/conformance.md): a MemoryLayer stamps no access time on a
        // read or a follow, where the disk stamps one under relatime; a host layer's own files
        // follow the disk's rule.
        var start = DateTime.UtcNow.AddSeconds(-2);
        Fs.File.SetLastAccessTimeUtc(P("/link"), Then);
        Fs.File.ReadAllText(P("/link")).Should().Be("hello world");
        var atime = Fs.File.GetLastAccessTimeUtc(P("/link"));
        if (Target is ConformanceTarget.MemoryUpper or ConformanceTarget.MemoryLowers)
        {
            atime.Should().Be(Then);
        }
        else
        {
            atime.Should().BeOnOrAfter(start);
        }
    }

    // ---- ResolveLinkTarget

    [Theory]
    [InlineData(false, "/link")]
    [InlineData(true, "/f.txt")]
    public void FileInfoResolveLinkTarget_OfALinkToALink_StopsWhereAsked(bool returnFinalTarget, string expected)
    {
        Fs.File.CreateSymbolicLink(P("/link2"), "link");
        var target = Fs.FileInfo.New(P("/link2")).ResolveLinkTarget(returnFinalTarget)!;
        target.Should().BeAssignableTo<IFileInfo>();
        U(target.FullName).Should().Be(expected);
        target.Exists.Should().BeTrue();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FileInfoResolveLinkTarget_OfAFile_IsNull(bool returnFinalTarget) =>
        Fs.FileInfo.New(P("/f.txt")).ResolveLinkTarget(returnFinalTarget).Should().BeNull();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FileInfoResolveLinkTarget_OfADanglingLink_ReturnsTheMissingTarget(bool returnFinalTarget)
    {
        var target = Fs.FileInfo.New(P("/dangling")).ResolveLinkTarget(returnFinalTarget)!;
        U(target.FullName).Should().Be("/missing");
        target.Exists.Should().BeFalse();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FileInfoResolveLinkTarget_OfAMissingName_ThrowsFileNotFound(bool returnFinalTarget) =>
        Of(() => Fs.FileInfo.New(P("/nope")).ResolveLinkTarget(returnFinalTarget)).Should().Be(Outcome.FileNotFound);

    [Theory]
    [InlineData(false, "/f.txt")]
    [InlineData(true, "/f.txt")]
    public void FileResolveLinkTarget_OfAnUpwardRelativeLink_ResolvesFromTheLinksDirectory(bool returnFinalTarget, string expected)
    {
        Fs.File.CreateSymbolicLink(P("/d/sub/up"), "../../f.txt");
        U(Fs.File.ResolveLinkTarget(P("/d/sub/up"), returnFinalTarget)!.FullName).Should().Be(expected);
        U(Fs.FileInfo.New(P("/d/sub/up")).ResolveLinkTarget(returnFinalTarget)!.FullName).Should().Be(expected);
    }

    [Theory]
    [InlineData(false, "/dirlink/a.txt")]
    [InlineData(true, "/dirlink/a.txt")]
    public void FileResolveLinkTarget_OfALinkInALinkedDirectory_KeepsThePathItWasReachedBy(bool returnFinalTarget, string expected)
    {
        Fs.File.CreateSymbolicLink(P("/d/la"), "a.txt");
        U(Fs.File.ResolveLinkTarget(P("/dirlink/la"), returnFinalTarget)!.FullName).Should().Be(expected);
        U(Fs.FileInfo.New(P("/dirlink/la")).ResolveLinkTarget(returnFinalTarget)!.FullName).Should().Be(expected);
    }

    [Theory]
    [InlineData(false, "/d")]
    [InlineData(true, "/d")]
    public void FileResolveLinkTarget_OfALinkToADirectory_ReturnsAFileInfo(bool returnFinalTarget, string expected)
    {
        var target = Fs.File.ResolveLinkTarget(P("/dirlink"), returnFinalTarget)!;
        U(target.FullName).Should().Be(expected);
        target.Should().BeAssignableTo<IFileInfo>();
        target.Exists.Should().BeFalse();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FileInfoResolveLinkTarget_OfALinkCycle_OneLevelReturnsTheNextLinkAndFinalThrows(bool returnFinalTarget)
    {
        Fs.File.CreateSymbolicLink(P("/loop1"), "loop2");
        Fs.File.CreateSymbolicLink(P("/loop2"), "loop1");
        Of(() => Fs.FileInfo.New(P("/loop1")).ResolveLinkTarget(returnFinalTarget)?.FullName)
            .Should().Be(returnFinalTarget ? Outcome.PlainIo : "ok: '/loop2'");
    }

    private void SetTime(string setter, string path, DateTime utc)
    {
        string p = P(path);
        var local = utc.ToLocalTime();
        switch (setter)
        {
            case "File.SetLastWriteTime": Fs.File.SetLastWriteTime(p, local); break;
            case "File.SetLastWriteTimeUtc": Fs.File.SetLastWriteTimeUtc(p, utc); break;
            case "File.SetLastAccessTime": Fs.File.SetLastAccessTime(p, local); break;
            case "File.SetLastAccessTimeUtc": Fs.File.SetLastAccessTimeUtc(p, utc); break;
            case "File.SetCreationTime": Fs.File.SetCreationTime(p, local); break;
            case "File.SetCreationTimeUtc": Fs.File.SetCreationTimeUtc(p, utc); break;
            case "FileInfo.LastWriteTime": Fs.FileInfo.New(p).LastWriteTime = local; break;
            case "FileInfo.LastWriteTimeUtc": Fs.FileInfo.New(p).LastWriteTimeUtc = utc; break;
            case "FileInfo.LastAccessTime": Fs.FileInfo.New(p).LastAccessTime = local; break;
            case "FileInfo.LastAccessTimeUtc": Fs.FileInfo.New(p).LastAccessTimeUtc = utc; break;
            case "FileInfo.CreationTime": Fs.FileInfo.New(p).CreationTime = local; break;
            case "FileInfo.CreationTimeUtc": Fs.FileInfo.New(p).CreationTimeUtc = utc; break;
            default: throw new ArgumentOutOfRangeException(nameof(setter), setter, "no such setter");
        }
    }
}
