using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Reliability;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// Host lowers list a directory's kinds from getdents and the index reads an object whole only
/// when a lookup or a listing hands it out: the merged view (opaque marks, whiteouts, lengths,
/// modes, link targets) is the same as when every name was read at once, a lookup reads none of
/// its siblings, and a failure of the storage throws instead of reading as absence.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
[Collection(SyscallFaultCollection.Name)]
public sealed class LowerKindListingTests : IDisposable
{
    private const int EIO = 5;

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-kinds-").FullName;

    public void Dispose()
    {
        LinuxSyscalls.Fault = null;
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void AnOciOpaqueMarker_StopsTheMergeAtItsLayer_AndAWhiteoutHidesTheNameBelow()
    {
        SkipUnlessLinux();
        Write("top/d/a", "a");
        Write("top/d/.wh..wh..opq", string.Empty);
        Write("middle/d/b", "b");
        Write("bottom/d/c", "c");
        Write("top/e/x", "x");
        Write("bottom/e/y", "y");
        Write("top/.wh.gone", string.Empty);
        Write("bottom/gone/z", "z");
        Write("middle/.wh.both", string.Empty);
        Write("middle/both", "kept: within one layer the object wins");
        Write("bottom/both", "hidden");
        var overlay = Overlay(WhiteoutForm.Oci);

        overlay.Directory.GetFileSystemEntries("/d").Select(Path.GetFileName).Should().BeEquivalentTo(["a"]);
        overlay.File.Exists("/d/b").Should().BeFalse();
        overlay.File.Exists("/d/c").Should().BeFalse();
        overlay.Directory.GetFileSystemEntries("/e").Select(Path.GetFileName).Should().BeEquivalentTo(["x", "y"]);
        overlay.Directory.Exists("/gone").Should().BeFalse();
        overlay.File.ReadAllText("/both").Should().Be("kept: within one layer the object wins");
        overlay.Directory.GetFileSystemEntries("/").Select(Path.GetFileName).Should().BeEquivalentTo(["d", "e", "both"]);
    }

    [Fact]
    public void KernelFormMarks_AreReadFromTheDirectoryItsListingReaches()
    {
        SkipUnlessRoot();
        Write("top/d/a", "a");
        LinuxSyscalls.SetXattr(Path.Combine(_root, "top/d"), "trusted.overlay.opaque", "y"u8, 0).Should().Be(0);
        Write("bottom/d/b", "b");
        Directory.CreateDirectory(Path.Combine(_root, "top/e"));
        LinuxSyscalls.MakeNode(Path.Combine(_root, "top/e/gone"), LinuxSyscalls.S_IFCHR, 0).Should().Be(0);
        Write("bottom/e/gone", "hidden");
        Write("bottom/e/kept", "kept");
        var overlay = Overlay(WhiteoutForm.Kernel);

        overlay.Directory.GetFileSystemEntries("/d").Select(Path.GetFileName).Should().BeEquivalentTo(["a"]);
        overlay.File.Exists("/e/gone").Should().BeFalse();
        overlay.Directory.GetFileSystemEntries("/e").Select(Path.GetFileName).Should().BeEquivalentTo(["kept"]);
    }

    [Fact]
    public void AnObjectReadOnFirstUse_HasItsLengthModeTimesAndTarget()
    {
        SkipUnlessLinux();
        Write("bottom/dir/file", "twelve bytes");
        var mtime = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(_root, "bottom/dir/file"), mtime);
        File.SetUnixFileMode(Path.Combine(_root, "bottom/dir/file"), (UnixFileMode)0b111_101_000);
        File.CreateSymbolicLink(Path.Combine(_root, "bottom/dir/link"), "file");
        Directory.CreateDirectory(Path.Combine(_root, "top"));
        var overlay = Overlay(WhiteoutForm.Oci);

        var info = overlay.FileInfo.New("/dir/file");
        info.Length.Should().Be(12);
        info.LastWriteTimeUtc.Should().Be(mtime);
        info.UnixFileMode.Should().Be((UnixFileMode)0b111_101_000);
        overlay.FileInfo.New("/dir/link").LinkTarget.Should().Be("file");
        overlay.File.ReadAllText("/dir/link").Should().Be("twelve bytes");
    }

    [Fact]
    public void ALookup_ReadsNoneOfItsSiblings()
    {
        SkipUnlessLinux();
        for (int i = 0; i < 20; i++)
        {
            Write($"bottom/usr/share/f{i:D2}", "x");
        }

        Directory.CreateDirectory(Path.Combine(_root, "top"));
        var overlay = Overlay(WhiteoutForm.Oci);

        var calls = Watch(() => overlay.File.Exists("/usr/share/f07").Should().BeTrue());

        string share = Path.Combine(_root, "bottom/usr/share");
        calls.Where(c => c.Call == "getdents").Should().NotBeEmpty("the directory is listed for its names");
        string[] siblings = [.. Enumerable.Range(0, 20).Select(i => $"{share}/f{i:D2}")];
        calls.Where(c => c.Call == "statx" && siblings.Contains(c.Path))
            .Select(c => c.Path).Should().Equal([share + "/f07"], "only the object looked up is read whole");
    }

