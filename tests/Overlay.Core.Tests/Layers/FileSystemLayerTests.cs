using System.IO.Abstractions.TestingHelpers;
using Overlay.Layers;

namespace Overlay.Tests.Layers;

/// <summary>
/// A layer in a directory of any <see cref="System.IO.Abstractions.IFileSystem"/> (here a
/// <see cref="MockFileSystem"/>): the OCI whiteout form decoded and written, the plain form, the
/// reserved names, and the checks made when a layer becomes an upper.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Disk")]
public sealed class FileSystemLayerTests
{
    private static readonly DateTime Old = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly MockFileSystem _disk = new();

    public FileSystemLayerTests()
    {
        // bottom: /etc/hosts, /etc/gone, /dir/old ; top (OCI): whiteout of /etc/gone, /dir opaque with /dir/new
        _disk.Directory.CreateDirectory("/bottom/etc");
        _disk.File.WriteAllText("/bottom/etc/hosts", "hosts");
        _disk.File.WriteAllText("/bottom/etc/gone", "gone");
        _disk.Directory.CreateDirectory("/bottom/dir");
        _disk.File.WriteAllText("/bottom/dir/old", "old");
        _disk.Directory.CreateDirectory("/top/etc");
        _disk.File.WriteAllText("/top/etc/.wh.gone", string.Empty);
        _disk.Directory.CreateDirectory("/top/dir");
        _disk.File.WriteAllText("/top/dir/.wh..wh..opq", string.Empty);
        _disk.File.WriteAllText("/top/dir/new", "new");
        _disk.Directory.CreateDirectory("/work");
    }

    private FileSystemLayer Top(WhiteoutForm form = WhiteoutForm.Oci) =>
        new(_disk, "/top", new FileSystemLayerOptions { Name = "top", WhiteoutForm = form });

    private FileSystemLayer Bottom() => new(_disk, "/bottom", new FileSystemLayerOptions { Name = "bottom" });

    private FileSystemLayer NewUpper()
    {
        _disk.Directory.CreateDirectory("/upper");
        return new FileSystemLayer(_disk, "/upper", new FileSystemLayerOptions { Name = "upper", WorkDirectory = "/work" });
    }

    [Fact]
    public void TryGetEntry_OfAnOciWhiteoutFile_ReportsAWhiteoutUnderTheHiddenName()
    {
        Top().TryGetEntry("/etc/gone", out var entry).Should().BeTrue();

        entry.Kind.Should().Be(LayerEntryKind.Whiteout);
        entry.Name.Should().Be("gone");
    }

    [Fact]
    public void ListDirectory_OfAnOciLayer_DecodesWhiteoutsAndHidesTheMarkers()
    {
        var top = Top();

        top.ListDirectory("/etc").Select(e => (e.Name, e.Kind)).Should().Equal(("gone", LayerEntryKind.Whiteout));
        top.ListDirectory("/dir").Select(e => e.Name).Should().Equal("new");
        top.TryGetEntry("/dir", out var dir).Should().BeTrue();
        dir.IsOpaque.Should().BeTrue();
        top.TryGetEntry("/etc", out var etc).Should().BeTrue();
        etc.IsOpaque.Should().BeFalse();
    }

    [Fact]
    public void TryGetEntry_OfAReservedName_InTheOciForm_FindsNothing()
    {
        var top = Top();

        top.TryGetEntry("/etc/.wh.gone", out _).Should().BeFalse();
        top.TryGetEntry("/dir/.wh..wh..opq", out _).Should().BeFalse();
    }

    [Fact]
    public void ThePlainForm_ShowsWhiteoutFilesAsOrdinaryFiles()
    {
        var top = Top(WhiteoutForm.None);

        top.ListDirectory("/etc").Select(e => (e.Name, e.Kind)).Should().Equal((".wh.gone", LayerEntryKind.File));
        top.TryGetEntry("/dir", out var dir).Should().BeTrue();
        dir.IsOpaque.Should().BeFalse();
    }

