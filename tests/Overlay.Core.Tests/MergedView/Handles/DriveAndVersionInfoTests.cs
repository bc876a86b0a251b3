using System.Runtime.Versioning;
using System.Diagnostics;
using Overlay.Layers;

namespace Overlay.Tests.MergedView.Handles;

/// <summary>The overlay as one drive, and FileVersionInfo of merged files.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class DriveAndVersionInfoTests : IDisposable
{
    private readonly HostOverlay _host = new();

    private static OverlayFileSystem InMemory() => new(new MemoryLayer("upper"), new MemoryLayer("lower"));

    [Fact]
    public void GetDrives_IsOneOverlayDriveAtTheRoot()
    {
        var drives = _host.Overlay.DriveInfo.GetDrives();
        drives.Should().ContainSingle();
        var drive = drives[0];
        drive.Name.Should().Be("/");
        drive.RootDirectory.FullName.Should().Be("/");
        drive.DriveFormat.Should().Be("overlay");
        drive.DriveType.Should().Be(DriveType.Fixed);
        drive.IsReady.Should().BeTrue();
        drive.VolumeLabel.Should().Be("/");
    }

    [Fact]
    public void Sizes_OnAHostUpper_AreThoseOfTheUppersFileSystem()
    {
        var drive = _host.Overlay.DriveInfo.New("/");
        var disk = new DriveInfo(_host.UpperRoot);
        drive.TotalSize.Should().Be(disk.TotalSize);
        drive.TotalSize.Should().BeGreaterThan(0);
        drive.AvailableFreeSpace.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(drive.TotalSize);
        drive.TotalFreeSpace.Should().BeGreaterThanOrEqualTo(drive.AvailableFreeSpace - (1L << 30));
    }

    [Fact]
    public void Sizes_OnAnInMemoryUpper_AreTheMemoryTheRuntimeMayUse()
    {
        var drive = InMemory().DriveInfo.New("/");
        drive.DriveType.Should().Be(DriveType.Ram);
        drive.TotalSize.Should().Be(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        drive.AvailableFreeSpace.Should().BeInRange(1, drive.TotalSize);
    }

    [Fact]
    public void Sizes_OfAReadOnlyOverlay_HaveNoFreeSpace()
    {
        var drive = new OverlayFileSystem((IWritableLayer?)null, new MemoryLayer("lower")).DriveInfo.New("/");
        drive.TotalFreeSpace.Should().Be(0);
        drive.AvailableFreeSpace.Should().Be(0);
    }

    [Fact]
    public void VolumeLabel_Set_ThrowsPlatformNotSupportedAsOnLinux()
    {
        var drive = _host.Overlay.DriveInfo.New("/");
#pragma warning disable CA1416 // the setter is Windows-only in System.IO too: that is what is checked
        var set = () => drive.VolumeLabel = "label";
#pragma warning restore CA1416
        set.Should().Throw<PlatformNotSupportedException>();
    }

    [Fact]
    public void New_OfANameThatIsNoDirectory_IsNotReadyAndThrowsDriveNotFound()
    {
        var drive = _host.Overlay.DriveInfo.New("C:");
        drive.IsReady.Should().BeFalse();
        drive.DriveType.Should().Be(DriveType.NoRootDirectory);
        var size = () => drive.TotalSize;
        size.Should().Throw<DriveNotFoundException>().WithMessage("*'C:'*");
        var format = () => drive.DriveFormat;
        format.Should().Throw<DriveNotFoundException>();
    }

    [Fact]
    public void New_OfAnEmptyName_ThrowsArgumentException()
    {
        var create = () => _host.Overlay.DriveInfo.New(string.Empty);
        create.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("driveName");
    }

    [Fact]
    public void Wrap_OfTheHostRoot_IsTheOverlaysDrive()
    {
        _host.Overlay.DriveInfo.Wrap(new DriveInfo("/"))!.DriveFormat.Should().Be("overlay");
        _host.Overlay.DriveInfo.Wrap(null).Should().BeNull();
    }

    [Fact]
    public void GetVersionInfo_OfAnAssemblyInAnInMemoryLayer_MatchesSystemIOAndRemovesItsTemporaryFile()
    {
        string assembly = typeof(OverlayFileSystem).Assembly.Location;
        var overlay = InMemory();
        overlay.File.WriteAllBytes("/lib.dll", File.ReadAllBytes(assembly));
        int temporaries = TemporaryCopies();

        var info = overlay.FileVersionInfo.GetVersionInfo("/lib.dll");

        var expected = FileVersionInfo.GetVersionInfo(assembly);
        info.FileName.Should().Be("/lib.dll");
        info.FileVersion.Should().Be(expected.FileVersion).And.NotBeNullOrEmpty();
        info.ProductVersion.Should().Be(expected.ProductVersion);
        info.FileMajorPart.Should().Be(expected.FileMajorPart);
        info.OriginalFilename.Should().Be(expected.OriginalFilename);
        TemporaryCopies().Should().Be(temporaries);
    }

    [Fact]
    public void GetVersionInfo_OfAHostLowerFile_IsReadThroughTheLower()
    {
        string assembly = typeof(OverlayFileSystem).Assembly.Location;
        File.Copy(assembly, Path.Combine(_host.LowerRoot, "dir", "lib.dll"));
        _host.Overlay.InvalidateIndex();

        var info = _host.Overlay.FileVersionInfo.GetVersionInfo("/dir/lib.dll");

        info.FileName.Should().Be("/dir/lib.dll");
        info.FileVersion.Should().Be(FileVersionInfo.GetVersionInfo(assembly).FileVersion);
        File.Exists(Path.Combine(_host.UpperRoot, "dir", "lib.dll")).Should().BeFalse();
    }

    [Fact]
    public void GetVersionInfo_OfATextFile_HasNoVersionAsOnTheDisk()
    {
        var info = _host.Overlay.FileVersionInfo.GetVersionInfo("/lower.txt");
        info.FileName.Should().Be("/lower.txt");
        info.FileVersion.Should().BeNull();
        info.FileMajorPart.Should().Be(0);
    }

    [Theory]
    [InlineData("/missing.dll")]
    [InlineData("/dir")]
    public void GetVersionInfo_OfNoFile_ThrowsFileNotFoundNamingThePath(string path)
    {
        var read = () => InMemory().FileVersionInfo.GetVersionInfo(path);
        var thrown = () => _host.Overlay.FileVersionInfo.GetVersionInfo(path);
        read.Should().Throw<FileNotFoundException>().WithMessage(path == "/dir" ? "*" : path);
        thrown.Should().Throw<FileNotFoundException>().WithMessage(path);
    }

    private static int TemporaryCopies() => Directory.GetFiles(Path.GetTempPath(), "overlay-version-*").Length;

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}
