using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers.Host;

/// <summary>
/// The libc calls the host-directory layer needs and System.IO does not offer: <c>statx</c> (file type,
/// device numbers, nanosecond times, birth time, never following a symlink), <c>open</c> with
/// <c>O_NOFOLLOW</c>/<c>O_NOATIME</c>, <c>fsync</c> of a directory, <c>renameat2</c>, <c>mknod</c> and
/// the <c>l*xattr</c> family. Linux only (glibc ≥ 2.28 for <c>statx</c>/<c>renameat2</c>, or musl).
/// </summary>
/// <remarks>
/// Every wrapper returns <c>0</c> (or a result in managed form) on success and the <c>errno</c> of the
/// failed call otherwise; none throws for an errno, the caller decides what an errno means. Only
/// <c>struct statx</c> is read, never <c>struct stat</c>, whose layout differs between architectures.
/// </remarks>
internal static partial class LinuxSyscalls
{
    // ----- errno (the same numbers on every architecture .NET runs Linux on) -----

    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;

    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;

    /// <summary>Interrupted system call (retried internally).</summary>
    public const int EINTR = 4;

    /// <summary>Input/output error.</summary>
    public const int EIO = 5;

    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;

    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;

    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;

    /// <summary>File exists.</summary>
    public const int EEXIST = 17;

    /// <summary>Invalid cross-device link.</summary>
    public const int EXDEV = 18;

    /// <summary>Not a directory.</summary>
    public const int ENOTDIR = 20;

    /// <summary>Is a directory.</summary>
    public const int EISDIR = 21;

    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;

    /// <summary>No space left on device.</summary>
    public const int ENOSPC = 28;

    /// <summary>Read-only file system.</summary>
    public const int EROFS = 30;

    /// <summary>Result too large (an xattr buffer too small: retried internally).</summary>
    public const int ERANGE = 34;

    /// <summary>File name too long.</summary>
    public const int ENAMETOOLONG = 36;

    /// <summary>Function not implemented.</summary>
    public const int ENOSYS = 38;

    /// <summary>Directory not empty.</summary>
    public const int ENOTEMPTY = 39;

    /// <summary>Too many levels of symbolic links (also: <c>O_NOFOLLOW</c> met a symlink).</summary>
    public const int ELOOP = 40;

    /// <summary>No data available (an extended attribute the file does not have).</summary>
    public const int ENODATA = 61;

    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;

    /// <summary>Operation not supported (the same number as <see cref="EOPNOTSUPP"/> on Linux).</summary>
    public const int ENOTSUP = EOPNOTSUPP;

    // ----- file types (the S_IFMT bits of a mode; the same on every Linux architecture) -----

    /// <summary>The file-type bits of a mode.</summary>
    public const uint S_IFMT = 0xF000;   // 0170000

    /// <summary>Socket.</summary>
    public const uint S_IFSOCK = 0xC000; // 0140000

    /// <summary>Symbolic link.</summary>
    public const uint S_IFLNK = 0xA000;  // 0120000

    /// <summary>Regular file.</summary>
    public const uint S_IFREG = 0x8000;  // 0100000

    /// <summary>Block device.</summary>
    public const uint S_IFBLK = 0x6000;  // 0060000

    /// <summary>Directory.</summary>
    public const uint S_IFDIR = 0x4000;  // 0040000

    /// <summary>Character device.</summary>
    public const uint S_IFCHR = 0x2000;  // 0020000

    /// <summary>FIFO (named pipe).</summary>
    public const uint S_IFIFO = 0x1000;  // 0010000

    // ----- renameat2 flags -----

    /// <summary><c>renameat2</c>: fail with <see cref="EEXIST"/> instead of replacing the target.</summary>
    public const uint RENAME_NOREPLACE = 1;

    /// <summary><c>renameat2</c>: atomically exchange the two names (both must exist).</summary>
    public const uint RENAME_EXCHANGE = 2;

    /// <summary><c>renameat2</c>: leave a whiteout (char device 0/0) at the source (needs privilege).</summary>
    public const uint RENAME_WHITEOUT = 4;

    // ----- statx -----

    /// <summary><c>statx</c> mask bit: the birth time was filled in.</summary>
    public const uint STATX_BTIME = 0x800;

    /// <summary><c>statx</c> mask: everything <c>stat</c> returns (type, mode, nlink, uid, gid, times, ino, size, blocks).</summary>
    public const uint STATX_BASIC_STATS = 0x7FF;