    [Fact]
    public void AnOverlayOfOciLayers_MergesWithWhiteoutsAndOpaqueDirectories()
    {
        var overlay = new OverlayFileSystem([Top(), Bottom()], null);

        overlay.Directory.GetFileSystemEntries("/etc").Should().Equal("/etc/hosts");
        overlay.Directory.GetFileSystemEntries("/dir").Should().Equal("/dir/new");
        overlay.File.ReadAllText("/etc/hosts").Should().Be("hosts");
    }

    [Fact]
    public void AnOverlayOfPlainLayers_ShowsTheMarkersAsFiles()
    {
        var overlay = new OverlayFileSystem([Top(WhiteoutForm.None), Bottom()], null);

        overlay.Directory.GetFileSystemEntries("/etc").Order(StringComparer.Ordinal).Should().Equal("/etc/.wh.gone", "/etc/gone", "/etc/hosts");
        overlay.Directory.GetFileSystemEntries("/dir").Order(StringComparer.Ordinal).Should().Equal("/dir/.wh..wh..opq", "/dir/new", "/dir/old");
    }

    [Fact]
    public void ANameStoredBothAsObjectAndWhiteout_IsTheObject()
    {
        _disk.File.WriteAllText("/top/etc/gone", "back");

        Top().TryGetEntry("/etc/gone", out var entry).Should().BeTrue();
        entry.Kind.Should().Be(LayerEntryKind.File);
        Top().ListDirectory("/etc").Select(e => (e.Name, e.Kind)).Should().Equal(("gone", LayerEntryKind.File));
    }

    [Fact]
    public void Delete_OfALowerName_WritesAnOciWhiteoutFileInTheUpper()
    {
        var upper = NewUpper();
        var overlay = new OverlayFileSystem([Bottom()], upper);

        overlay.File.Delete("/etc/hosts");

        _disk.File.Exists("/upper/etc/.wh.hosts").Should().BeTrue();
        _disk.File.Exists("/upper/etc/hosts").Should().BeFalse();
        overlay.File.Exists("/etc/hosts").Should().BeFalse();
        _disk.File.ReadAllText("/bottom/etc/hosts").Should().Be("hosts");
    }

    [Fact]
    public void RecreatingAWhitedOutDirectory_MakesItOpaqueWithTheMarkerAndRemovesTheWhiteout()
    {
        var upper = NewUpper();
        var overlay = new OverlayFileSystem([Bottom()], upper);

        overlay.Directory.Delete("/dir", recursive: true);
        _disk.File.Exists("/upper/.wh.dir").Should().BeTrue();
        overlay.Directory.CreateDirectory("/dir");

        _disk.File.Exists("/upper/.wh.dir").Should().BeFalse();
        _disk.File.Exists("/upper/dir/.wh..wh..opq").Should().BeTrue();
        overlay.Directory.GetFileSystemEntries("/dir").Should().BeEmpty();
    }

    [Fact]
    public void CreatingAFileOverAWhiteout_RemovesTheWhiteoutFile()
    {
        var upper = NewUpper();
        var overlay = new OverlayFileSystem([Bottom()], upper);
        overlay.File.Delete("/etc/gone");

        overlay.File.WriteAllText("/etc/gone", "again");

        _disk.File.Exists("/upper/etc/.wh.gone").Should().BeFalse();
        _disk.File.ReadAllText("/upper/etc/gone").Should().Be("again");
    }

    [Fact]
    public void Writing_AReservedName_InAnOciUpper_FailsNamingTheReasonAndLeavesNothing()
    {
        var upper = NewUpper();
        var overlay = new OverlayFileSystem([Bottom()], upper);

        var act = () => overlay.File.WriteAllText("/.wh.x", "x");

        act.Should().Throw<IOException>().WithMessage("*'.wh.x'*reserves names starting with '.wh.'*");
        _disk.Directory.GetFileSystemEntries("/upper").Should().BeEmpty();
        _disk.Directory.GetFileSystemEntries("/work/work").Should().BeEmpty();
    }

