using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>IFileInfo: properties, the caching of Exists/Length/Attributes until Refresh, and the operations, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class FileInfoTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void Properties_OfASeededFile()
    {
        var info = Fs.FileInfo.New(P("/d/b.bin"));
        info.Exists.Should().BeTrue();
        info.Length.Should().Be(256);
        info.Name.Should().Be("b.bin");
        info.Extension.Should().Be(".bin");
        U(info.FullName).Should().Be("/d/b.bin");
        U(info.DirectoryName).Should().Be("/d");
        U(info.Directory!.FullName).Should().Be("/d");
        info.IsReadOnly.Should().BeFalse();
        info.Attributes.Should().Be(FileAttributes.Normal);
        info.LastWriteTimeUtc.Should().Be(ConformanceSeed.FileTime);
        ModeOf(info).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        info.LinkTarget.Should().BeNull();
    }

    [Fact]
    public void Properties_OfAMissingFile()
    {
        var info = Fs.FileInfo.New(P("/nope.txt"));
        info.Exists.Should().BeFalse();
        info.Name.Should().Be("nope.txt");
        info.Attributes.Should().Be((FileAttributes)(-1));
        info.LastWriteTimeUtc.Should().Be(DateTime.FromFileTimeUtc(0));
        Of(() => info.Length).Should().Be(Outcome.FileNotFound);
        info.IsReadOnly.Should().BeTrue();
    }

    [Fact]
    public void Length_OfADirectory_ThrowsFileNotFound() =>
        Of(() => Fs.FileInfo.New(P("/d")).Length).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Exists_OfADirectory_IsFalse() => Fs.FileInfo.New(P("/d")).Exists.Should().BeFalse();

    [Fact]
    public void Exists_IsCachedUntilRefresh()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        info.Exists.Should().BeTrue();
        Fs.File.Delete(P("/d/a.txt"));
        info.Exists.Should().BeTrue();
        info.Refresh();
        info.Exists.Should().BeFalse();
    }

    [Fact]
    public void Length_IsCachedUntilRefresh()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        info.Length.Should().Be(5);
        Fs.File.AppendAllText(P("/d/a.txt"), "12345");
        info.Length.Should().Be(5);
        info.Refresh();
        info.Length.Should().Be(10);
    }

    [Fact]
    public void NothingIsReadBeforeTheFirstQuery()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        Fs.File.AppendAllText(P("/d/a.txt"), "!");
        info.Length.Should().Be(6);
    }

    [Fact]
    public void Attributes_IsCachedUntilRefresh()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        info.Attributes.Should().Be(FileAttributes.Normal);
        Fs.File.SetAttributes(P("/d/a.txt"), FileAttributes.ReadOnly);
        info.Attributes.Should().Be(FileAttributes.Normal);
        info.Refresh();
        info.Attributes.Should().Be(FileAttributes.ReadOnly);
    }

    [Fact]
    public void SettingAttributes_ThroughTheInfo_RefreshesIt()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        info.Attributes = FileAttributes.ReadOnly;
        info.IsReadOnly.Should().BeTrue();
        Fs.File.GetAttributes(P("/d/a.txt")).Should().Be(FileAttributes.ReadOnly);
    }

    [Fact]
    public void IsReadOnly_Set_ChangesTheMode()
    {
        var info = Fs.FileInfo.New(P("/ro.txt"));
        info.IsReadOnly.Should().BeTrue();
        info.IsReadOnly = false;
        Fs.File.GetUnixFileMode(P("/ro.txt")).Should().HaveFlag(UnixFileMode.UserWrite);
    }

    [Fact]
    public void UnixFileMode_Set_ChangesTheMode()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        SetModeOf(info, UnixFileMode.UserExecute | UnixFileMode.UserRead);
        Fs.File.GetUnixFileMode(P("/d/a.txt")).Should().Be(UnixFileMode.UserExecute | UnixFileMode.UserRead);
    }

    [Fact]
    public void LastWriteTime_Set_ChangesTheFile()
    {
        var then = new DateTime(2015, 5, 5, 5, 5, 5, DateTimeKind.Utc);
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        info.LastWriteTimeUtc = then;
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(then);
        info.LastWriteTime.Should().Be(then.ToLocalTime());
    }

    [Fact]
    public void LastWriteTime_SetOnAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.FileInfo.New(P("/nope")).LastWriteTimeUtc = DateTime.UtcNow).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Create_MakesTheFileAndTheInfoKeepsItsCache()
    {
        var info = Fs.FileInfo.New(P("/empty/c"));
        info.Exists.Should().BeFalse();
        info.Create().Dispose();
        info.Exists.Should().BeTrue();
        Fs.File.Exists(P("/empty/c")).Should().BeTrue();
    }

    [Fact]
    public void Delete_RemovesTheFileAndRefreshesExists()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        info.Exists.Should().BeTrue();
        info.Delete();
        info.Exists.Should().BeFalse();
        Fs.File.Exists(P("/d/a.txt")).Should().BeFalse();
    }

    [Fact]
    public void MoveTo_MovesAndUpdatesTheInfo()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        info.MoveTo(P("/empty/a2.txt"));
        U(info.FullName).Should().Be("/empty/a2.txt");
        info.Name.Should().Be("a2.txt");
        info.Exists.Should().BeTrue();
        Fs.File.Exists(P("/d/a.txt")).Should().BeFalse();
    }

    [Fact]
    public void MoveTo_OntoAnExistingFile_ThrowsEExist() =>
        Of(() => Fs.FileInfo.New(P("/d/a.txt")).MoveTo(P("/f.txt"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void MoveTo_WithOverwrite_Replaces()
    {
        Fs.FileInfo.New(P("/d/a.txt")).MoveTo(P("/f.txt"), overwrite: true);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
    }

    [Fact]
    public void CopyTo_ReturnsTheCopyAndKeepsTheSourceInfo()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        var copy = info.CopyTo(P("/empty/copy.txt"));
        U(copy.FullName).Should().Be("/empty/copy.txt");
        copy.Length.Should().Be(5);
        U(info.FullName).Should().Be("/d/a.txt");
    }

    [Fact]
    public void CopyTo_OntoAnExistingFileWithoutOverwrite_ThrowsEExist() =>
        Of(() => Fs.FileInfo.New(P("/d/a.txt")).CopyTo(P("/f.txt"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void CopyTo_WithOverwrite_Replaces()
    {
        Fs.FileInfo.New(P("/d/a.txt")).CopyTo(P("/f.txt"), true);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
    }

    [Fact]
    public void Replace_ReturnsTheDestinationInfo()
    {
        var replaced = Fs.FileInfo.New(P("/d/a.txt")).Replace(P("/f.txt"), P("/f.bak"));
        U(replaced.FullName).Should().Be("/f.txt");
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("alpha");
        Fs.File.ReadAllText(P("/f.bak")).Should().Be("hello world");
    }

    [Fact]
    public void Replace_WithIgnoreMetadataErrors_Works()
    {
        Fs.FileInfo.New(P("/d/a.txt")).Replace(P("/f.txt"), null, true);
        Fs.File.Exists(P("/d/a.txt")).Should().BeFalse();
    }

    [Fact]
    public void OpenMembers_OpenStreams()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        using (var read = info.OpenRead())
        {
            read.CanWrite.Should().BeFalse();
        }

        using (var text = info.OpenText())
        {
            text.ReadToEnd().Should().Be("alpha");
        }

        using (var write = info.OpenWrite())
        {
            write.Write("A"u8);
        }

        using (var append = info.AppendText())
        {
            append.Write("!");
        }

        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("Alpha!");
        using (var created = info.CreateText())
        {
            created.Write("c");
        }

        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("c");
    }

    [Fact]
    public void Open_WithModeAccessShare_Opens()
    {
        var info = Fs.FileInfo.New(P("/d/a.txt"));
        using (var s = info.Open(FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            s.Length.Should().Be(5);
        }

        using (var s = info.Open(FileMode.Append))
        {
            s.Position.Should().Be(5);
        }

        using (var s = info.Open(new FileStreamOptions { Mode = FileMode.Truncate, Access = FileAccess.Write }))
        {
            s.Length.Should().Be(0);
        }
    }

    [Fact]
    public void Directory_OfAFileInTheRoot_IsTheRoot() =>
        U(Fs.FileInfo.New(P("/f.txt")).Directory!.FullName).Should().Be("/");

    [Fact]
    public void ToString_IsThePathAsGiven() =>
        U(Fs.FileInfo.New(P("/d/../f.txt")).ToString()).Should().Be("/d/../f.txt");

    [Fact]
    public void FullName_IsNormalised() =>
        U(Fs.FileInfo.New(P("/d/../f.txt")).FullName).Should().Be("/f.txt");

    [Fact]
    public void New_OfEmpty_ThrowsArgument() =>
        Of(() => Fs.FileInfo.New(string.Empty)).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void New_OfNull_ThrowsArgumentNull() =>
        Of(() => Fs.FileInfo.New(null!)).Should().Be("EX ArgumentNullException hr=0x80004003");

    [Fact]
    public void Wrap_OfNull_IsNull() => Fs.FileInfo.Wrap(null).Should().BeNull();

    [Fact]
    public void New_WithATrailingSlash_HasAnEmptyName()
    {
        var info = Fs.FileInfo.New(P("/d/"));
        info.Name.Should().BeEmpty();
        info.Exists.Should().BeFalse();
    }

    [Fact]
    public void Decrypt_AndEncrypt_AreNotSupportedOnLinux()
    {
#pragma warning disable CA1416 // Windows-only members: what they do elsewhere is under test.
        Of(() => Fs.FileInfo.New(P("/f.txt")).Encrypt()).Should().Be("EX PlatformNotSupportedException hr=0x80131539");
        Of(() => Fs.FileInfo.New(P("/f.txt")).Decrypt()).Should().Be("EX PlatformNotSupportedException hr=0x80131539");
#pragma warning restore CA1416
    }

    [Fact]
    public void LinkInfo_OfALink_ReportsTheLinksOwnLength()
    {
        var info = Fs.FileInfo.New(P("/link"));
        info.Exists.Should().BeTrue();
        info.Length.Should().Be("f.txt".Length);
        info.Attributes.Should().Be(FileAttributes.ReparsePoint);
    }
}