    private const string Libc = "libc";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000; // 02000000 on every architecture in the table below.

    /// <summary>
    /// The <c>open</c> flags whose values depend on the architecture, from the kernel's
    /// <c>include/uapi/asm-generic/fcntl.h</c> and the per-architecture overrides
    /// (<c>arch/*/include/uapi/asm/fcntl.h</c>):
    /// <code>
    ///                      O_DIRECTORY        O_NOFOLLOW         O_NOATIME           O_LARGEFILE (32-bit only)
    /// asm-generic, x86,    0x10000 (0200000)  0x20000 (0400000)  0x40000 (01000000)  0x8000 (0100000) on x86
    ///   x86_64, riscv64,
    ///   loongarch64, s390x
    /// arm, arm64           0x4000  (040000)   0x8000  (0100000)  0x40000 (01000000)  0x20000 (0400000) on arm
    /// powerpc (ppc64le)    0x4000  (040000)   0x8000  (0100000)  0x40000 (01000000)  (64-bit only here)
    /// </code>
    /// <c>O_RDONLY</c> is 0 and <c>O_CLOEXEC</c> 0x80000 (02000000) on all of them. A 64-bit kernel
    /// forces <c>O_LARGEFILE</c> for 64-bit processes; a 32-bit process passes it itself here because
    /// the plain <c>open</c> symbol (unlike <c>open64</c>) does not add it.
    /// </summary>
    private static readonly OpenFlagValues _openFlags = OpenFlagsFor(RuntimeInformation.ProcessArchitecture);

    /// <summary>Set once <c>mknod</c> turned out not to be exported (glibc &lt; 2.33): use <c>__xmknod</c>.</summary>
    private static volatile bool _useXmknod;

