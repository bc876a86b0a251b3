using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Reliability;
using Overlay.Tests.Support;

namespace Overlay.Tests.Layers;

/// <summary>
/// A host upper under an overlay keeps what it learnt of its own directories: a walk through
/// directories it has seen stats none of them, a name a listed directory does not hold costs no
/// system call, and every change the overlay or the layer itself makes is seen at once. What it
/// knows is forgotten by <c>InvalidateIndex()</c>, by a new overlay and by a failed write. The
/// system calls are watched through the layer's test hook (<see cref="LinuxSyscalls.Fault"/>),
/// which sees every read of the storage.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
[Collection(SyscallFaultCollection.Name)]
public sealed class UpperEntryCacheTests : IDisposable
{
    private const int EIO = 5;

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-known-").FullName;

    public UpperEntryCacheTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "lower/usr/share"));
        File.WriteAllText(Path.Combine(_root, "lower/usr/share/lower-file"), "lower");
        Directory.CreateDirectory(Path.Combine(_root, "upper"));
    }

    private string UpperDirectory => Path.Combine(_root, "upper");

    public void Dispose()
    {
        LinuxSyscalls.Fault = null;
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<WhiteoutForm> Forms => [WhiteoutForm.Oci, WhiteoutForm.Kernel];

    [Theory]
    [MemberData(nameof(Forms))]
    public void AWarmCreate_StatsNoParentDirectory(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.Directory.CreateDirectory("/usr/share/pkg/sub");
        overlay.File.WriteAllText("/usr/share/pkg/sub/first", "1");

        var calls = Watch(() => overlay.File.WriteAllText("/usr/share/pkg/sub/second", "2"));

        string[] parents = ["", "/usr", "/usr/share", "/usr/share/pkg", "/usr/share/pkg/sub"];
        calls.Where(c => c.Call == "statx" && parents.Any(p => c.Path == UpperDirectory + p))
            .Should().BeEmpty("every parent was seen before and nothing replaced it");
        overlay.File.ReadAllText("/usr/share/pkg/sub/second").Should().Be("2");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AMissingNameInAListedDirectory_CostsNoSystemCall(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.Directory.CreateDirectory("/usr/share/pkg");
        overlay.File.WriteAllText("/usr/share/pkg/present", "1");

        bool exists = true;
        var calls = Watch(() => exists = overlay.File.Exists("/usr/share/pkg/never-there"));

        exists.Should().BeFalse();
        calls.Should().BeEmpty("the directory was listed once and holds no such name");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void WritesThroughTheLayerItself_AreSeenAtOnce(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.Directory.CreateDirectory("/usr/share/pkg");

        // The directory listed (a name the overlay's own lookup cache has not answered before is
        // asked below, so the answers come from the layer).
        overlay.File.Exists("/usr/share/pkg/other").Should().BeFalse();
        upper.CreateFile("/usr/share/pkg/direct", (UnixFileMode)0b110_100_100);
        overlay.File.Exists("/usr/share/pkg/direct").Should().BeTrue();

        upper.Rename("/usr/share/pkg/direct", "/usr/share/pkg/moved");
        overlay.File.Exists("/usr/share/pkg/direct").Should().BeFalse();
        overlay.File.Exists("/usr/share/pkg/moved").Should().BeTrue();

        upper.Delete("/usr/share/pkg/moved");
        overlay.File.Exists("/usr/share/pkg/moved").Should().BeFalse();
        overlay.Directory.GetFileSystemEntries("/usr/share/pkg").Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ADirectoryMovedAway_TakesWhatWasKnownBelowItWithIt(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.Directory.CreateDirectory("/usr/share/pkg/sub");
        overlay.File.WriteAllText("/usr/share/pkg/sub/file", "1");
        overlay.File.Exists("/usr/share/pkg/sub/other").Should().BeFalse();

        overlay.Directory.Move("/usr/share/pkg", "/usr/share/renamed");

        overlay.File.Exists("/usr/share/pkg/sub/file").Should().BeFalse();
        overlay.File.ReadAllText("/usr/share/renamed/sub/file").Should().Be("1");
        FluentActions.Invoking(() => overlay.File.WriteAllText("/usr/share/pkg/sub/other", "x"))
            .Should().Throw<DirectoryNotFoundException>();
        overlay.File.WriteAllText("/usr/share/renamed/sub/other", "2");
        overlay.Directory.GetFileSystemEntries("/usr/share/renamed/sub").Select(Path.GetFileName)
            .Should().BeEquivalentTo(["file", "other"]);

        // A new directory at the old name is a new object: nothing known of the old one shows in it.
        overlay.Directory.CreateDirectory("/usr/share/pkg");
        overlay.Directory.GetFileSystemEntries("/usr/share/pkg").Should().BeEmpty();
        overlay.File.Exists("/usr/share/pkg/sub/file").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AChangeBehindTheOverlay_IsSeenAfterInvalidateIndexAndByANewOverlay(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.Directory.CreateDirectory("/usr/share/pkg");
        overlay.File.Exists("/usr/share/pkg/outside").Should().BeFalse();

        File.WriteAllText(Path.Combine(UpperDirectory, "usr/share/pkg/outside"), "outside");

        new OverlayFileSystem([Lower()], upper).File.ReadAllText("/usr/share/pkg/outside").Should().Be("outside");
        File.Delete(Path.Combine(UpperDirectory, "usr/share/pkg/outside"));
        overlay.InvalidateIndex();
        overlay.File.Exists("/usr/share/pkg/outside").Should().BeFalse();
        File.WriteAllText(Path.Combine(UpperDirectory, "usr/share/pkg/outside"), "again");
        overlay.InvalidateIndex();
        overlay.File.ReadAllText("/usr/share/pkg/outside").Should().Be("again");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AFailedWrite_ForgetsWhatWasKnown(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.Directory.CreateDirectory("/usr/share/pkg");
        overlay.File.Exists("/usr/share/pkg/later").Should().BeFalse();

        // The new file is made at its name (its mode is whole under the umask): that open fails.
        string failed = Path.Combine(UpperDirectory, "usr/share/pkg/failed");
        LinuxSyscalls.Fault = (call, path) => call == "open" && path == failed ? EIO : 0;
        FluentActions.Invoking(() => overlay.File.WriteAllText("/usr/share/pkg/failed", "x"))
            .Should().Throw<IOException>().Which.HResult.Should().Be(EIO);
        LinuxSyscalls.Fault = null;

        // What the failed create did is not known, so nothing learnt before it is used: a name
        // that appeared meanwhile is found on the storage.
        File.WriteAllText(Path.Combine(UpperDirectory, "usr/share/pkg/later"), "later");
        overlay.File.ReadAllText("/usr/share/pkg/later").Should().Be("later");
        overlay.File.Exists("/usr/share/pkg/failed").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void AWarmLookup_WhenTheStorageFails_StillFailsForAnObjectThatIsThere(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.Directory.CreateDirectory("/usr/share/pkg");
        overlay.File.WriteAllText("/usr/share/pkg/file", "upper");
        overlay.File.ReadAllText("/usr/share/pkg/file").Should().Be("upper");

        string prefix = UpperDirectory + "/";
        LinuxSyscalls.Fault = (_, path) => path.StartsWith(prefix, StringComparison.Ordinal) ? EIO : 0;

        // Its length and times live on the storage: the object is read again, and the error shows.
        FluentActions.Invoking(() => overlay.FileInfo.New("/usr/share/pkg/file").Length)
            .Should().Throw<IOException>().Which.HResult.Should().Be(EIO);
        FluentActions.Invoking(() => overlay.File.ReadAllText("/usr/share/pkg/file"))
            .Should().Throw<IOException>().Which.HResult.Should().Be(EIO);
    }

    private List<(string Call, string Path)> Watch(Action action) => SyscallRecorder.Record(action, UpperDirectory);

    private static void SkipUnlessPossible(WhiteoutForm form)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The storage hook is in the Linux system calls of HostDirectoryLayer; run it on Linux.");
        }

        if (form == WhiteoutForm.Kernel && LinuxNative.GetEffectiveUserId() != 0)
        {
            Assert.Skip("The kernel whiteout form makes character devices and trusted.* attributes, which needs root on Linux.");
        }
    }

    private HostDirectoryLayer Lower() => new(Path.Combine(_root, "lower"));

    private HostDirectoryLayer Upper(WhiteoutForm form) =>
        new(UpperDirectory, new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work"), WhiteoutForm = form });
}
