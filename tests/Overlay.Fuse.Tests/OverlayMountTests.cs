using Overlay.Fuse.Tests.Support;

namespace Overlay.Fuse.Tests;

/// <summary>The merged view through the mount, with plain System.IO: what each layer answers, and what a change leaves in the upper.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OverlayMountTests
{
    private static void StandardLayers(string lower0)
    {
        File.WriteAllText(Path.Combine(lower0, "top.txt"), "top");
        Directory.CreateDirectory(Path.Combine(lower0, "dir"));
        File.WriteAllText(Path.Combine(lower0, "dir", "a.txt"), "a from lower0");
        File.CreateSymbolicLink(Path.Combine(lower0, "link"), "top.txt");
    }

    private static void BottomLayer(string lower1)
    {
        File.WriteAllText(Path.Combine(lower1, "bottom.txt"), "bottom");
        Directory.CreateDirectory(Path.Combine(lower1, "dir"));
        File.WriteAllText(Path.Combine(lower1, "dir", "a.txt"), "a from lower1");
        File.WriteAllText(Path.Combine(lower1, "dir", "b.txt"), "b from lower1");
    }

    [Fact]
    public void Read_WhenLayersOverlap_TheTopmostAnswers()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        File.ReadAllText(mounted["dir/a.txt"]).Should().Be("a from lower0");
        File.ReadAllText(mounted["dir/b.txt"]).Should().Be("b from lower1");
        File.ReadAllText(mounted["bottom.txt"]).Should().Be("bottom");
        File.ReadAllText(mounted["link"]).Should().Be("top");
        new FileInfo(mounted["link"]).LinkTarget.Should().Be("top.txt");
        Directory.GetFileSystemEntries(mounted.MountPoint).Select(Path.GetFileName).Should().BeEquivalentTo("bottom.txt", "dir", "link", "top.txt");
        Directory.GetFiles(mounted["dir"]).Select(Path.GetFileName).Should().BeEquivalentTo("a.txt", "b.txt");
    }

    [Fact]
    public void Read_OfAFileOpenedBeforeItsNameWasRemovedReplacedOrMoved_ReadsTheFileItOpened()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        // Opened for reading and not read yet: the server has taken no stream for them (the kernel
        // holds none of their pages), so each removal has to give them one first.
        using var deleted = new FileStream(mounted["bottom.txt"], FileMode.Open, FileAccess.Read);
        using var replaced = new FileStream(mounted["dir/b.txt"], FileMode.Open, FileAccess.Read);
        using var moved = new FileStream(mounted["dir/a.txt"], FileMode.Open, FileAccess.Read);
        File.Delete(mounted["bottom.txt"]);
        File.WriteAllText(mounted["new.txt"], "new");
        File.Move(mounted["new.txt"], mounted["dir/b.txt"], overwrite: true);
        Directory.Move(mounted["dir"], mounted["dir2"]);

        new StreamReader(deleted).ReadToEnd().Should().Be("bottom");
        new StreamReader(replaced).ReadToEnd().Should().Be("b from lower1");
        new StreamReader(moved).ReadToEnd().Should().Be("a from lower0");
        File.Exists(mounted["bottom.txt"]).Should().BeFalse();
        File.ReadAllText(mounted["dir2/b.txt"]).Should().Be("new");
    }

    [Fact]
    public void Status_OfAFileOpenedBeforeItsNameWasRemovedOrReplaced_IsWhatItWas()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        // With FileShare.ReadWrite .NET asks fstat(2) for the length each time; the removal made
        // the kernel drop the attributes it had, so it asks the server for a node without a name.
        using var deleted = new FileStream(mounted["bottom.txt"], FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var replaced = new FileStream(mounted["dir/b.txt"], FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        File.Delete(mounted["bottom.txt"]);
        File.WriteAllText(mounted["new.txt"], "new");
        File.Move(mounted["new.txt"], mounted["dir/b.txt"], overwrite: true);

        deleted.Length.Should().Be("bottom".Length);
        replaced.Length.Should().Be("b from lower1".Length);
        new StreamReader(replaced).ReadToEnd().Should().Be("b from lower1");
        File.ReadAllText(mounted["dir/b.txt"]).Should().Be("new");
    }

    [Fact]
    public void Write_WhenFileIsInALower_CopiesItUpAndLeavesTheLowerAlone()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        string lowersBefore = TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1);

        File.AppendAllText(mounted["dir/b.txt"], " and more");

        File.ReadAllText(mounted["dir/b.txt"]).Should().Be("b from lower1 and more");
        File.ReadAllText(Path.Combine(mounted.Upper, "dir", "b.txt")).Should().Be("b from lower1 and more");
        (TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1)).Should().Be(lowersBefore);
    }

    [Fact]
    public void Delete_WhenFileIsInALower_LeavesAWhiteoutThatIsNeverListed()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        File.Delete(mounted["dir/a.txt"]);

        File.Exists(mounted["dir/a.txt"]).Should().BeFalse();
        Directory.GetFiles(mounted["dir"]).Select(Path.GetFileName).Should().BeEquivalentTo("b.txt");
        // The kernel form: a character device 0/0 in the upper.
        var whiteout = new FileInfo(Path.Combine(mounted.Upper, "dir", "a.txt"));
        whiteout.Exists.Should().BeTrue();
        whiteout.Length.Should().Be(0);
        File.Exists(Path.Combine(mounted.Lower0, "dir", "a.txt")).Should().BeTrue();
    }

    [Fact]
    public void CreateDirectory_OverADeletedLowerDirectory_IsOpaqueAndHidesBelow()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        Directory.Delete(mounted["dir"], recursive: true);
        Directory.CreateDirectory(mounted["dir"]);
        File.WriteAllText(mounted["dir/new.txt"], "new");

        Directory.GetFileSystemEntries(mounted["dir"]).Select(Path.GetFileName).Should().BeEquivalentTo("new.txt");
        File.Exists(Path.Combine(mounted.Lower1, "dir", "b.txt")).Should().BeTrue();
    }

    [Fact]
    public void Rename_OfALowerDirectory_MovesItsMergedContent()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        Directory.Move(mounted["dir"], mounted["moved"]);

        Directory.Exists(mounted["dir"]).Should().BeFalse();
        File.ReadAllText(mounted["moved/a.txt"]).Should().Be("a from lower0");
        File.ReadAllText(mounted["moved/b.txt"]).Should().Be("b from lower1");
    }

    [Fact]
    public void Stat_InodeNumbers_StayTheSameAcrossCopyUpAndRename()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        ulong before = Inode(mounted["dir/b.txt"]);
        File.AppendAllText(mounted["dir/b.txt"], "!");
        ulong afterCopyUp = Inode(mounted["dir/b.txt"]);
        File.Move(mounted["dir/b.txt"], mounted["b.txt"]);
        ulong afterRename = Inode(mounted["b.txt"]);

        afterCopyUp.Should().Be(before);
        afterRename.Should().Be(before);
        Inode(mounted["dir/a.txt"]).Should().NotBe(before);
    }

    [Fact]
    public void Truncate_AndChmod_ReachTheUpperCopy()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        using (var stream = new FileStream(mounted["top.txt"], FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(1);
        }

        File.SetUnixFileMode(mounted["top.txt"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        File.ReadAllText(mounted["top.txt"]).Should().Be("t");
        File.GetUnixFileMode(Path.Combine(mounted.Upper, "top.txt")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.ReadAllText(Path.Combine(mounted.Lower0, "top.txt")).Should().Be("top");
    }

    [Fact]
    public void Link_OfALowerFile_CopiesItUpAndBothNamesAreOneInode()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        string lowersBefore = TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1);

        Run.Checked(mounted.MountPoint, "ln", "top.txt", "hard");
        File.AppendAllText(mounted["hard"], " via hard");

        File.ReadAllText(mounted["top.txt"]).Should().Be("top via hard");
        string[] stat = Run.Checked(mounted.MountPoint, "stat", "-c", "%i %h", "top.txt", "hard").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        stat.Should().HaveCount(2);
        stat[0].Should().Be(stat[1], "both names are one file");
        stat[0].Should().EndWith(" 2");
        Run.Checked(mounted.Upper, "stat", "-c", "%h", "top.txt").Trim().Should().Be("2", "the upper holds one file with two names");

        File.Delete(mounted["top.txt"]);
        File.ReadAllText(mounted["hard"]).Should().Be("top via hard");
        Run.Checked(mounted.MountPoint, "stat", "-c", "%h", "hard").Trim().Should().Be("1");
        (TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1)).Should().Be(lowersBefore);
    }

    [Fact]
    public void Invalidate_AfterChangesThroughTheOverlaysApi_ShowsThemThroughTheMountAtOnce()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        // The kernel caches what it was told: names, attributes, the file's pages and the directory's listing.
        File.ReadAllText(mounted["top.txt"]).Should().Be("top");
        File.Exists(mounted["dir/b.txt"]).Should().BeTrue();
        new FileInfo(mounted["dir/a.txt"]).Length.Should().Be("a from lower0".Length);
        Directory.GetFiles(mounted["dir"]).Select(Path.GetFileName).Should().BeEquivalentTo("a.txt", "b.txt");

        mounted.FileSystem.File.WriteAllText("/top.txt", "top, rewritten through the API");
        mounted.FileSystem.File.Delete("/dir/b.txt");
        mounted.FileSystem.File.AppendAllText("/dir/a.txt", " and more");
        mounted.Mount.Invalidate();

        File.ReadAllText(mounted["top.txt"]).Should().Be("top, rewritten through the API");
        File.Exists(mounted["dir/b.txt"]).Should().BeFalse();
        new FileInfo(mounted["dir/a.txt"]).Length.Should().Be("a from lower0 and more".Length);
        Directory.GetFiles(mounted["dir"]).Select(Path.GetFileName).Should().BeEquivalentTo("a.txt");
    }

    [Fact]
    public void Listing_IsTakenOnce_ThenAnsweredFromTheKernelsCopyUntilTheDirectoryChanges()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        var server = mounted.Mount.Server;
        string[] Listed() => [.. Directory.GetFileSystemEntries(mounted["dir"]).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        long before = server.ListingsTaken;

        Listed().Should().Equal("a.txt", "b.txt");
        server.ListingsTaken.Should().Be(before + 1, "an open and its reads take one listing");
        Listed().Should().Equal("a.txt", "b.txt");
        Listed().Should().Equal("a.txt", "b.txt");
        server.ListingsTaken.Should().Be(before + 1, "the kernel keeps the listing across opens (FOPEN_CACHE_DIR, FOPEN_KEEP_CACHE)");

        // A change through the mount drops the kernel's copy at once.
        File.WriteAllText(mounted["dir/mount.txt"], "made through the mount");
        Listed().Should().Equal("a.txt", "b.txt", "mount.txt");
        File.Delete(mounted["dir/a.txt"]);
        Listed().Should().Equal("b.txt", "mount.txt");
        File.Move(mounted["dir/b.txt"], mounted["top-moved.txt"]);
        Listed().Should().Equal("mount.txt");
        Directory.CreateDirectory(mounted["dir/sub"]);
        Listed().Should().Equal("mount.txt", "sub");
        server.ListingsTaken.Should().Be(before + 5);

        // A change the kernel did not see is listed once Invalidate has dropped its copy.
        mounted.FileSystem.File.WriteAllText("/dir/api.txt", "made through the API");
        mounted.Mount.Invalidate();
        Listed().Should().Equal("api.txt", "mount.txt", "sub");
    }

    [Fact]
    public void InvalidateIndex_AfterALowerChanged_ShowsTheChangeThroughTheMountAtOnce()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        // Looked up and stat'ed only: a read would make the kernel ask for the attributes again
        // at the next stat (the access time it keeps is then stale).
        File.Exists(mounted["dir/b.txt"]).Should().BeTrue();
        new FileInfo(mounted["bottom.txt"]).Length.Should().Be("bottom".Length);

        // Changed outside the overlay, as InvalidateIndex allows.
        File.Delete(Path.Combine(mounted.Lower1, "dir", "b.txt"));
        File.WriteAllText(Path.Combine(mounted.Lower1, "bottom.txt"), "bottom, changed in lower1");
        mounted.Mount.InvalidateIndex();

        File.Exists(mounted["dir/b.txt"]).Should().BeFalse();
        new FileInfo(mounted["bottom.txt"]).Length.Should().Be("bottom, changed in lower1".Length);
        File.ReadAllText(mounted["bottom.txt"]).Should().Be("bottom, changed in lower1");
        Directory.GetFiles(mounted["dir"]).Select(Path.GetFileName).Should().BeEquivalentTo("a.txt");
    }

    [Fact]
    public void Invalidate_AfterDispose_ThrowsObjectDisposed()
    {
        Requires.Fuse();
        var mounted = new MountedOverlay(StandardLayers);
        mounted.Dispose();

        mounted.Mount.Invoking(m => m.Invalidate()).Should().Throw<ObjectDisposedException>();
        mounted.Mount.Invoking(m => m.InvalidateIndex()).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Link_OverAnExistingName_IsEexist_AndOfADirectoryIsEperm()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        var (code, output) = Run.Program(mounted.MountPoint, "ln", "top.txt", "bottom.txt");
        code.Should().NotBe(0);
        output.Should().Contain("File exists");

        (code, output) = Run.Program(mounted.MountPoint, "ln", "-d", "dir", "dir2");
        code.Should().NotBe(0);
        output.Should().Contain("not permitted");
        Directory.Exists(mounted["dir2"]).Should().BeFalse();
    }

    [Fact]
    public void Owners_AreTheLayersOwn_AndChownCopiesUp()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(l =>
        {
            StandardLayers(l);
            Run.Checked(l, "chown", "1234:5678", "top.txt");
        }, BottomLayer);

        Run.Checked(mounted.MountPoint, "stat", "-c", "%u:%g", "top.txt").Trim().Should().Be("1234:5678");

        Run.Checked(mounted.MountPoint, "chown", "4321:8765", "dir/b.txt");

        Run.Checked(mounted.MountPoint, "stat", "-c", "%u:%g", "dir/b.txt").Trim().Should().Be("4321:8765");
        Run.Checked(mounted.Upper, "stat", "-c", "%u:%g", "dir/b.txt").Trim().Should().Be("4321:8765");
        Run.Checked(mounted.Lower1, "stat", "-c", "%u:%g", "dir/b.txt").Trim().Should().Be("0:0");
    }

    [Fact]
    public void ExtendedAttributes_AreReadFromTheLowerAndWrittenToTheUpper()
    {
        Requires.Fuse();
        Requires.Program("setfattr", "attr");
        using var mounted = new MountedOverlay(l =>
        {
            StandardLayers(l);
            Run.Checked(l, "setfattr", "-n", "user.origin", "-v", "lower", "top.txt");
        }, BottomLayer);

        Run.Checked(mounted.MountPoint, "getfattr", "--only-values", "-n", "user.origin", "top.txt").Should().Be("lower");
        Run.Checked(mounted.MountPoint, "setfattr", "-n", "user.added", "-v", "upper", "top.txt");
        Run.Checked(mounted.MountPoint, "getfattr", "-d", "top.txt").Should().Contain("user.added=\"upper\"").And.Contain("user.origin=\"lower\"");
        Run.Checked(mounted.MountPoint, "setfattr", "-x", "user.origin", "top.txt");
        var (code, output) = Run.Program(mounted.MountPoint, "getfattr", "-n", "user.origin", "top.txt");
        output.Should().Contain("No such attribute");

        Run.Checked(mounted.Upper, "getfattr", "--only-values", "-n", "user.added", "top.txt").Should().Be("upper");
        Run.Checked(mounted.Lower0, "getfattr", "--only-values", "-n", "user.origin", "top.txt").Should().Be("lower", "the lower is never written");
        (code, _) = Run.Program(mounted.MountPoint, "setfattr", "-n", "trusted.overlay.opaque", "-v", "y", "dir");
        code.Should().NotBe(0, "the overlay's own attributes are not set through it");
    }

    [Fact]
    public void Write_OfAFileGivenACapabilityAfterItWasWritten_DropsTheCapability()
    {
        Requires.Fuse();
        Requires.Program("setcap", "libcap2-bin");
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        File.WriteAllText(mounted["tool"], "v1"); // a new file, written: it has no capability
        Run.Checked(mounted.MountPoint, "setcap", "cap_net_raw+ep", "tool");
        Run.Checked(mounted.MountPoint, "getcap", "tool").Should().Contain("cap_net_raw");

        File.AppendAllText(mounted["tool"], " and v2");

        Run.Checked(mounted.MountPoint, "getcap", "tool").Trim().Should().BeEmpty("a write drops file capabilities, as on any Linux file system");
        Run.Checked(mounted.Upper, "getcap", "tool").Trim().Should().BeEmpty();
        File.ReadAllText(mounted["tool"]).Should().Be("v1 and v2");
    }

    [Fact]
    public void Write_AfterARenameOverAWrittenFile_DropsTheCapabilityOfTheFileMovedThere()
    {
        Requires.Fuse();
        Requires.Program("setcap", "libcap2-bin");
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        File.WriteAllText(mounted["privileged"], "p");
        Run.Checked(mounted.MountPoint, "setcap", "cap_net_raw+ep", "privileged");
        File.WriteAllText(mounted["plain"], "x");
        File.AppendAllText(mounted["plain"], "y"); // "plain" has no capability, and was asked so

        File.Move(mounted["privileged"], mounted["plain"], overwrite: true);
        Run.Checked(mounted.MountPoint, "getcap", "plain").Should().Contain("cap_net_raw");
        File.AppendAllText(mounted["plain"], "q");

        Run.Checked(mounted.MountPoint, "getcap", "plain").Trim().Should().BeEmpty();
        File.ReadAllText(mounted["plain"]).Should().Be("pq");
    }

    [Fact]
    public void Mknod_MakesFifosAndDeviceNodesInTheUpper()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(StandardLayers, BottomLayer);

        Run.Checked(mounted.MountPoint, "mkfifo", "-m", "640", "pipe");
        Run.Checked(mounted.MountPoint, "mknod", "-m", "600", "null2", "c", "1", "3");
        Run.Checked(mounted.MountPoint, "mknod", "disk", "b", "259", "70000");

        Run.Checked(mounted.MountPoint, "stat", "-c", "%F %a", "pipe").Trim().Should().Be("fifo 640");
        Run.Checked(mounted.MountPoint, "stat", "-c", "%F %a %t:%T", "null2").Trim().Should().Be("character special file 600 1:3");
        Run.Checked(mounted.MountPoint, "stat", "-c", "%F %Hr:%Lr", "disk").Trim().Should().Be("block special file 259:70000");
        Run.Checked(mounted.Upper, "stat", "-c", "%F %t:%T", "null2").Trim().Should().Be("character special file 1:3");
        Run.Checked(mounted.MountPoint, "ls").Should().Contain("pipe").And.Contain("null2");
    }

    [Fact]
    public void Mount_OfInMemoryLayers_ServesAndWritesTheMemoryUpper()
    {
        Requires.Fuse();
        string root = Directory.CreateTempSubdirectory("overlay-test-memory-").FullName;
        var image = new Overlay.Layers.MemoryLayer("image").AddFile("/etc/motd", "hello\n").AddDirectory("/var/log");
        var container = new Overlay.Layers.MemoryLayer("container");
        var fs = new OverlayFileSystem([image], container, new OverlayOptions { Umask = 0 });
        try
        {
            using (OverlayMount.Mount(fs, root))
            {
                Run.Shell(root, "echo world >> etc/motd && mkdir var/log/app && echo x > var/log/app/log && rm -r var/log/app");
                Run.Checked(root, "cat", "etc/motd").Should().Be("hello\nworld\n");
            }

            fs.File.ReadAllText("/etc/motd").Should().Be("hello\nworld\n");
            container.TryGetEntry("/etc/motd", out _).Should().BeTrue();
            image.TryGetEntry("/etc/motd", out var lower).Should().BeTrue();
            lower.Length.Should().Be(6);
            fs.Directory.Exists("/var/log/app").Should().BeFalse();
        }
        finally
        {
            Mounts.Detach(root);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Mount_WhenMountPointIsMissing_ThrowsDirectoryNotFound()
    {
        Requires.Fuse();
        var fs = new OverlayFileSystem([], new Overlay.Layers.MemoryLayer());
        string missing = Path.Combine(Path.GetTempPath(), $"overlay-test-missing-{Guid.NewGuid():N}");

        var mount = () => OverlayMount.Mount(fs, missing);

        mount.Should().Throw<DirectoryNotFoundException>().WithMessage($"*{missing}*");
    }

    [Fact]
    public void Dispose_Unmounts()
    {
        Requires.Fuse();
        var mounted = new MountedOverlay(StandardLayers, BottomLayer);
        string mountPoint = mounted.MountPoint;
        File.Exists(mounted["top.txt"]).Should().BeTrue();

        mounted.Mount.Dispose();

        File.ReadAllText("/proc/self/mountinfo").Should().NotContain(mountPoint);
        mounted.Mount.Unmounted.IsCompleted.Should().BeTrue();
        mounted.Dispose();
        Directory.Exists(mounted.Root).Should().BeFalse();
    }

    private static ulong Inode(string path) => ulong.Parse(Run.Checked("/", "stat", "-c", "%i", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