    [Fact]
    public void AFailedListing_Throws_AndAFailedReadOfTheObject_Throws()
    {
        SkipUnlessLinux();
        Write("bottom/usr/share/file", "x");
        Directory.CreateDirectory(Path.Combine(_root, "top"));

        string share = Path.Combine(_root, "bottom/usr/share");
        LinuxSyscalls.Fault = (call, path) => call == "getdents" && path == share ? EIO : 0;
        FluentActions.Invoking(() => Overlay(WhiteoutForm.Oci).File.ReadAllText("/usr/share/file"))
            .Should().Throw<IOException>().Which.HResult.Should().Be(EIO);

        LinuxSyscalls.Fault = (call, path) => call == "statx" && path == share + "/file" ? EIO : 0;
        FluentActions.Invoking(() => Overlay(WhiteoutForm.Oci).File.ReadAllText("/usr/share/file"))
            .Should().Throw<IOException>().Which.HResult.Should().Be(EIO);
        LinuxSyscalls.Fault = null;

        Overlay(WhiteoutForm.Oci).File.Exists("/usr/share/file").Should().BeTrue();
    }

    [Fact]
    public void AnObjectGoneAfterItsDirectoryWasListed_IsAnError_NotAnAbsence()
    {
        SkipUnlessLinux();
        Write("bottom/dir/first", "1");
        Write("bottom/dir/second", "2");
        Directory.CreateDirectory(Path.Combine(_root, "top"));
        var overlay = Overlay(WhiteoutForm.Oci);
        overlay.File.Exists("/dir/first").Should().BeTrue();

        File.Delete(Path.Combine(_root, "bottom/dir/second"));

        FluentActions.Invoking(() => overlay.File.ReadAllText("/dir/second"))
            .Should().Throw<IOException>().Which.Should().NotBeOfType<FileNotFoundException>();
    }

    [Fact]
    public void AFileMovedWithinAListedUpperDirectory_IsOneReadOfTheSource()
    {
        SkipUnlessLinux();
        Directory.CreateDirectory(Path.Combine(_root, "top"));
        var overlay = Overlay(WhiteoutForm.Oci);
        overlay.Directory.CreateDirectory("/new");
        overlay.File.WriteAllText("/new/a", "a");
        overlay.File.Exists("/new/other").Should().BeFalse();

        var calls = Watch(() => overlay.File.Move("/new/a", "/new/b"));

        calls.Where(c => c.Call == "statx").Select(c => c.Path).Should().Equal([Path.Combine(_root, "upper/new/a")]);
        overlay.File.Exists("/new/a").Should().BeFalse();
        overlay.File.ReadAllText("/new/b").Should().Be("a");
        FluentActions.Invoking(() => overlay.File.Move("/new/b", "/new/b2/x")).Should().Throw<DirectoryNotFoundException>();
        overlay.File.WriteAllText("/new/c", "c");
        FluentActions.Invoking(() => overlay.File.Move("/new/b", "/new/c")).Should().Throw<IOException>();
        overlay.File.ReadAllText("/new/c").Should().Be("c");
        overlay.File.Move("/new/b", "/new/c", overwrite: true);
        overlay.File.ReadAllText("/new/c").Should().Be("a");
        FluentActions.Invoking(() => overlay.File.Move("/new", "/moved")).Should().Throw<FileNotFoundException>();
    }

    private OverlayFileSystem Overlay(WhiteoutForm form)
    {
        var layers = new[] { "top", "middle", "bottom" }
            .Where(name => Directory.Exists(Path.Combine(_root, name)))
            .Select(name => (ILayer)new HostDirectoryLayer(Path.Combine(_root, name), new HostDirectoryLayerOptions { WhiteoutForm = form }))
            .ToArray();
        string upper = Path.Combine(_root, "upper");
        string work = Path.Combine(_root, "work");
        if (Directory.Exists(upper))
        {
            Directory.Delete(upper, recursive: true);
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(upper);
        return new OverlayFileSystem(layers, new HostDirectoryLayer(upper, new HostDirectoryLayerOptions { WorkDirectory = work, WhiteoutForm = form }));
    }

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static List<(string Call, string Path)> Watch(Action action) => SyscallRecorder.Record(action);

    private static void SkipUnlessLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Kind listings come from getdents on Linux.");
        }
    }

    private static void SkipUnlessRoot()
    {
        SkipUnlessLinux();
        if (LinuxNative.GetEffectiveUserId() != 0)
        {
            Assert.Skip("The kernel whiteout form's character devices and trusted.* attributes need root.");
        }
    }
}
