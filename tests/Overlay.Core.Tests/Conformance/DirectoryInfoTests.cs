using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>IDirectoryInfo: properties, Refresh semantics, Parent/Root, Create/CreateSubdirectory/Delete/MoveTo, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class DirectoryInfoTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void Properties_OfASeededDirectory()
    {
        var info = Fs.DirectoryInfo.New(P("/d/sub"));
        info.Exists.Should().BeTrue();
        info.Name.Should().Be("sub");
        U(info.FullName).Should().Be("/d/sub");
        U(info.Parent!.FullName).Should().Be("/d");
        info.Root.FullName.Should().Be("/");
        info.Attributes.Should().Be(FileAttributes.Directory);
        info.LastWriteTimeUtc.Should().Be(ConformanceSeed.DirectoryTime);
        ModeOf(info).Should().Be((UnixFileMode)0b111_101_000);
        info.Extension.Should().BeEmpty();
    }

    [Fact]
    public void Properties_OfAMissingDirectory()
    {
        var info = Fs.DirectoryInfo.New(P("/nope"));
        info.Exists.Should().BeFalse();
        info.Attributes.Should().Be((FileAttributes)(-1));
        info.LastWriteTimeUtc.Should().Be(DateTime.FromFileTimeUtc(0));
    }

    [Fact]
    public void Exists_OfAFile_IsFalse() => Fs.DirectoryInfo.New(P("/f.txt")).Exists.Should().BeFalse();

    [Fact]
    public void Exists_IsCachedUntilRefresh()
    {
        var info = Fs.DirectoryInfo.New(P("/empty"));
        info.Exists.Should().BeTrue();
        Fs.Directory.Delete(P("/empty"));
        info.Exists.Should().BeTrue();
        info.Refresh();
        info.Exists.Should().BeFalse();
    }

    [Fact]
    public void Name_WithATrailingSlash_IsTheLastComponent()
    {
        var info = Fs.DirectoryInfo.New(P("/d/sub/"));
        info.Name.Should().Be("sub");
        U(info.FullName).Should().Be("/d/sub/");
        U(info.Parent!.FullName).Should().Be("/d");
    }

    [Fact]
    public void Root_OfTheRoot_HasNoParent()
    {
        var root = Fs.DirectoryInfo.New("/");
        root.Parent.Should().BeNull();
        root.Name.Should().Be("/");
        root.FullName.Should().Be("/");
    }

    [Fact]
    public void Create_MakesTheDirectoryAndRefreshes()
    {
        var info = Fs.DirectoryInfo.New(P("/made/deep"));
        info.Exists.Should().BeFalse();
        info.Create();
        info.Exists.Should().BeTrue();
    }

    [Fact]
    public void Create_OverAFile_ThrowsEExist() =>
        Of(() => Fs.DirectoryInfo.New(P("/f.txt")).Create()).Should().Be(Outcome.Io(17));

    [Fact]
    public void CreateSubdirectory_ReturnsTheChild()
    {
        var child = Fs.DirectoryInfo.New(P("/empty")).CreateSubdirectory("x/y");
        U(child.FullName).Should().Be("/empty/x/y");
        child.Exists.Should().BeTrue();
    }

    [Fact]
    public void CreateSubdirectory_OutsideTheDirectory_ThrowsArgument() =>
        Of(() => Fs.DirectoryInfo.New(P("/empty")).CreateSubdirectory("../out")).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void CreateSubdirectory_Rooted_ThrowsArgument() =>
        Of(() => Fs.DirectoryInfo.New(P("/empty")).CreateSubdirectory("/abs")).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void Delete_OfANonEmptyDirectory_ThrowsENotEmpty() =>
        Of(() => Fs.DirectoryInfo.New(P("/d")).Delete()).Should().Be(Outcome.Io(39));

    [Fact]
    public void Delete_Recursive_RemovesAndRefreshes()
    {
        var info = Fs.DirectoryInfo.New(P("/d"));
        info.Exists.Should().BeTrue();
        info.Delete(true);
        info.Exists.Should().BeFalse();
        Fs.Directory.Exists(P("/d")).Should().BeFalse();
    }

    [Fact]
    public void MoveTo_MovesAndUpdatesTheInfo()
    {
        var info = Fs.DirectoryInfo.New(P("/d/sub"));
        info.MoveTo(P("/moved"));
        U(info.FullName).Should().Be("/moved/");
        info.Name.Should().Be("moved");
        info.Exists.Should().BeTrue();
        Fs.File.Exists(P("/moved/deep/e.txt")).Should().BeTrue();
    }

    [Fact]
    public void MoveTo_OntoAnExistingDirectory_ThrowsIOException() =>
        Of(() => Fs.DirectoryInfo.New(P("/d/sub")).MoveTo(P("/empty"))).Should().Be(Outcome.PlainIo);

    [Fact]
    public void Attributes_Set_ReadOnly_ClearsTheWriteBits()
    {
        var info = Fs.DirectoryInfo.New(P("/empty"));
        info.Attributes = FileAttributes.Directory | FileAttributes.ReadOnly;
        Fs.File.GetUnixFileMode(P("/empty")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        new DirectoryInfoRefresher(info).Refreshed().Should().Be(FileAttributes.Directory | FileAttributes.ReadOnly);
    }

    [Fact]
    public void Times_Set_ChangeTheDirectory()
    {
        var then = new DateTime(2016, 6, 6, 6, 6, 6, DateTimeKind.Utc);
        var info = Fs.DirectoryInfo.New(P("/empty"));
        info.LastWriteTimeUtc = then;
        info.LastAccessTimeUtc = then;
        Fs.Directory.GetLastWriteTimeUtc(P("/empty")).Should().Be(then);
        Fs.Directory.GetLastAccessTimeUtc(P("/empty")).Should().Be(then);
    }

    [Fact]
    public void EnumerateFiles_OfAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.DirectoryInfo.New(P("/nope")).EnumerateFiles().ToList()).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void GetFileSystemInfos_ReturnsInfosWithTheirState()
    {
        var infos = Fs.DirectoryInfo.New(P("/")).GetFileSystemInfos().ToDictionary(i => i.Name);
        infos["d"].Attributes.Should().Be(FileAttributes.Directory);
        infos["link"].Attributes.Should().Be(FileAttributes.ReparsePoint);
        infos["dirlink"].Attributes.Should().Be(FileAttributes.Directory | FileAttributes.ReparsePoint);
        infos["ro.txt"].Attributes.Should().Be(FileAttributes.ReadOnly);
        infos["f.txt"].Should().BeAssignableTo<System.IO.Abstractions.IFileInfo>().Which.Length.Should().Be(11);
        infos["f.txt"].LastWriteTimeUtc.Should().Be(ConformanceSeed.FileTime);
    }

    [Fact]
    public void EnumerateDirectories_WithAPattern_Filters() =>
        Fs.DirectoryInfo.New(P("/")).EnumerateDirectories("d*").Select(i => i.Name).Order(StringComparer.Ordinal).Should().Equal("d", "dirlink");

    [Fact]
    public void EnumerateFiles_WithOptions_Recurses() =>
        Fs.DirectoryInfo.New(P("/d")).EnumerateFiles("*.txt", new EnumerationOptions { RecurseSubdirectories = true }).Select(i => i.Name).Order(StringComparer.Ordinal).Should().Equal("a.txt", "c.txt", "e.txt");

    [Fact]
    public void EnumerateFileSystemInfos_WithASearchOption_Recurses() =>
        Fs.DirectoryInfo.New(P("/d/sub")).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Select(i => U(i.FullName)).Order(StringComparer.Ordinal).Should().Equal("/d/sub/c.txt", "/d/sub/deep", "/d/sub/deep/e.txt");

    [Fact]
    public void New_OfEmpty_ThrowsArgument() =>
        Of(() => Fs.DirectoryInfo.New(string.Empty)).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void ToString_IsThePathAsGiven() =>
        U(Fs.DirectoryInfo.New(P("/d/./sub")).ToString()).Should().Be("/d/./sub");

    private sealed class DirectoryInfoRefresher(System.IO.Abstractions.IDirectoryInfo info)
    {
        public FileAttributes Refreshed()
        {
            info.Refresh();
            return info.Attributes;
        }
    }
}
