using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Overlay.Layers.Host;

namespace Overlay.Tests.Layers;

/// <summary>
/// The libc wrappers of the host-directory layer, against the real kernel: each result is compared
/// with what System.IO or coreutils <c>stat</c> report for the same file. Linux only; the tests that
/// need root (device nodes, <c>trusted.</c> attributes) skip with a reason elsewhere.
/// </summary>
[SupportedOSPlatform("linux")] // Every test but one skips first (RequireLinux) on any other OS.
[Trait("Category", "Disk")]
public sealed class LinuxSyscallsTests : IDisposable
{
    private const UnixFileMode Mode0640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private static readonly byte[] Content = "hello, overlay\n"u8.ToArray();

    private readonly string _root;
    private readonly List<string> _extraRoots = [];

    public LinuxSyscallsTests()
    {
        _root = Path.Combine(Path.GetTempPath(), "overlay-syscalls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    public void Dispose()
    {
        DeleteTree(_root);
        _extraRoots.ForEach(DeleteTree);
    }

    // ----- statx -----

    [Fact]
    public void LStat_OfAFile_MatchesSystemIo()
    {
        RequireLinux();
        var path = NewFile("file", Content);
        var mode = Mode0640 | UnixFileMode.SetGroup;
        File.SetUnixFileMode(path, mode);
        var mtime = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1_234_567);
        var atime = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(7_654_321);
        File.SetLastWriteTimeUtc(path, mtime);
        File.SetLastAccessTimeUtc(path, atime);

        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);

        stat.IsRegularFile.Should().BeTrue();
        stat.IsDirectory.Should().BeFalse();
        stat.IsSymbolicLink.Should().BeFalse();
        stat.Type.Should().Be(LinuxSyscalls.S_IFREG);
        stat.Permissions.Should().Be(mode).And.Be(File.GetUnixFileMode(path));
        stat.Size.Should().Be((ulong)new FileInfo(path).Length).And.Be((ulong)Content.Length);
        stat.LastWriteTimeUtc.Should().Be(mtime).And.Be(File.GetLastWriteTimeUtc(path));
        stat.LastWriteTimeUtc.Kind.Should().Be(DateTimeKind.Utc);
        stat.LastAccessTimeUtc.Should().Be(atime).And.Be(File.GetLastAccessTimeUtc(path));
        stat.LinkCount.Should().Be(1);
        (stat.Mask & LinuxSyscalls.STATX_BASIC_STATS).Should().Be(LinuxSyscalls.STATX_BASIC_STATS);
    }