    [Fact]
    public void CopyUp_KeepsModeAndTimes_AndLeavesTheWorkAreaEmpty()
    {
        _disk.File.SetUnixFileMode("/bottom/etc/hosts", (UnixFileMode)0b110_000_000);
        _disk.File.SetLastWriteTimeUtc("/bottom/etc/hosts", Old);
        var upper = NewUpper();
        var overlay = new OverlayFileSystem([Bottom()], upper);

        overlay.File.SetLastAccessTimeUtc("/etc/hosts", Old);

        _disk.File.GetUnixFileMode("/upper/etc/hosts").Should().Be((UnixFileMode)0b110_000_000);
        _disk.File.GetLastWriteTimeUtc("/upper/etc/hosts").Should().Be(Old);
        _disk.File.ReadAllText("/upper/etc/hosts").Should().Be("hosts");
        _disk.Directory.GetFileSystemEntries("/work/work").Should().BeEmpty();
        upper.StagedCount.Should().Be(0);
    }

    [Fact]
    public void AnotherOverlay_CanBeALayer()
    {
        var inner = new OverlayFileSystem([Top(), Bottom()], null);
        var layer = new FileSystemLayer(inner, "/", new FileSystemLayerOptions { Name = "inner", WhiteoutForm = WhiteoutForm.None });
        var upper = NewUpper();
        var outer = new OverlayFileSystem([layer], upper);

        outer.File.AppendAllText("/etc/hosts", "+outer");

        outer.File.ReadAllText("/etc/hosts").Should().Be("hosts+outer");
        inner.File.ReadAllText("/etc/hosts").Should().Be("hosts");
        outer.Directory.GetFileSystemEntries("/dir").Should().Equal("/dir/new");
    }

    [Fact]
    public void ALayerWithoutWorkDirectory_CannotBeAnUpper()
    {
        var act = () => new OverlayFileSystem([Bottom()], Top());

        act.Should().Throw<ArgumentException>().WithMessage("*no work directory*");
    }

    [Fact]
    public void APlainLayer_CannotBeAnUpper()
    {
        _disk.Directory.CreateDirectory("/upper");
        var plain = new FileSystemLayer(_disk, "/upper", new FileSystemLayerOptions { WhiteoutForm = WhiteoutForm.None, WorkDirectory = "/work" });

        var act = () => new OverlayFileSystem([Bottom()], plain);

        act.Should().Throw<ArgumentException>().WithMessage("*stores no whiteouts*");
    }

    [Theory]
    [InlineData("/upper/work")]
    [InlineData("/upper")]
    [InlineData("/")]
    public void AWorkDirectoryOverlappingTheRoot_IsRefused(string work)
    {
        _disk.Directory.CreateDirectory("/upper");

        var act = () => new FileSystemLayer(_disk, "/upper", new FileSystemLayerOptions { WorkDirectory = work });

        act.Should().Throw<ArgumentException>().WithMessage("*must not be inside each other*");
    }

    [Fact]
    public void AnUpperInsideALower_IsRefused()
    {
        _disk.Directory.CreateDirectory("/bottom/upper");
        var upper = new FileSystemLayer(_disk, "/bottom/upper", new FileSystemLayerOptions { WorkDirectory = "/work" });

        var act = () => new OverlayFileSystem([Bottom()], upper);

        act.Should().Throw<ArgumentException>().WithMessage("*overlap*");
    }

    [Fact]
    public void AMissingRoot_ThrowsDirectoryNotFound()
    {
        var act = () => new FileSystemLayer(_disk, "/nowhere");

        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*/nowhere*");
    }

    [Fact]
    public void OpeningAnUpper_EmptiesWhatAnInterruptedOverlayLeftInTheWorkArea()
    {
        _disk.Directory.CreateDirectory("/work/work/#1/deep");
        _disk.File.WriteAllText("/work/work/#2", "half a copy-up");
        _disk.File.WriteAllText("/work/keep", "not ours");

        NewUpper();

        _disk.Directory.GetFileSystemEntries("/work/work").Should().BeEmpty();
        _disk.File.Exists("/work/keep").Should().BeTrue();
    }
}