    /// <summary>Whether these calls can be made: the process runs on Linux.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>
    /// <c>lstat</c> through <c>statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME)</c>:
    /// a symlink is described itself, not its target.
    /// </summary>
    /// <param name="path">The path to describe.</param>
    /// <param name="result">What statx returned; <c>default</c> on failure.</param>
    /// <returns>0, or the errno (<see cref="ENOENT"/>, <see cref="ENOTDIR"/>, ... are not exceptional).</returns>
    public static int LStat(string path, out StatxResult result)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Injected("statx", path) is var injected and not 0)
        {
            result = default;
            return injected;
        }

        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, STATX_BASIC_STATS | STATX_BTIME, out var buffer) != 0)
        {
            result = default;
            return Marshal.GetLastPInvokeError();
        }

        result = new StatxResult(
            buffer.Mask,
            buffer.Mode & S_IFMT,
            (UnixFileMode)(buffer.Mode & 0xFFF), // 07777
            buffer.Size,
            buffer.AtimeSeconds,
            buffer.AtimeNanoseconds,
            buffer.MtimeSeconds,
            buffer.MtimeNanoseconds,
            buffer.CtimeSeconds,
            buffer.CtimeNanoseconds,
            buffer.BtimeSeconds,
            buffer.BtimeNanoseconds,
            buffer.DevMajor,
            buffer.DevMinor,
            buffer.RdevMajor,
            buffer.RdevMinor,
            buffer.Inode,
            buffer.LinkCount,
            buffer.Uid,
            buffer.Gid);
        return 0;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading with <c>O_RDONLY | O_CLOEXEC | O_NOFOLLOW</c>, plus
    /// <c>O_NOATIME</c> when <paramref name="noAtime"/> is set. <c>O_NOATIME</c> is only allowed to the
    /// file's owner or a process with <c>CAP_FOWNER</c>: when it is refused with <see cref="EPERM"/> the
    /// open is retried once without it.
    /// </summary>
    /// <param name="path">The file to open; a symlink as last component fails with <see cref="ELOOP"/>.</param>
    /// <param name="noAtime">Whether to ask the kernel not to update the access time.</param>
    /// <param name="handle">The opened file, owning its descriptor (usable with <c>new FileStream(handle, FileAccess.Read, 1)</c>); an invalid handle on failure.</param>
    /// <returns>0, or the errno.</returns>
    public static int OpenReadNoFollow(string path, bool noAtime, out SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Injected("open", path) is var injected and not 0)
        {
            handle = new SafeFileHandle(-1, ownsHandle: false);
            return injected;
        }

        var flags = ORdOnly | OCloExec | _openFlags.NoFollow | _openFlags.LargeFile;
        var errno = OpenRetryingEintr(path, noAtime ? flags | _openFlags.NoAtime : flags, out handle);
        if (errno == EPERM && noAtime)
        {
            errno = OpenRetryingEintr(path, flags, out handle);
        }

        return errno;
    }

    /// <summary>Flushes a directory's entries to disk: <c>open(O_RDONLY | O_DIRECTORY | O_CLOEXEC)</c>, <c>fsync</c>, <c>close</c>.</summary>
    /// <param name="path">The directory (a symlink to one is followed).</param>
    /// <returns>0, or the errno (<see cref="ENOTDIR"/> for a file).</returns>
    public static int FsyncDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errno = OpenRetryingEintr(path, ORdOnly | OCloExec | _openFlags.Directory | _openFlags.LargeFile, out var handle);
        using (handle)
        {
            return errno != 0 ? errno : Fsync(handle);
        }
    }

    /// <summary><c>fsync</c> of an open file.</summary>
    /// <param name="handle">The file.</param>
    /// <returns>0, or the errno.</returns>
    public static int Fsync(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        int errno;
        do
        {
            errno = FsyncNative(handle) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        while (errno == EINTR);

        return errno;
    }

    /// <summary><c>unlink(path)</c>: removes a name that is not a directory.</summary>
    /// <param name="path">The name to remove.</param>
    /// <returns>0, or the errno (<see cref="EISDIR"/> for a directory, <see cref="ENOENT"/> for a missing name).</returns>
    public static int Unlink(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Injected("unlink", path) is var injected and not 0)
        {
            return injected;
        }

        return UnlinkNative(path) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary><c>mkdir(path, mode)</c>: the mode less the umask (or as a default ACL of the parent gives it).</summary>
    /// <returns>0, or the errno.</returns>
    public static int Mkdir(string path, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Injected("mkdir", path) is var injected and not 0)
        {
            return injected;
        }

        return MkdirAt(AtFdCwd, path, (uint)mode);
    }

    /// <summary><c>renameat2(AT_FDCWD, oldPath, AT_FDCWD, newPath, flags)</c>.</summary>
    /// <param name="oldPath">The name to move.</param>
    /// <param name="newPath">The name to give it.</param>
    /// <param name="flags">0, or <see cref="RENAME_NOREPLACE"/>, <see cref="RENAME_EXCHANGE"/>, <see cref="RENAME_WHITEOUT"/>.</param>
    /// <returns>0, or the errno (<see cref="EINVAL"/> when the file system does not support the flag).</returns>
    public static int RenameAt2(string oldPath, string newPath, uint flags)
    {
        ArgumentNullException.ThrowIfNull(oldPath);
        ArgumentNullException.ThrowIfNull(newPath);
        return RenameAt2Native(AtFdCwd, oldPath, AtFdCwd, newPath, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// <c>mknod(path, mode, device)</c>, as <c>mknodat(AT_FDCWD, ...)</c> (<see cref="MknodAt"/>, which
    /// goes through <c>__xmknodat</c> on a glibc older than 2.33).
    /// </summary>
    /// <param name="path">The node to create.</param>
    /// <param name="mode">The file type (<see cref="S_IFCHR"/>, <see cref="S_IFBLK"/>, <see cref="S_IFIFO"/>, <see cref="S_IFREG"/>, <see cref="S_IFSOCK"/>) ORed with the permissions (the umask applies).</param>
    /// <param name="device">The device number (<see cref="MakeDevice"/>) of a device node; ignored otherwise.</param>
    /// <returns>0, or the errno (<see cref="EPERM"/> for a device without <c>CAP_MKNOD</c>).</returns>
    public static int MakeNode(string path, uint mode, ulong device)
    {
        ArgumentNullException.ThrowIfNull(path);
        return MknodAt(AtFdCwd, path, mode, device);
    }

    /// <summary>The <c>dev_t</c> glibc's <c>makedev(major, minor)</c> makes (64-bit encoding).</summary>
    /// <param name="major">The major number.</param>
    /// <param name="minor">The minor number.</param>
    /// <returns>The device number.</returns>
    public static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0x00000FFFu) << 8)
        | ((ulong)(major & 0xFFFFF000u) << 32)
        | (minor & 0x000000FFu)
        | ((ulong)(minor & 0xFFFFFF00u) << 12);

    /// <summary>The value of an extended attribute (<c>lgetxattr</c>: a symlink's own attributes).</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The attribute name, with its namespace (<c>user.</c>, <c>trusted.</c>, ...).</param>
    /// <param name="value">The value (possibly empty); null on failure.</param>
    /// <returns>0, or the errno (<see cref="ENODATA"/> when the file has no such attribute, <see cref="ENOTSUP"/> when the file system or namespace does not support them).</returns>
    public static unsafe int GetXattr(string path, string name, out byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(name);
        if (Injected("getxattr", path) is var injected and not 0)
        {
            value = null;
            return injected;
        }

        while (true)
        {
            var size = LGetXattrNative(path, name, null, 0);
            if (size < 0)
            {
                value = null;
                return Marshal.GetLastPInvokeError();
            }

            var buffer = new byte[size];
            nint read;
            fixed (byte* pointer = buffer)
            {
                read = LGetXattrNative(path, name, pointer, (nuint)buffer.Length);
            }

            if (read >= 0)
            {
                value = read == buffer.Length ? buffer : buffer.AsSpan(0, (int)read).ToArray();
                return 0;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != ERANGE)
            {
                value = null;
                return errno;
            }

            // The value grew between the two calls: ask for its size again.
        }
    }

    /// <summary>Sets an extended attribute (<c>lsetxattr</c>: on a symlink itself, not its target).</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The attribute name, with its namespace.</param>
    /// <param name="value">The value (may be empty).</param>
    /// <param name="flags">0, <c>XATTR_CREATE</c> (1) or <c>XATTR_REPLACE</c> (2).</param>
    /// <returns>0, or the errno.</returns>
    public static unsafe int SetXattr(string path, string name, ReadOnlySpan<byte> value, int flags)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(name);
        fixed (byte* pointer = value)
        {
            return LSetXattrNative(path, name, pointer, (nuint)value.Length, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Removes an extended attribute (<c>lremovexattr</c>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The attribute name, with its namespace.</param>
    /// <returns>0, or the errno (<see cref="ENODATA"/> when there was none).</returns>
    public static int RemoveXattr(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(name);
        return LRemoveXattrNative(path, name) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The names of a file's extended attributes (<c>llistxattr</c>), those the caller may see.</summary>
    /// <param name="path">The file.</param>
    /// <param name="names">The names, in the order the file system lists them; empty on failure.</param>
    /// <returns>0, or the errno.</returns>
    public static unsafe int ListXattrs(string path, out string[] names)
    {
        ArgumentNullException.ThrowIfNull(path);
        names = [];
        if (Injected("listxattr", path) is var injected and not 0)
        {
            return injected;
        }

        while (true)
        {
            var size = LListXattrNative(path, null, 0);
            if (size < 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            if (size == 0)
            {
                return 0;
            }

            var buffer = new byte[size];
            nint read;
            fixed (byte* pointer = buffer)
            {
                read = LListXattrNative(path, pointer, (nuint)buffer.Length);
            }

            if (read >= 0)
            {
                names = SplitNames(buffer.AsSpan(0, (int)read));
                return 0;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != ERANGE)
            {
                return errno;
            }
        }
    }

    /// <summary>
    /// The process umask, read without changing it: the <c>Umask:</c> line of <c>/proc/self/status</c>
    /// (Linux ≥ 4.7). <c>umask(2)</c> itself can only be read by setting it, which races with other threads.
    /// </summary>
    /// <returns>The umask (0 to 0777), or -1 when it cannot be read.</returns>
    public static int GetUmask()
    {
        const string Prefix = "Umask:";
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    var text = line.AsSpan(Prefix.Length).Trim();
                    var umask = 0;
                    foreach (var digit in text)
                    {
                        if (digit is < '0' or > '7' || umask > 0xFFF)
                        {
                            return -1;
                        }

                        umask = (umask * 8) + (digit - '0');
                    }

                    return text.IsEmpty ? -1 : umask;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return -1;
    }

    /// <summary>The text <c>strerror</c> gives for an errno.</summary>
    /// <param name="errno">The error number.</param>
    /// <returns>The message, e.g. "No such file or directory".</returns>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>The architecture-dependent <c>open</c> flags (see the table on <see cref="_openFlags"/>).</summary>
    /// <param name="architecture">The process architecture.</param>
    /// <returns>The flag values.</returns>
    internal static OpenFlagValues OpenFlagsFor(Architecture architecture) => architecture switch
    {
        Architecture.X64 => new OpenFlagValues(Directory: 0x10000, NoFollow: 0x20000, NoAtime: 0x40000, LargeFile: 0),
        Architecture.X86 => new OpenFlagValues(Directory: 0x10000, NoFollow: 0x20000, NoAtime: 0x40000, LargeFile: 0x8000),
        Architecture.Arm64 => new OpenFlagValues(Directory: 0x4000, NoFollow: 0x8000, NoAtime: 0x40000, LargeFile: 0),
        Architecture.Arm or Architecture.Armv6 => new OpenFlagValues(Directory: 0x4000, NoFollow: 0x8000, NoAtime: 0x40000, LargeFile: 0x20000),
        Architecture.Ppc64le => new OpenFlagValues(Directory: 0x4000, NoFollow: 0x8000, NoAtime: 0x40000, LargeFile: 0),
        _ => new OpenFlagValues(Directory: 0x10000, NoFollow: 0x20000, NoAtime: 0x40000, LargeFile: 0), // asm-generic (riscv64, loongarch64, s390x)
    };

    private static int OpenRetryingEintr(string path, int flags, out SafeFileHandle handle)
    {
        while (true)
        {
            var fd = OpenNative(path, flags);
            if (fd >= 0)
            {
                handle = new SafeFileHandle(fd, ownsHandle: true);
                return 0;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                handle = new SafeFileHandle(-1, ownsHandle: false);
                return errno;
            }
        }
    }

    private static string[] SplitNames(ReadOnlySpan<byte> list)
    {
        var names = new List<string>();
        while (!list.IsEmpty)
        {
            var end = list.IndexOf((byte)0);
            var name = end < 0 ? list : list[..end];
            if (!name.IsEmpty)
            {
                names.Add(System.Text.Encoding.UTF8.GetString(name));
            }

            list = end < 0 ? [] : list[(end + 1)..];
        }

        return [.. names];
    }

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncNative(SafeFileHandle fd);

    [LibraryImport(Libc, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkNative(string path);

    [LibraryImport(Libc, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2Native(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport(Libc, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint LGetXattrNative(string path, string name, byte* value, nuint size);

    [LibraryImport(Libc, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int LSetXattrNative(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, EntryPoint = "lremovexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LRemoveXattrNative(string path, string name);

    [LibraryImport(Libc, EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint LListXattrNative(string path, byte* list, nuint size);

    /// <summary>What <c>statx</c> returned, in managed form.</summary>
    /// <param name="Mask">The <c>STATX_*</c> bits of the fields the file system filled in.</param>
    /// <param name="Type">The file type: the <see cref="S_IFMT"/> bits of the mode.</param>
    /// <param name="Permissions">The permission bits (mode &amp; 07777, with set-uid/set-gid/sticky).</param>
    /// <param name="Size">The size in bytes (the target's length for a symlink).</param>
    /// <param name="AtimeSeconds">Last access, seconds since the epoch.</param>
    /// <param name="AtimeNanoseconds">Last access, nanoseconds part.</param>
    /// <param name="MtimeSeconds">Last modification, seconds since the epoch.</param>
    /// <param name="MtimeNanoseconds">Last modification, nanoseconds part.</param>
    /// <param name="CtimeSeconds">Last status change, seconds since the epoch.</param>
    /// <param name="CtimeNanoseconds">Last status change, nanoseconds part.</param>
    /// <param name="BirthSeconds">Creation, seconds since the epoch (valid when <see cref="STATX_BTIME"/> is in <paramref name="Mask"/>).</param>
    /// <param name="BirthNanoseconds">Creation, nanoseconds part.</param>
    /// <param name="DevMajor">Major number of the device the file is on.</param>
    /// <param name="DevMinor">Minor number of the device the file is on.</param>
    /// <param name="RdevMajor">Major number of the device a device node stands for.</param>
    /// <param name="RdevMinor">Minor number of the device a device node stands for.</param>
    /// <param name="Inode">The inode number.</param>
    /// <param name="LinkCount">The number of hard links.</param>
    /// <param name="Uid">The owner's user id.</param>
    /// <param name="Gid">The owner's group id.</param>
    internal readonly record struct StatxResult(
        uint Mask,
        uint Type,
        UnixFileMode Permissions,
        ulong Size,
        long AtimeSeconds,
        uint AtimeNanoseconds,
        long MtimeSeconds,
        uint MtimeNanoseconds,
        long CtimeSeconds,
        uint CtimeNanoseconds,
        long BirthSeconds,
        uint BirthNanoseconds,
        uint DevMajor,
        uint DevMinor,
        uint RdevMajor,
        uint RdevMinor,
        ulong Inode,
        uint LinkCount,
        uint Uid = 0,
        uint Gid = 0)
    {
        /// <summary>The last write time (mtime), UTC, to the tick (100 ns).</summary>
        public DateTime LastWriteTimeUtc => ToDateTime(MtimeSeconds, MtimeNanoseconds);

        /// <summary>The last access time (atime), UTC.</summary>
        public DateTime LastAccessTimeUtc => ToDateTime(AtimeSeconds, AtimeNanoseconds);

        /// <summary>The birth time when the file system reports one, otherwise the last write time.</summary>
        public DateTime CreationTimeUtc =>
            (Mask & STATX_BTIME) != 0 ? ToDateTime(BirthSeconds, BirthNanoseconds) : LastWriteTimeUtc;

        /// <summary>Whether this is a directory.</summary>
        public bool IsDirectory => Type == S_IFDIR;

        /// <summary>Whether this is a regular file.</summary>
        public bool IsRegularFile => Type == S_IFREG;

        /// <summary>Whether this is a symbolic link.</summary>
        public bool IsSymbolicLink => Type == S_IFLNK;

        /// <summary>Whether this is a character device (a whiteout is one, 0/0).</summary>
        public bool IsCharacterDevice => Type == S_IFCHR;

        private static DateTime ToDateTime(long seconds, uint nanoseconds)
        {
            // DateTime spans years 1 to 9999: clamp what lies outside rather than throw.
            const long MinSeconds = -62_135_596_800; // 0001-01-01 relative to the epoch
            const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59
            if (seconds < MinSeconds)
            {
                return DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
            }

            if (seconds > MaxSeconds)
            {
                return DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);
            }

            return DateTime.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100));
        }
    }

    /// <summary>The architecture-dependent <c>open</c> flags.</summary>
    /// <param name="Directory"><c>O_DIRECTORY</c>.</param>
    /// <param name="NoFollow"><c>O_NOFOLLOW</c>.</param>
    /// <param name="NoAtime"><c>O_NOATIME</c>.</param>
    /// <param name="LargeFile"><c>O_LARGEFILE</c> for a 32-bit process, otherwise 0.</param>
    internal readonly record struct OpenFlagValues(int Directory, int NoFollow, int NoAtime, int LargeFile);

    /// <summary>
    /// The kernel's <c>struct statx</c> (<c>include/uapi/linux/stat.h</c>), 256 bytes, the same layout on
    /// every architecture (fields are native-endian). Offsets checked with <c>offsetof</c> against the
    /// glibc/kernel headers on x86_64; <c>struct statx_timestamp</c> is <c>{ __s64 tv_sec; __u32 tv_nsec; __s32 __reserved; }</c>.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(0)] public uint Mask;               // stx_mask
        [FieldOffset(4)] public uint BlockSize;          // stx_blksize
        [FieldOffset(8)] public ulong Attributes;        // stx_attributes
        [FieldOffset(16)] public uint LinkCount;         // stx_nlink
        [FieldOffset(20)] public uint Uid;               // stx_uid
        [FieldOffset(24)] public uint Gid;               // stx_gid
        [FieldOffset(28)] public ushort Mode;            // stx_mode (u16; 30: __spare0)
        [FieldOffset(32)] public ulong Inode;            // stx_ino
        [FieldOffset(40)] public ulong Size;             // stx_size
        [FieldOffset(48)] public ulong Blocks;           // stx_blocks
        [FieldOffset(56)] public ulong AttributesMask;   // stx_attributes_mask
        [FieldOffset(64)] public long AtimeSeconds;      // stx_atime.tv_sec
        [FieldOffset(72)] public uint AtimeNanoseconds;  // stx_atime.tv_nsec
        [FieldOffset(80)] public long BtimeSeconds;      // stx_btime.tv_sec
        [FieldOffset(88)] public uint BtimeNanoseconds;  // stx_btime.tv_nsec
        [FieldOffset(96)] public long CtimeSeconds;      // stx_ctime.tv_sec
        [FieldOffset(104)] public uint CtimeNanoseconds; // stx_ctime.tv_nsec
        [FieldOffset(112)] public long MtimeSeconds;     // stx_mtime.tv_sec
        [FieldOffset(120)] public uint MtimeNanoseconds; // stx_mtime.tv_nsec
        [FieldOffset(128)] public uint RdevMajor;        // stx_rdev_major
        [FieldOffset(132)] public uint RdevMinor;        // stx_rdev_minor
        [FieldOffset(136)] public uint DevMajor;         // stx_dev_major
        [FieldOffset(140)] public uint DevMinor;         // stx_dev_minor
    }
}