    [Fact]
    public void LStat_CreationTime_IsTheBirthTimeWhenReported_OtherwiseTheLastWriteTime()
    {
        RequireLinux();
        var before = DateTime.UtcNow.AddSeconds(-2);
        var path = NewFile("born", Content);
        File.SetLastWriteTimeUtc(path, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);

        if ((stat.Mask & LinuxSyscalls.STATX_BTIME) != 0)
        {
            // Setting the mtime does not move the birth time: it stays "just now".
            stat.CreationTimeUtc.Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTime.UtcNow.AddSeconds(2));
            stat.CreationTimeUtc.Should().Be(DateTime.UnixEpoch.AddTicks((stat.BirthSeconds * TimeSpan.TicksPerSecond) + (stat.BirthNanoseconds / 100)));
        }
        else
        {
            stat.CreationTimeUtc.Should().Be(stat.LastWriteTimeUtc);
        }
    }

    [Fact]
    public void LStat_MatchesCoreutilsStat_ForInodeLinksDeviceModeAndTimes()
    {
        RequireLinux();
        var path = NewFile("cross", Content);
        File.SetLastWriteTimeUtc(path, new DateTime(2019, 6, 7, 8, 9, 10, DateTimeKind.Utc).AddTicks(4_567_891));

        var fields = CoreutilsStat(path, "%i %h %Hd %Ld %d %f %s %.9X %.9Y %.9Z");
        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);

        stat.Inode.Should().Be(ulong.Parse(fields[0], CultureInfo.InvariantCulture));
        stat.LinkCount.Should().Be(uint.Parse(fields[1], CultureInfo.InvariantCulture));
        stat.DevMajor.Should().Be(uint.Parse(fields[2], CultureInfo.InvariantCulture));
        stat.DevMinor.Should().Be(uint.Parse(fields[3], CultureInfo.InvariantCulture));
        LinuxSyscalls.MakeDevice(stat.DevMajor, stat.DevMinor).Should().Be(ulong.Parse(fields[4], CultureInfo.InvariantCulture));
        (stat.Type | (uint)stat.Permissions).Should().Be(uint.Parse(fields[5], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        stat.Size.Should().Be(ulong.Parse(fields[6], CultureInfo.InvariantCulture));
        Timestamp(stat.AtimeSeconds, stat.AtimeNanoseconds).Should().Be(fields[7]);
        Timestamp(stat.MtimeSeconds, stat.MtimeNanoseconds).Should().Be(fields[8]);
        Timestamp(stat.CtimeSeconds, stat.CtimeNanoseconds).Should().Be(fields[9]);
    }

    [Fact]
    public void LStat_OfADirectory_IsADirectoryWithItsMode()
    {
        RequireLinux();
        var path = Path.Combine(_root, "dir");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.StickyBit);

        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);

        stat.IsDirectory.Should().BeTrue();
        stat.IsRegularFile.Should().BeFalse();
        stat.Type.Should().Be(LinuxSyscalls.S_IFDIR);
        stat.Permissions.Should().Be(File.GetUnixFileMode(path))
            .And.Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.StickyBit);
        stat.LastWriteTimeUtc.Should().Be(Directory.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void LStat_OfASymlink_DescribesTheLinkNotItsTarget()
    {
        RequireLinux();
        var target = NewFile("target", Content);
        File.SetUnixFileMode(target, Mode0640);
        var link = Path.Combine(_root, "link");
        File.CreateSymbolicLink(link, "target");
        var dangling = Path.Combine(_root, "dangling");
        File.CreateSymbolicLink(dangling, "no-such-name");

        LinuxSyscalls.LStat(link, out var stat).Should().Be(0);
        LinuxSyscalls.LStat(dangling, out var danglingStat).Should().Be(0);

        stat.IsSymbolicLink.Should().BeTrue();
        stat.IsRegularFile.Should().BeFalse();
        stat.Type.Should().Be(LinuxSyscalls.S_IFLNK);
        stat.Size.Should().Be((ulong)"target".Length, "a link's size is the length of the path it holds");
        stat.Permissions.Should().Be((UnixFileMode)0x1FF); // 0777: links have no mode of their own.
        danglingStat.IsSymbolicLink.Should().BeTrue();
        danglingStat.Size.Should().Be((ulong)"no-such-name".Length);
    }

    [Fact]
    public void LStat_OfMissingNames_ReturnsTheErrnoWithoutThrowing()
    {
        RequireLinux();
        var file = NewFile("plain", Content);

        LinuxSyscalls.LStat(Path.Combine(_root, "missing"), out var missing).Should().Be(LinuxSyscalls.ENOENT);
        LinuxSyscalls.LStat(Path.Combine(file, "below"), out var belowFile).Should().Be(LinuxSyscalls.ENOTDIR);

        missing.Should().Be(default(LinuxSyscalls.StatxResult));
        belowFile.Should().Be(default(LinuxSyscalls.StatxResult));
    }

    [Fact]
    public void LStat_OfTwoFilesInOneDirectory_GivesTheSameDeviceAndDifferentInodes()
    {
        RequireLinux();
        var first = NewFile("one", Content);
        var second = NewFile("two", Content);

        LinuxSyscalls.LStat(first, out var a).Should().Be(0);
        LinuxSyscalls.LStat(second, out var b).Should().Be(0);

        (a.DevMajor, a.DevMinor).Should().Be((b.DevMajor, b.DevMinor));
        (a.DevMajor, a.DevMinor).Should().NotBe((0u, 0u), "no mounted file system has device 0:0");
        a.Inode.Should().NotBe(b.Inode);
        (a.RdevMajor, a.RdevMinor).Should().Be((0u, 0u), "a regular file stands for no device");
    }

    // ----- open -----

    [Fact]
    public void OpenReadNoFollow_ReadsTheFile_ThroughASeekableFileStream()
    {
        RequireLinux();
        var path = NewFile("data", Content);

        LinuxSyscalls.OpenReadNoFollow(path, noAtime: true, out var handle).Should().Be(0);

        using var stream = new FileStream(handle, FileAccess.Read, 1);
        stream.CanRead.Should().BeTrue();
        stream.CanWrite.Should().BeFalse();
        stream.CanSeek.Should().BeTrue();
        stream.Length.Should().Be(Content.Length);
        ReadAll(stream).Should().Equal(Content);
        stream.Seek(7, SeekOrigin.Begin);
        ReadAll(stream).Should().Equal(Content[7..]);
    }

    [Fact]
    public void OpenReadNoFollow_DisposingTheStream_ClosesTheDescriptor()
    {
        RequireLinux();
        var path = NewFile("data", Content);
        LinuxSyscalls.OpenReadNoFollow(path, noAtime: false, out var handle).Should().Be(0);
        var fd = (int)handle.DangerousGetHandle();
        var fdLink = "/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture);
        // The kernel names the file by its resolved path: compare the unique tail only (TMPDIR may be a link).
        var tail = Path.Combine(Path.GetFileName(_root), "data");
        new FileInfo(fdLink).LinkTarget.Should().EndWith(tail);

        new FileStream(handle, FileAccess.Read, 1).Dispose();

        handle.IsClosed.Should().BeTrue();
        (new FileInfo(fdLink).LinkTarget ?? string.Empty).Should().NotEndWith(tail, "the descriptor is closed (or reused for another file)");
    }

    [Fact]
    public void OpenReadNoFollow_OfASymlink_FailsWithEloop()
    {
        RequireLinux();
        NewFile("target", Content);
        var link = Path.Combine(_root, "link");
        File.CreateSymbolicLink(link, "target");

        var errno = LinuxSyscalls.OpenReadNoFollow(link, noAtime: true, out var handle);

        errno.Should().Be(LinuxSyscalls.ELOOP);
        handle.IsInvalid.Should().BeTrue();
    }

    [Fact]
    public void OpenReadNoFollow_OfAMissingFile_FailsWithEnoent()
    {
        RequireLinux();

        LinuxSyscalls.OpenReadNoFollow(Path.Combine(_root, "missing"), noAtime: false, out var handle)
            .Should().Be(LinuxSyscalls.ENOENT);
        handle.IsInvalid.Should().BeTrue();
    }

    // ----- openat2 with RESOLVE_NO_SYMLINKS -----

    [Fact]
    public void OpenRegularFileNoLinks_OfAFile_GivesItsDataAndLength()
    {
        RequireOpenAt2();
        var path = NewFile("quick", Content);

        LinuxSyscalls.OpenRegularFileNoLinks(path, noAtime: true, out var handle, out long length).Should().Be(0);

        using (handle)
        {
            length.Should().Be(Content.Length);
            var data = new byte[Content.Length];
            RandomAccess.Read(handle!, data, 0).Should().Be(Content.Length);
            data.Should().Equal(Content);
        }
    }

    [Fact]
    public void OpenRegularFileNoLinks_ThroughALinkedParentDirectory_FailsWithEloop()
    {
        RequireOpenAt2();
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(outside, "secret"), Content);
        File.CreateSymbolicLink(Path.Combine(_root, "layer-dir"), outside);

        // The final name is a plain file; only a parent is a link: O_NOFOLLOW alone would open it.
        var errno = LinuxSyscalls.OpenRegularFileNoLinks(Path.Combine(_root, "layer-dir", "secret"), noAtime: false, out var handle, out _);

        errno.Should().Be(LinuxSyscalls.ELOOP);
        handle.Should().BeNull();
    }

    [Fact]
    public void OpenRegularFileNoLinks_OfALinkAMissingNameADirectoryOrAFifo_RefusesWithoutBlocking()
    {
        RequireOpenAt2();
        NewFile("target", Content);
        File.CreateSymbolicLink(Path.Combine(_root, "link"), "target");
        Directory.CreateDirectory(Path.Combine(_root, "dir"));
        var fifo = Path.Combine(_root, "fifo");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }

        LinuxSyscalls.OpenRegularFileNoLinks(Path.Combine(_root, "link"), false, out var link, out _).Should().Be(LinuxSyscalls.ELOOP);
        LinuxSyscalls.OpenRegularFileNoLinks(Path.Combine(_root, "missing"), false, out var missing, out _).Should().Be(LinuxSyscalls.ENOENT);
        LinuxSyscalls.OpenRegularFileNoLinks(Path.Combine(_root, "dir"), false, out var dir, out _).Should().Be(LinuxSyscalls.ENOTSUP);

        // A FIFO with no writer would block a plain open for reading: this one returns at once.
        LinuxSyscalls.OpenRegularFileNoLinks(fifo, false, out var pipe, out _).Should().Be(LinuxSyscalls.ENOTSUP);

        new[] { link, missing, dir, pipe }.Should().OnlyContain(h => h == null);
    }

    [Fact]
    public void OpenReadNoFollow_WithNoAtime_LeavesTheAccessTimeAlone()
    {
        RequireLinux();
        var path = NewFile("atime", Content);
        // Under relatime, a read only updates an atime older than the mtime or than a day: an atime in
        // the past makes the plain read below update it, so the O_NOATIME read is a real test.
        var past = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

        File.SetLastAccessTimeUtc(path, past);
        ReadThrough(path, noAtime: false);
        if (File.GetLastAccessTimeUtc(path) == past)
        {
            Assert.Skip("This file system does not update access times (noatime mount): O_NOATIME cannot be observed.");
        }

        File.SetLastAccessTimeUtc(path, past);
        ReadThrough(path, noAtime: true).Should().Equal(Content);

        File.GetLastAccessTimeUtc(path).Should().Be(past);
        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);
        stat.LastAccessTimeUtc.Should().Be(past);
    }

    [Fact]
    public void OpenReadNoFollow_WithNoAtime_OfAnotherOwnersFile_RetriesWithoutIt()
    {
        RequireLinux();
        if (!Environment.IsPrivilegedProcess)
        {
            // Not root: a root-owned file is someone else's, O_NOATIME is refused with EPERM.
            const string Shared = "/etc/passwd";
            if (!File.Exists(Shared))
            {
                Assert.Skip("No root-owned readable file (/etc/passwd) to open without being its owner.");
            }

            ReadThrough(Shared, noAtime: true).Should().Equal(File.ReadAllBytes(Shared));
            return;
        }

        // Root may use O_NOATIME on any file (CAP_FOWNER): give the file to nobody and drop CAP_FOWNER
        // from the effective set of a thread of our own (capabilities are per thread; it then exits).
        var path = NewFile("others", Content);
        const int Nobody = 65534;
        if (TestNative.chown(path, Nobody, Nobody) != 0)
        {
            Assert.Skip("chown to nobody failed: " + LinuxSyscalls.Describe(Marshal.GetLastPInvokeError()));
        }

        var past = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastAccessTimeUtc(path, past);
        int capsetErrno = 0, plainNoAtimeErrno = 0, errno = -1;
        byte[]? read = null;
        var thread = new Thread(() =>
        {
            capsetErrno = TestNative.DropEffectiveCapability(TestNative.CapFowner);
            if (capsetErrno != 0)
            {
                return;
            }

            plainNoAtimeErrno = TestNative.OpenErrno(path, LinuxSyscalls.OpenFlagsFor(RuntimeInformation.ProcessArchitecture).NoAtime);
            errno = LinuxSyscalls.OpenReadNoFollow(path, noAtime: true, out var handle);
            if (errno == 0)
            {
                using var stream = new FileStream(handle, FileAccess.Read, 1);
                read = ReadAll(stream);
            }
        });
        thread.Start();
        thread.Join();

        if (capsetErrno != 0)
        {
            Assert.Skip("Cannot drop CAP_FOWNER from a thread (capset): " + LinuxSyscalls.Describe(capsetErrno));
        }

        plainNoAtimeErrno.Should().Be(LinuxSyscalls.EPERM, "without CAP_FOWNER, O_NOATIME on another owner's file is refused");
        errno.Should().Be(0);
        read.Should().Equal(Content);
        File.GetLastAccessTimeUtc(path).Should().BeAfter(past, "the retry opened the file without O_NOATIME");
    }

    // ----- fsync -----

    [Fact]
    public void FsyncDirectory_OfADirectory_Succeeds_OfAFile_FailsWithEnotdir()
    {
        RequireLinux();
        var file = NewFile("file", Content);

        LinuxSyscalls.FsyncDirectory(_root).Should().Be(0);
        LinuxSyscalls.FsyncDirectory(file).Should().Be(LinuxSyscalls.ENOTDIR);
        LinuxSyscalls.FsyncDirectory(Path.Combine(_root, "missing")).Should().Be(LinuxSyscalls.ENOENT);
    }

    [Fact]
    public void Fsync_OfAnOpenFile_Succeeds_OfAClosedHandle_Throws()
    {
        RequireLinux();
        var path = NewFile("file", Content);
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            LinuxSyscalls.Fsync(handle).Should().Be(0);
        }

        LinuxSyscalls.OpenReadNoFollow(path, noAtime: false, out var readHandle).Should().Be(0);
        LinuxSyscalls.Fsync(readHandle).Should().Be(0);
        readHandle.Dispose();

        var act = () => LinuxSyscalls.Fsync(readHandle);
        act.Should().Throw<ObjectDisposedException>("the SafeHandle marshaller refuses a closed handle");
    }

    // ----- renameat2 -----

    [Fact]
    public void RenameAt2_WithNoReplace_FailsWithEexistWhenTheTargetExists()
    {
        RequireLinux();
        var source = NewFile("source", "source"u8.ToArray());
        var target = NewFile("target", "target"u8.ToArray());

        LinuxSyscalls.RenameAt2(source, target, LinuxSyscalls.RENAME_NOREPLACE).Should().Be(LinuxSyscalls.EEXIST);

        File.ReadAllText(source).Should().Be("source");
        File.ReadAllText(target).Should().Be("target");
    }

    [Fact]
    public void RenameAt2_WithNoReplace_MovesToAFreeName()
    {
        RequireLinux();
        var source = NewFile("source", "source"u8.ToArray());
        var target = Path.Combine(_root, "free");

        LinuxSyscalls.RenameAt2(source, target, LinuxSyscalls.RENAME_NOREPLACE).Should().Be(0);

        File.Exists(source).Should().BeFalse();
        File.ReadAllText(target).Should().Be("source");
    }

    [Fact]
    public void RenameAt2_WithExchange_SwapsTheTwoFiles()
    {
        RequireLinux();
        var left = NewFile("left", "left"u8.ToArray());
        var right = NewFile("right", "right"u8.ToArray());
        LinuxSyscalls.LStat(left, out var leftBefore).Should().Be(0);
        LinuxSyscalls.LStat(right, out var rightBefore).Should().Be(0);

        LinuxSyscalls.RenameAt2(left, right, LinuxSyscalls.RENAME_EXCHANGE).Should().Be(0);

        File.ReadAllText(left).Should().Be("right");
        File.ReadAllText(right).Should().Be("left");
        LinuxSyscalls.LStat(left, out var leftAfter).Should().Be(0);
        LinuxSyscalls.LStat(right, out var rightAfter).Should().Be(0);
        leftAfter.Inode.Should().Be(rightBefore.Inode);
        rightAfter.Inode.Should().Be(leftBefore.Inode);
    }

    [Fact]
    public void RenameAt2_WithExchange_SwapsAFileAndADirectory()
    {
        RequireLinux();
        var left = NewFile("left", "left"u8.ToArray());
        var right = Path.Combine(_root, "right");
        Directory.CreateDirectory(right);
        File.WriteAllText(Path.Combine(right, "inner"), "inner");

        LinuxSyscalls.RenameAt2(left, right, LinuxSyscalls.RENAME_EXCHANGE).Should().Be(0);

        File.ReadAllText(right).Should().Be("left");
        File.ReadAllText(Path.Combine(left, "inner")).Should().Be("inner");
    }

    [Fact]
    public void RenameAt2_WithExchange_FailsWithEnoentWhenOneSideIsMissing()
    {
        RequireLinux();
        var left = NewFile("left", "left"u8.ToArray());

        LinuxSyscalls.RenameAt2(left, Path.Combine(_root, "missing"), LinuxSyscalls.RENAME_EXCHANGE)
            .Should().Be(LinuxSyscalls.ENOENT);
        File.ReadAllText(left).Should().Be("left");
    }

    // ----- mknod -----

    [Fact]
    public void MakeNode_OfACharacterDevice00_IsAWhiteoutShapedNode()
    {
        RequireLinux();
        var path = Path.Combine(_root, "whiteout");

        var errno = LinuxSyscalls.MakeNode(path, LinuxSyscalls.S_IFCHR, LinuxSyscalls.MakeDevice(0, 0));
        if (errno == LinuxSyscalls.EPERM)
        {
            Assert.Skip("mknod of a whiteout needs CAP_MKNOD (root) before Linux 5.8: " + LinuxSyscalls.Describe(errno));
        }

        errno.Should().Be(0);
        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);
        stat.IsCharacterDevice.Should().BeTrue();
        stat.Type.Should().Be(LinuxSyscalls.S_IFCHR);
        (stat.RdevMajor, stat.RdevMinor).Should().Be((0u, 0u));
        stat.Permissions.Should().Be(UnixFileMode.None);
    }

    [Fact]
    public void MakeNode_OfACharacterDevice_KeepsLargeMajorAndMinorNumbers()
    {
        RequireLinux();
        var path = Path.Combine(_root, "device");

        // 259 needs more than 8 bits of major, 65537 more than 8 bits of minor: both halves of the encoding.
        var errno = LinuxSyscalls.MakeNode(path, LinuxSyscalls.S_IFCHR | 0x180, LinuxSyscalls.MakeDevice(259, 65537));
        if (errno == LinuxSyscalls.EPERM)
        {
            Assert.Skip("mknod of a character device needs CAP_MKNOD (root): " + LinuxSyscalls.Describe(errno));
        }

        errno.Should().Be(0);
        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);
        stat.IsCharacterDevice.Should().BeTrue();
        (stat.RdevMajor, stat.RdevMinor).Should().Be((259u, 65537u));
        var fields = CoreutilsStat(path, "%Hr %Lr");
        fields.Should().Equal("259", "65537");
    }

    [Fact]
    public void MakeNode_OfAFifo_NeedsNoPrivilege()
    {
        RequireLinux();
        var path = Path.Combine(_root, "fifo");

        LinuxSyscalls.MakeNode(path, LinuxSyscalls.S_IFIFO | 0x180, 0).Should().Be(0); // 0600

        LinuxSyscalls.LStat(path, out var stat).Should().Be(0);
        stat.Type.Should().Be(LinuxSyscalls.S_IFIFO);
        stat.Permissions.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        LinuxSyscalls.MakeNode(path, LinuxSyscalls.S_IFIFO | 0x180, 0).Should().Be(LinuxSyscalls.EEXIST);
    }

    [Theory]
    [InlineData(0u, 0u, 0x0UL)]
    [InlineData(8u, 1u, 0x801UL)]
    [InlineData(254u, 0u, 0xFE00UL)]
    [InlineData(0x12345u, 0xABCDEFu, 0x1200ABCD345EFUL)] // glibc's makedev on x86_64
    public void MakeDevice_EncodesLikeGlibc(uint major, uint minor, ulong expected)
    {
        LinuxSyscalls.MakeDevice(major, minor).Should().Be(expected);
    }

    // ----- extended attributes -----

    [Fact]
    public void Xattrs_InTheUserNamespace_SetGetListRemove()
    {
        RequireLinux();
        var directory = DirectoryWithUserXattrs();
        var path = Path.Combine(directory, "file");
        File.WriteAllBytes(path, Content);
        byte[] value = [1, 2, 0, 3, 255];
        var large = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();

        LinuxSyscalls.SetXattr(path, "user.overlay.test", value, 0).Should().Be(0);
        LinuxSyscalls.SetXattr(path, "user.overlay.empty", ReadOnlySpan<byte>.Empty, 0).Should().Be(0);
        LinuxSyscalls.SetXattr(path, "user.overlay.large", large, 0).Should().Be(0);

        LinuxSyscalls.GetXattr(path, "user.overlay.test", out var read).Should().Be(0);
        read.Should().Equal(value);
        LinuxSyscalls.GetXattr(path, "user.overlay.empty", out var empty).Should().Be(0);
        empty.Should().NotBeNull().And.BeEmpty();
        LinuxSyscalls.GetXattr(path, "user.overlay.large", out var readLarge).Should().Be(0);
        readLarge.Should().Equal(large);
        LinuxSyscalls.ListXattrs(path, out var names).Should().Be(0);
        names.Should().Contain(["user.overlay.test", "user.overlay.empty", "user.overlay.large"]);

        LinuxSyscalls.RemoveXattr(path, "user.overlay.test").Should().Be(0);
        LinuxSyscalls.GetXattr(path, "user.overlay.test", out var gone).Should().Be(LinuxSyscalls.ENODATA);
        gone.Should().BeNull();
        LinuxSyscalls.RemoveXattr(path, "user.overlay.test").Should().Be(LinuxSyscalls.ENODATA);
        LinuxSyscalls.ListXattrs(path, out var remaining).Should().Be(0);
        remaining.Should().NotContain("user.overlay.test").And.Contain("user.overlay.large");
    }

    [Fact]
    public void Xattrs_CreateAndReplaceFlags_AreHonoured()
    {
        RequireLinux();
        var directory = DirectoryWithUserXattrs();
        var path = Path.Combine(directory, "file");
        File.WriteAllBytes(path, Content);
        const int XattrCreate = 1;
        const int XattrReplace = 2;

        LinuxSyscalls.SetXattr(path, "user.flagged", "a"u8, XattrReplace).Should().Be(LinuxSyscalls.ENODATA);
        LinuxSyscalls.SetXattr(path, "user.flagged", "a"u8, XattrCreate).Should().Be(0);
        LinuxSyscalls.SetXattr(path, "user.flagged", "b"u8, XattrCreate).Should().Be(LinuxSyscalls.EEXIST);
        LinuxSyscalls.SetXattr(path, "user.flagged", "c"u8, XattrReplace).Should().Be(0);

        LinuxSyscalls.GetXattr(path, "user.flagged", out var value).Should().Be(0);
        value.Should().Equal("c"u8.ToArray());
    }

    [Fact]
    public void Xattrs_OfAFileWithNone_AreAnEmptyList_AndAMissingNameIsEnodata()
    {
        RequireLinux();
        var directory = DirectoryWithUserXattrs();
        var path = Path.Combine(directory, "bare");
        File.WriteAllBytes(path, Content);

        LinuxSyscalls.ListXattrs(path, out var names).Should().Be(0);
        names.Should().NotContain(name => name.StartsWith("user.", StringComparison.Ordinal));
        LinuxSyscalls.GetXattr(path, "user.absent", out var value).Should().Be(LinuxSyscalls.ENODATA);
        value.Should().BeNull();
        LinuxSyscalls.GetXattr(Path.Combine(directory, "missing"), "user.absent", out _).Should().Be(LinuxSyscalls.ENOENT);
        LinuxSyscalls.ListXattrs(Path.Combine(directory, "missing"), out var none).Should().Be(LinuxSyscalls.ENOENT);
        none.Should().BeEmpty();
    }

    [Fact]
    public void Xattrs_OfASymlink_AreTheLinksOwn_NotTheTargets()
    {
        RequireLinux();
        var directory = DirectoryWithUserXattrs();
        var target = Path.Combine(directory, "target");
        File.WriteAllBytes(target, Content);
        var link = Path.Combine(directory, "link");
        File.CreateSymbolicLink(link, "target");
        LinuxSyscalls.SetXattr(target, "user.on.target", "t"u8, 0).Should().Be(0);

        LinuxSyscalls.GetXattr(link, "user.on.target", out var value).Should().Be(LinuxSyscalls.ENODATA);
        value.Should().BeNull();
        LinuxSyscalls.ListXattrs(link, out var names).Should().Be(0);
        names.Should().NotContain("user.on.target");
        // user.* attributes are not allowed on a symlink itself: following it would have succeeded.
        LinuxSyscalls.SetXattr(link, "user.on.link", "l"u8, 0).Should().Be(LinuxSyscalls.EPERM);
        LinuxSyscalls.GetXattr(target, "user.on.link", out _).Should().Be(LinuxSyscalls.ENODATA);
    }

    [Fact]
    public void Xattrs_InTheTrustedNamespace_WorkAsRoot_OnDirectoriesAndSymlinks()
    {
        RequireLinux();
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("trusted.* extended attributes need CAP_SYS_ADMIN (root).");
        }

        var directory = Path.Combine(_root, "opaque");
        Directory.CreateDirectory(directory);
        var link = Path.Combine(_root, "link");
        File.CreateSymbolicLink(link, "opaque");

        var errno = LinuxSyscalls.SetXattr(directory, "trusted.overlay.opaque", "y"u8, 0);
        if (errno is LinuxSyscalls.ENOTSUP or LinuxSyscalls.EPERM)
        {
            Assert.Skip($"trusted.* attributes refused here ({LinuxSyscalls.Describe(errno)}): no CAP_SYS_ADMIN or no support in {_root}.");
        }

        errno.Should().Be(0);
        LinuxSyscalls.SetXattr(link, "trusted.overlay.redirect", "/elsewhere"u8, 0).Should().Be(0);

        LinuxSyscalls.GetXattr(directory, "trusted.overlay.opaque", out var opaque).Should().Be(0);
        opaque.Should().Equal("y"u8.ToArray());
        LinuxSyscalls.ListXattrs(directory, out var names).Should().Be(0);
        names.Should().Contain("trusted.overlay.opaque").And.NotContain("trusted.overlay.redirect");
        LinuxSyscalls.GetXattr(link, "trusted.overlay.redirect", out var redirect).Should().Be(0);
        redirect.Should().Equal("/elsewhere"u8.ToArray());
        LinuxSyscalls.GetXattr(link, "trusted.overlay.opaque", out _).Should().Be(LinuxSyscalls.ENODATA);
        LinuxSyscalls.RemoveXattr(directory, "trusted.overlay.opaque").Should().Be(0);
        LinuxSyscalls.GetXattr(directory, "trusted.overlay.opaque", out _).Should().Be(LinuxSyscalls.ENODATA);
    }

    // ----- umask, errno text -----

    [Fact]
    public void GetUmask_IsWhatFileCreationApplies()
    {
        RequireLinux();

        // Other tests may set the process umask: retry when it moved while the files were created.
        for (var attempt = 0; ; attempt++)
        {
            var umask = LinuxSyscalls.GetUmask();
            umask.Should().BeInRange(0, 0x1FF); // 0 to 0777
            var file = Path.Combine(_root, "created-" + attempt.ToString(CultureInfo.InvariantCulture));
            var directory = file + ".d";
            File.Create(file).Dispose();
            Directory.CreateDirectory(directory);
            if (LinuxSyscalls.GetUmask() != umask && attempt < 3)
            {
                continue;
            }

            File.GetUnixFileMode(file).Should().Be((UnixFileMode)(0x1B6 & ~umask)); // 0666 & ~umask
            File.GetUnixFileMode(directory).Should().Be((UnixFileMode)(0x1FF & ~umask)); // 0777 & ~umask
            return;
        }
    }

    [Fact]
    public void Describe_GivesTheStrerrorText()
    {
        RequireLinux();

        LinuxSyscalls.Describe(LinuxSyscalls.ENOENT).Should().Be("No such file or directory");
        LinuxSyscalls.Describe(LinuxSyscalls.ENOTEMPTY).Should().Be("Directory not empty");
    }

    [Fact]
    public void IsSupported_IsTrueOnLinuxOnly()
    {
        LinuxSyscalls.IsSupported.Should().Be(OperatingSystem.IsLinux());
    }

    // ----- helpers -----

    private static void RequireLinux()
    {
        if (!LinuxSyscalls.IsSupported)
        {
            Assert.Skip("LinuxSyscalls calls Linux libc (statx, renameat2, l*xattr): not available on this OS.");
        }
    }

    /// <summary>openat2 came with Linux 5.6, and a sandbox may filter it: the quick open then always says ENOTSUP.</summary>
    private void RequireOpenAt2()
    {
        RequireLinux();
        var probe = NewFile("openat2-probe", Content);
        if (LinuxSyscalls.OpenRegularFileNoLinks(probe, noAtime: false, out var handle, out _) == LinuxSyscalls.ENOTSUP)
        {
            Assert.Skip("openat2 is not available here (a kernel before 5.6, or filtered): the layers read through their stat-each-parent way instead.");
        }

        handle!.Dispose();
    }

    private string NewFile(string name, byte[] content)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>
    /// A directory on a file system that takes <c>user.</c> attributes: the test root, else one under
    /// /var/tmp (tmpfs before Linux 6.6 refuses them); skips when neither does.
    /// </summary>
    private string DirectoryWithUserXattrs()
    {
        var reasons = new List<string>();
        foreach (var candidate in new[] { _root, "/var/tmp" })
        {
            var directory = candidate == _root
                ? Path.Combine(_root, "xattr")
                : Path.Combine(candidate, Path.GetFileName(_root) + "-xattr");
            if (candidate != _root)
            {
                _extraRoots.Add(directory);
            }

            Directory.CreateDirectory(directory);

            var probe = Path.Combine(directory, ".probe");
            File.WriteAllBytes(probe, []);
            var errno = LinuxSyscalls.SetXattr(probe, "user.probe", "1"u8, 0);
            File.Delete(probe);
            if (errno == 0)
            {
                return directory;
            }

            if (errno != LinuxSyscalls.ENOTSUP)
            {
                throw new IOException($"lsetxattr user.probe in {directory}: {LinuxSyscalls.Describe(errno)}", errno);
            }

            reasons.Add($"{candidate}: {LinuxSyscalls.Describe(errno)}");
        }

        Assert.Skip("No file system here takes user.* extended attributes (" + string.Join("; ", reasons) + ").");
        return null!;
    }

    private static byte[] ReadThrough(string path, bool noAtime)
    {
        LinuxSyscalls.OpenReadNoFollow(path, noAtime, out var handle).Should().Be(0);
        using var stream = new FileStream(handle, FileAccess.Read, 1);
        return ReadAll(stream);
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Timestamp(long seconds, uint nanoseconds) =>
        seconds.ToString(CultureInfo.InvariantCulture) + "." + nanoseconds.ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>The space-separated fields coreutils <c>stat -c FORMAT</c> prints (skips without coreutils).</summary>
    private static string[] CoreutilsStat(string path, string format)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(format);
        start.ArgumentList.Add(path);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("stat did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Skip("coreutils stat is needed to cross-check statx: " + e.Message);
            return [];
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Assert.Skip($"stat -c '{format}' is not supported here (coreutils ≥ 8.29 needed): {error.Trim()}");
            }

            return output.Trim().Split(' ');
        }
    }

