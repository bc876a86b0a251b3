using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.Reliability;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// A file created through a host upper is not read back for what the layer has just made: one
/// <c>statx</c> (its owner, which the storage decides) and no read of a
/// <c>user.containers.override_stat</c> record, which a new inode cannot carry. Anything done to
/// the file afterwards, and any create over a name that holds something, reads the storage as before.
/// A new file whose mode the process's umask leaves whole is made at its name with one open(2)
/// (O_CREAT|O_EXCL, its final mode), as the kernel's overlay makes it; a mode the umask would cut
/// still goes through the work area, so no moment shows the file with less.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
[Collection(SyscallFaultCollection.Name)]
public sealed class HostUpperCreateCallsTests : IDisposable
{
    private const UnixFileMode Mode0644 = (UnixFileMode)0x1A4;
    private const UnixFileMode Mode0666 = (UnixFileMode)0x1B6;

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-create-calls-").FullName;

    public void Dispose()
    {
        LinuxSyscalls.Fault = null;
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACreateInAKnownDirectory_StatsTheNewFileOnce_AndReadsNoRecord(bool ownersInAttributes)
    {
        SkipUnlessLinux();
        var overlay = Overlay(ownersInAttributes, owner: null);
        overlay.Directory.CreateDirectory("/new");
        overlay.File.WriteAllText("/new/a", "a");
        string created = Path.Combine(_root, "upper/new/b");

        var calls = Watch(() => overlay.File.WriteAllText("/new/b", "b"));

        calls.Where(c => c.Path == created && c.Call == "statx").Should().HaveCount(1, "the owner is read once, the kind is known");
        calls.Where(c => c.Path == created && c.Call == "getxattr").Should().BeEmpty("a new inode holds no attribute");
        calls.Where(c => c.Path == created && c.Call == "open").Should().HaveCount(2, "made at its name with O_CREAT|O_EXCL, then opened for the write");
        overlay.File.ReadAllText("/new/b").Should().Be("b");
        overlay.Unix.GetOwner("/new/b").Should().Be(ProcessCredentials.Owner);
        overlay.Directory.GetFiles("/new").Select(Path.GetFileName).Should().BeEquivalentTo(["a", "b"]);
    }

    [Fact]
    public void AnOwnerRecordedAfterTheCreate_IsReadBack_AndACreateOverTheNameKeepsIt()
    {
        SkipUnlessLinux();
        var other = new UnixOwner(4242, 4343);
        var overlay = Overlay(ownersInAttributes: true, owner: other);
        overlay.Directory.CreateDirectory("/new");
        string host = Path.Combine(_root, "upper/new/f");

        overlay.File.WriteAllText("/new/f", "first");

        overlay.Unix.GetOwner("/new/f").Should().Be(other, "the new file was given the overlay's owner as a record");
        LinuxSyscalls.GetXattr(host, HostDirectoryLayer.OverrideStatAttribute, out var record).Should().Be(0);
        System.Text.Encoding.ASCII.GetString(record!).Should().StartWith("4242:4343:");

        var calls = Watch(() => overlay.File.WriteAllText("/new/f", "second"));

        calls.Where(c => c.Path == host && c.Call == "statx").Should().NotBeEmpty("an existing file is looked at before it is opened");
        overlay.File.ReadAllText("/new/f").Should().Be("second");
        overlay.Unix.GetOwner("/new/f").Should().Be(other);
        overlay.File.Delete("/new/f");
        overlay.File.Exists("/new/f").Should().BeFalse();
    }

    [Fact]
    public void AStorageErrorOnTheNewFilesOwner_Throws()
    {
        SkipUnlessLinux();
        var overlay = Overlay(ownersInAttributes: true, owner: null);
        overlay.Directory.CreateDirectory("/new");
        string host = Path.Combine(_root, "upper/new/f");
        LinuxSyscalls.Fault = (call, path) => call == "statx" && path == host ? 5 : 0;
        try
        {
            FluentActions.Invoking(() => overlay.File.WriteAllText("/new/f", "x"))
                .Should().Throw<IOException>().Which.Should().NotBeOfType<FileNotFoundException>();
        }
        finally
        {
            LinuxSyscalls.Fault = null;
        }

        overlay.File.WriteAllText("/new/g", "g");
        overlay.File.ReadAllText("/new/g").Should().Be("g");
    }

    [Fact]
    public void ANewFile_WhoseModeTheUmaskKeeps_IsOpenedOnceAtItsName_AndNeverInTheWorkArea()
    {
        SkipUnlessLinuxWithUmaskCutting(Mode0666);
        var layer = Layer();
        string host = Path.Combine(Upper, "f");

        var calls = SyscallRecorder.Record(() => layer.CreateFile("/f", Mode0644), _root);

        calls.Where(c => c.Call == "open").Should().Equal([("open", host)], "one open(2) with O_CREAT|O_EXCL makes it");
        File.GetUnixFileMode(host).Should().Be(Mode0644);
        new FileInfo(host).Length.Should().Be(0);
        WorkAreaEntries().Should().BeEmpty();
    }

    [Fact]
    public void ANewFile_WhoseModeTheUmaskWouldCut_IsBuiltInTheWorkArea_AndGetsItsWholeMode()
    {
        SkipUnlessLinuxWithUmaskCutting(Mode0666);
        var layer = Layer();
        string host = Path.Combine(Upper, "f");

        var calls = SyscallRecorder.Record(() => layer.CreateFile("/f", Mode0666), _root);

        calls.Where(c => c.Call == "open").Should().ContainSingle().Which.Path.Should().StartWith(Work, "built in the work area, then renamed");
        File.GetUnixFileMode(host).Should().Be(Mode0666);
        WorkAreaEntries().Should().BeEmpty();
    }

    [Fact]
    public void ANewFileOverAnExistingName_IsRefused_AndTheOldFileStays()
    {
        SkipUnlessLinuxWithUmaskCutting(Mode0666);
        var layer = Layer();
        layer.CreateFile("/f", Mode0644);
        File.WriteAllText(Path.Combine(Upper, "f"), "kept");

        FluentActions.Invoking(() => layer.CreateFile("/f", Mode0644)).Should().Throw<IOException>().WithMessage("*'/f'*already exists*");

        File.ReadAllText(Path.Combine(Upper, "f")).Should().Be("kept");
        WorkAreaEntries().Should().BeEmpty();
    }

    [Fact]
    public void AFailedOpen_LeavesNothing_AndNamesTheFile()
    {
        SkipUnlessLinuxWithUmaskCutting(Mode0666);
        var layer = Layer();
        string host = Path.Combine(Upper, "f");
        LinuxSyscalls.Fault = (call, path) => call == "open" && path == host ? 28 : 0; // ENOSPC

        FluentActions.Invoking(() => layer.CreateFile("/f", Mode0644)).Should().Throw<IOException>().WithMessage($"*'{host}'*");

        LinuxSyscalls.Fault = null;
        File.Exists(host).Should().BeFalse();
        WorkAreaEntries().Should().BeEmpty();
    }

    [Fact]
    public void WriteAllText_ThroughTheOverlay_CreatesTheUpperFileAtItsNameWithTheOverlaysMode()
    {
        SkipUnlessLinuxWithUmaskCutting(Mode0666);
        Directory.CreateDirectory(Path.Combine(_root, "lower"));
        var overlay = new OverlayFileSystem([new HostDirectoryLayer(Path.Combine(_root, "lower"))], Layer());
        string host = Path.Combine(Upper, "new.txt");

        var calls = SyscallRecorder.Record(() => overlay.File.WriteAllText("/new.txt", "x"), _root);

        calls.Where(c => c.Call == "open").Select(c => c.Path).Should().Equal([host, host], "made at its name, then opened for the write");
        overlay.File.ReadAllText("/new.txt").Should().Be("x");
        File.GetUnixFileMode(host).Should().Be(Mode0666 & ~ProcessUmask.Value);
    }

    private OverlayFileSystem Overlay(bool ownersInAttributes, UnixOwner? owner)
    {
        string lower = Path.Combine(_root, "lower");
        string upper = Path.Combine(_root, "upper");
        Directory.CreateDirectory(lower);
        Directory.CreateDirectory(upper);
        var upperLayer = new HostDirectoryLayer(upper, new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work") })
        {
            StoresOwnersInAttributes = ownersInAttributes,
        };
        var options = owner is { } given ? new OverlayOptions { Owner = given } : null;
        return new OverlayFileSystem([new HostDirectoryLayer(lower)], upperLayer, options);
    }

    private string Upper => Path.Combine(_root, "upper");

    private string Work => Path.Combine(_root, "work");

    private HostDirectoryLayer Layer()
    {
        Directory.CreateDirectory(Upper);
        return new HostDirectoryLayer(Upper, new HostDirectoryLayerOptions { WorkDirectory = Work });
    }

    private string[] WorkAreaEntries() =>
        Directory.Exists(Work) ? Directory.GetFileSystemEntries(Work, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p)).ToArray() : [];

    private static List<(string Call, string Path)> Watch(Action action) => SyscallRecorder.Record(action);

    private static void SkipUnlessLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The calls are counted on Linux.");
        }
    }

    private static void SkipUnlessLinuxWithUmaskCutting(UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Host-directory layers call Linux directly only on Linux.");
        }

        if ((ProcessUmask.Value & Mode0644) != 0 || (ProcessUmask.Value & mode) == 0)
        {
            Assert.Skip($"The process's umask ({Convert.ToString((int)ProcessUmask.Value, 8)}) must keep 0644 and cut {Convert.ToString((int)mode, 8)}.");
        }
    }
}
