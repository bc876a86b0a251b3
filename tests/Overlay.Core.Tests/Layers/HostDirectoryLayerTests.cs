using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Layers;

/// <summary>
/// Layers in directories of the real disk: containment (a layer's symbolic links never lead onto the
/// host), the work directory (same file system, held by one upper, leftovers cleaned), interrupted
/// copy-ups, access times of lower files, and modes of new files.
/// </summary>
[UnsupportedOSPlatform("windows")]
[Trait("Category", "Disk")]
public sealed class HostDirectoryLayerTests : IDisposable
{
    private static readonly DateTime Old = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "overlay-tests", "host-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _layers = [];
    private LayerSnapshot? _lowerBefore;

    public HostDirectoryLayerTests()
    {
        Directory.CreateDirectory(Lower);
        Directory.CreateDirectory(UpperDir);
        Directory.CreateDirectory(Path.Combine(Lower, "etc"));
        File.WriteAllText(Path.Combine(Lower, "etc", "passwd"), "layer-passwd");
        File.WriteAllText(Path.Combine(Lower, "top.txt"), "top");
        Directory.CreateDirectory(Path.Combine(Lower, "dir"));
        File.WriteAllText(Path.Combine(Lower, "dir", "nested.txt"), "nested");

        // What every root file system holds: links that would leave it if the host followed them.
        File.CreateSymbolicLink(Path.Combine(Lower, "hostetc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(Lower, "up"), "../../../../..");
        File.CreateSymbolicLink(Path.Combine(Lower, "lib"), "/usr/lib");
        File.CreateSymbolicLink(Path.Combine(Lower, "outside"), OutsideDir);
        Directory.CreateDirectory(OutsideDir);
        File.WriteAllText(Path.Combine(OutsideDir, "secret"), "host secret");
    }

    /// <summary>Takes the lower's snapshot once its test-specific content is written.</summary>
    private void SnapshotLower()
    {
        using var lower = new HostDirectoryLayer(Lower);
        _lowerBefore = LayerSnapshot.Capture(lower, AccessTimeCheck.None);
    }

    private string Lower => Path.Combine(_root, "lower");

    private string UpperDir => Path.Combine(_root, "upper");

    private string WorkDir => Path.Combine(_root, "work");

    private string OutsideDir => Path.Combine(_root, "outside");

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }

        try
        {
            // Lowers are never written: every test ends by checking it (content, mode, mtime,
            // names); access times are the subject of their own tests.
            if (_lowerBefore is not null)
            {
                using var lower = new HostDirectoryLayer(Lower);
                _lowerBefore.AssertUnchanged(lower);
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private HostDirectoryLayer OpenLower(string? path = null)
    {
        if (_lowerBefore is null)
        {
            SnapshotLower();
        }

        return Track(new HostDirectoryLayer(path ?? Lower, new HostDirectoryLayerOptions { Name = "lower" }));
    }

    private HostDirectoryLayer OpenUpper(string? work = null) =>
        Track(new HostDirectoryLayer(UpperDir, new HostDirectoryLayerOptions { Name = "upper", WorkDirectory = work ?? WorkDir, Durable = false }));

    private T Track<T>(T layer)
        where T : IDisposable
    {
        _layers.Add(layer);
        return layer;
    }

    private OverlayFileSystem NewOverlay() => new([OpenLower()], OpenUpper());

    private string[] UpperOnDisk() =>
        [.. Directory.EnumerateFileSystemEntries(UpperDir, "*", SearchOption.AllDirectories).Select(p => p[UpperDir.Length..]).Order(StringComparer.Ordinal)];

    private string[] WorkAreaOnDisk() => [.. Directory.EnumerateFileSystemEntries(Path.Combine(WorkDir, "work"))];

    // ---- Containment

    [Fact]
    public void AnAbsoluteLink_ResolvesInsideTheMergedView_NotOnTheHost()
    {
        var overlay = NewOverlay();

        overlay.File.ReadAllText("/hostetc/passwd").Should().Be("layer-passwd");
        overlay.File.Exists("/lib/os-release").Should().BeFalse("the host's /usr/lib is not the layer's");
    }

    [Fact]
    public void ARelativeLinkClimbingOut_StopsAtTheOverlayRoot()
    {
        var overlay = NewOverlay();

        overlay.File.ReadAllText("/up/etc/passwd").Should().Be("layer-passwd");
        overlay.Directory.GetFileSystemEntries("/up").Should().Contain("/up/top.txt");
    }

    [Fact]
    public void ALinkToAHostPath_NeverReadsTheHostFile()
    {
        var overlay = NewOverlay();

        var act = () => overlay.File.ReadAllText("/outside/secret");

        act.Should().Throw<DirectoryNotFoundException>();
    }

    [Fact]
    public void WritesThroughALinkToTheHost_LandInTheUpper()
    {
        var overlay = NewOverlay();
        string hostEtcBefore = string.Join(',', Directory.EnumerateFileSystemEntries("/etc").Order(StringComparer.Ordinal));

        overlay.File.WriteAllText("/hostetc/written-through-link", "x");
        overlay.File.AppendAllText("/hostetc/passwd", "+1");

        File.Exists("/etc/written-through-link").Should().BeFalse();
        string.Join(',', Directory.EnumerateFileSystemEntries("/etc").Order(StringComparer.Ordinal)).Should().Be(hostEtcBefore);
        File.ReadAllText(Path.Combine(UpperDir, "etc", "written-through-link")).Should().Be("x");
        File.ReadAllText(Path.Combine(UpperDir, "etc", "passwd")).Should().Be("layer-passwd+1");
        File.ReadAllText(Path.Combine(Lower, "etc", "passwd")).Should().Be("layer-passwd");
    }

    [Fact]
    public void WritesThroughALinkToAHostDirectory_NeverTouchIt()
    {
        var overlay = NewOverlay();

        var act = () => overlay.File.WriteAllText("/outside/planted", "x");

        act.Should().Throw<DirectoryNotFoundException>();
        File.Exists(Path.Combine(OutsideDir, "planted")).Should().BeFalse();
        Directory.EnumerateFileSystemEntries(OutsideDir).Should().HaveCount(1);
    }

    [Fact]
    public void TheLayer_NeverFollowsAHostLinkInAPath()
    {
        var lower = OpenLower();

        lower.TryGetEntry("/hostetc/passwd", out _).Should().BeFalse();
        lower.TryGetEntry("/outside/secret", out _).Should().BeFalse();
        lower.ListDirectory("/outside").Should().BeEmpty();
        lower.TryGetEntry("/outside", out var link).Should().BeTrue();
        link.Kind.Should().Be(LayerEntryKind.SymbolicLink);
        link.LinkTarget.Should().Be(OutsideDir);
        var open = () => lower.OpenRead("/outside/secret");
        open.Should().Throw<FileNotFoundException>();
        var openLink = () => lower.OpenRead("/hostetc");
        openLink.Should().Throw<IOException>();
    }

    [Fact]
    public void AnUpperHoldingAHostLink_IsResolvedInsideTheMergedView()
    {
        // An upper from an earlier run, where a program made /data a link to a host directory.
        File.CreateSymbolicLink(Path.Combine(UpperDir, "data"), OutsideDir);
        var overlay = NewOverlay();

        var write = () => overlay.File.WriteAllText("/data/secret", "overwritten");
        var delete = () => overlay.File.Delete("/data/secret");

        write.Should().Throw<DirectoryNotFoundException>();
        delete.Should().Throw<DirectoryNotFoundException>();
        File.ReadAllText(Path.Combine(OutsideDir, "secret")).Should().Be("host secret");
    }

    // ---- The work directory

    [Fact]
    public void AnUpper_EmptiesLeftoversOfAnInterruptedOverlay_WhenOpened()
    {
        var leftover = Path.Combine(WorkDir, "work", "#7f-1");
        Directory.CreateDirectory(Path.Combine(leftover, "sub"));
        File.WriteAllText(Path.Combine(leftover, "sub", "half"), "half a copy-up");
        File.SetUnixFileMode(leftover, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(WorkDir, "work", "#7f-2"), "x");
        File.CreateSymbolicLink(Path.Combine(WorkDir, "work", "#7f-3"), OutsideDir);

        OpenUpper();

        WorkAreaOnDisk().Should().BeEmpty();
        File.ReadAllText(Path.Combine(OutsideDir, "secret")).Should().Be("host secret", "cleaning never follows a link");
    }

    [Fact]
    public void ASecondUpperOverTheSameWorkDirectory_IsRefusedUntilTheFirstIsDisposed()
    {
        var first = OpenUpper();

        var second = () => OpenUpper();

        second.Should().Throw<IOException>().Where(e => e.HResult == 16).WithMessage("*in use*");
        first.Dispose();
        second.Should().NotThrow();
    }

    [Fact]
    public void AWorkDirectoryOnAnotherFileSystem_IsRefused()
    {
        const string tmpfs = "/dev/shm";
        if (!Directory.Exists(tmpfs) || DeviceOf(tmpfs) == DeviceOf(_root))
        {
            Assert.Skip($"Needs {tmpfs} on another file system than {_root}.");
        }

        string work = Path.Combine(tmpfs, "overlay-test-work-" + Guid.NewGuid().ToString("N"));
        try
        {
            var act = () => OpenUpper(work);

            act.Should().Throw<IOException>().Where(e => e.HResult == 18).WithMessage($"*'{work}'*not on the same file system*");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void ACopyUpFailingHalfWay_LeavesTheMergedViewAndTheUpperUnchanged()
    {
        File.WriteAllBytes(Path.Combine(Lower, "big"), new byte[256 * 1024]);
        File.WriteAllBytes(Path.Combine(Lower, "dir", "big"), new byte[256 * 1024]);
        var upper = OpenUpper();
        var lower = new FailingReadLayer(OpenLower(), failAfterBytes: 100_000);
        var overlay = new OverlayFileSystem([lower], upper);

        var rootFile = () => overlay.File.AppendAllText("/big", "x");
        var nestedFile = () => overlay.File.AppendAllText("/dir/big", "x");

        rootFile.Should().Throw<IOException>().WithMessage("*simulated*");
        UpperOnDisk().Should().BeEmpty();
        nestedFile.Should().Throw<IOException>().WithMessage("*simulated*");

        // The parent was copied up before the file (as the kernel does): an invisible change.
        UpperOnDisk().Should().Equal("/dir");
        lower.Failing = false;
        overlay.File.ReadAllBytes("/big").Should().HaveCount(256 * 1024);
        overlay.Directory.GetFileSystemEntries("/dir").Order(StringComparer.Ordinal).Should().Equal("/dir/big", "/dir/nested.txt");
        WorkAreaOnDisk().Should().BeEmpty();
        upper.StagedCount.Should().Be(0);
    }

    [Fact]
    public void APublishFailing_DiscardsTheStagedObject()
    {
        var upper = OpenUpper();
        string token = upper.StageFile(new MemoryStream([1, 2, 3]), new LayerMetadata((UnixFileMode)0b110_100_100, Old, Old));

        var act = () => upper.Publish(token, "/no-such-dir/file", keepParentTimes: true);

        act.Should().Throw<DirectoryNotFoundException>();
        upper.Discard(token);
        WorkAreaOnDisk().Should().BeEmpty();
        UpperOnDisk().Should().BeEmpty();
    }

    // ---- Host details

    [Fact]
    public void ReadingALowerFile_DoesNotTouchItsAccessTime()
    {
        string file = Path.Combine(Lower, "top.txt");
        File.SetLastAccessTimeUtc(file, Old);
        var overlay = NewOverlay();

        overlay.File.ReadAllText("/top.txt").Should().Be("top");

        File.GetLastAccessTimeUtc(file).Should().Be(Old);
    }

    [Fact]
    public void ListingALowerDirectory_DoesNotTouchItsAccessTime()
    {
        string directory = Path.Combine(Lower, "dir");
        Directory.SetLastAccessTimeUtc(directory, Old);
        var overlay = NewOverlay();

        overlay.Directory.GetFileSystemEntries("/dir").Should().Equal("/dir/nested.txt");

        Directory.GetLastAccessTimeUtc(directory).Should().Be(Old);
    }

    [Fact]
    public void ListingALowerDirectory_WithoutPreservingAccessTimes_UpdatesIt()
    {
        string directory = Path.Combine(Lower, "dir");
        Directory.SetLastAccessTimeUtc(directory, Old);
        var lower = Track(new HostDirectoryLayer(Lower, new HostDirectoryLayerOptions { PreserveAccessTimes = false }));

        lower.ListDirectory("/dir").Should().ContainSingle();

        Directory.GetLastAccessTimeUtc(directory).Should().BeAfter(Old);
    }

    [Fact]
    public void ReadingALowerFile_WithoutPreservingAccessTimes_UpdatesIt()
    {
        // The contrast that shows the test above can fail: the disk does update atime on a read.
        string file = Path.Combine(Lower, "top.txt");
        File.SetLastAccessTimeUtc(file, Old);
        var lower = Track(new HostDirectoryLayer(Lower, new HostDirectoryLayerOptions { PreserveAccessTimes = false }));
        var overlay = new OverlayFileSystem([lower], null);

        overlay.File.ReadAllText("/top.txt").Should().Be("top");

        File.GetLastAccessTimeUtc(file).Should().BeAfter(Old);
    }

    [Fact]
    public void TwoOverlaysOverOneLower_OpenTheSameFileExclusivelyAtOnce()
    {
        var first = new OverlayFileSystem([OpenLower()], null);
        var second = new OverlayFileSystem([OpenLower()], null);

        using var a = first.File.Open("/top.txt", FileMode.Open, FileAccess.Read, FileShare.None);
        using var b = second.File.Open("/top.txt", FileMode.Open, FileAccess.Read, FileShare.None);
        using var host = File.Open(Path.Combine(Lower, "top.txt"), FileMode.Open, FileAccess.Read, FileShare.None);

        b.ReadByte().Should().Be('t');
    }

    [Fact]
    public void AnotherProgramsLockOnAnUpperFile_DoesNotBlockTheOverlay()
    {
        var overlay = NewOverlay();
        overlay.File.WriteAllText("/mine", "a");
        using var host = File.Open(Path.Combine(UpperDir, "mine"), FileMode.Open, FileAccess.Read, FileShare.None);

        overlay.File.AppendAllText("/mine", "b");

        overlay.File.ReadAllText("/mine").Should().Be("ab");
    }

    [Fact]
    public void NewFilesAndDirectories_GetTheModesSystemIoGivesOnTheRealDisk()
    {
        var overlay = NewOverlay();
        string reference = Path.Combine(_root, "reference");
        Directory.CreateDirectory(reference);
        File.WriteAllText(Path.Combine(reference, "f"), "x");
        Directory.CreateDirectory(Path.Combine(reference, "d"));

        overlay.File.WriteAllText("/f", "x");
        overlay.Directory.CreateDirectory("/d");

        File.GetUnixFileMode(Path.Combine(UpperDir, "f")).Should().Be(File.GetUnixFileMode(Path.Combine(reference, "f")));
        File.GetUnixFileMode(Path.Combine(UpperDir, "d")).Should().Be(File.GetUnixFileMode(Path.Combine(reference, "d")));
        overlay.File.GetUnixFileMode("/f").Should().Be(File.GetUnixFileMode(Path.Combine(reference, "f")));
    }

    [Fact]
    public void ADurableUpper_CopiesUpAndPublishesAsUsual()
    {
        var upper = Track(new HostDirectoryLayer(UpperDir, new HostDirectoryLayerOptions { WorkDirectory = WorkDir }));
        var overlay = new OverlayFileSystem([OpenLower()], upper);

        overlay.File.AppendAllText("/dir/nested.txt", "+");
        overlay.File.Delete("/top.txt");

        upper.Durable.Should().BeTrue();
        UpperOnDisk().Should().Equal("/.wh.top.txt", "/dir", "/dir/nested.txt");
        File.ReadAllText(Path.Combine(UpperDir, "dir", "nested.txt")).Should().Be("nested+");
    }

    [Fact]
    public void ALinkedRoot_IsFollowedOnce_ThenNothingInside()
    {
        string link = Path.Combine(_root, "lower-link");
        Directory.CreateSymbolicLink(link, Lower);

        var layer = OpenLower(link);

        layer.Root.Should().Be(Lower);
        layer.TryGetEntry("/top.txt", out _).Should().BeTrue();
    }

    private static (uint Major, uint Minor) DeviceOf(string path)
    {
        Overlay.Layers.Host.LinuxSyscalls.LStat(path, out var stat).Should().Be(0);
        return (stat.DevMajor, stat.DevMinor);
    }

    /// <summary>A lower whose file data fails after some bytes, as a disk error half-way through a copy-up.</summary>
    private sealed class FailingReadLayer(ILayer inner, int failAfterBytes) : ILayer
    {
        public bool Failing { get; set; } = true;

        public string Name => inner.Name;

        public bool TryGetEntry(string path, out LayerEntry entry) => inner.TryGetEntry(path, out entry);

        public IReadOnlyList<LayerEntry> ListDirectory(string path) => inner.ListDirectory(path);

        public Stream OpenRead(string path) => Failing
            ? new HookedReadStream(inner.OpenRead(path), (read, count) => read + count > failAfterBytes
                ? throw new IOException("simulated disk error half-way through a copy-up")
                : count)
            : inner.OpenRead(path);
    }
}