#pragma warning disable SYSLIB1054, CA5392, CA2101 // DllImport: the test project has no AllowUnsafeBlocks.
    private static class TestNative
    {
        public const int CapFowner = 3;
        private const int CapabilityVersion3 = 0x20080522; // _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set.

        /// <summary>Clears one capability from the calling thread's effective set (capset acts per thread).</summary>
        public static int DropEffectiveCapability(int capability)
        {
            int[] header = [CapabilityVersion3, 0];
            var data = new int[6]; // { effective, permitted, inheritable } x 2
            if (capget(header, data) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            data[3 * (capability / 32)] &= ~(1 << (capability % 32));
            return capset(header, data) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }

        /// <summary>open(path, O_RDONLY | extraFlags), closed again; 0 or the errno.</summary>
        public static int OpenErrno(string path, int extraFlags)
        {
            var fd = open(path, extraFlags);
            if (fd < 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            close(fd);
            return 0;
        }

        [DllImport("libc", SetLastError = true)]
        public static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

        [DllImport("libc", SetLastError = true)]
        private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int capget(int[] header, int[] data);

        [DllImport("libc", SetLastError = true)]
        private static extern int capset(int[] header, int[] data);
    }
#pragma warning restore SYSLIB1054, CA5392, CA2101

    private static void DeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // ----- the work directory's lock -----

    [Fact]
    public void UnlockDirectory_WhileAnotherDescriptorSharesTheLock_FreesTheDirectoryAtOnce()
    {
        RequireLinux();
        LinuxSyscalls.LockDirectory(_root, out var held).Should().Be(0);

        // A process forked while the lock is held keeps a descriptor of the same open file
        // description until its exec closes it; dup gives this process such a descriptor.
        int shared = Dup(held.DangerousGetHandle().ToInt32());
        shared.Should().BeGreaterThan(0);
        try
        {
            LinuxSyscalls.UnlockDirectory(held);

            LinuxSyscalls.LockDirectory(_root, out var again).Should().Be(0, "the lock was released, not only one descriptor of it closed");
            again.Dispose();
        }
        finally
        {
            _ = Close(shared);
        }
    }

#pragma warning disable SYSLIB1054, CA5392 // DllImport on purpose: LibraryImport would need AllowUnsafeBlocks.
    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054, CA5392
}
