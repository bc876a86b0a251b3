using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The few libc calls System.IO does not offer: mknod, extended attributes, statx (device numbers),
/// mount/umount2, umask. Plain <see cref="DllImportAttribute"/> with byte buffers, so the test
/// project needs no <c>AllowUnsafeBlocks</c>. Linux (glibc ≥ 2.33 for <c>mknod</c>, ≥ 2.28 for <c>statx</c>) only.
/// </summary>
internal static class LinuxNative
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ENODEV = 19;
    public const int ENODATA = 61;
    public const int ENOTSUP = 95;

    public const uint S_IFMT = 0xF000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFLNK = 0xA000;

    private const string Libc = "libc";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7FF;
    private const int MntDetach = 2;

    /// <summary>What <c>statx</c> tells that System.IO does not.</summary>
    public readonly record struct StatInfo(uint Type, uint Permissions, uint RdevMajor, uint RdevMinor);

    /// <summary>Creates a whiteout: a character device 0/0 with mode 0000.</summary>
    public static void MakeWhiteout(string path)
    {
        if (mknod(path, S_IFCHR, 0) != 0)
        {
            throw Error("mknod", path);
        }
    }

    public static void SetXattr(string path, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (lsetxattr(path, name, bytes, (nuint)bytes.Length, 0) != 0)
        {
            throw Error("lsetxattr " + name, path);
        }
    }

    /// <summary>The value of an extended attribute (not following a symlink), or null if it has none.</summary>
    public static string? GetXattr(string path, string name)
    {
        var buffer = new byte[256];
        var length = lgetxattr(path, name, buffer, (nuint)buffer.Length);
        if (length < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENODATA or ENOTSUP ? null : throw Error("lgetxattr " + name, path, errno);
        }

        return Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    /// <summary><c>lstat</c> of <paramref name="path"/> through <c>statx</c> (layout is the same on every architecture).</summary>
    public static StatInfo LStat(string path)
    {
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            throw Error("statx", path);
        }

        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        return new StatInfo(
            mode & S_IFMT,
            mode & 0xFFFu,
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(128)),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(132)));
    }

    /// <summary>mount(2); returns 0 or the errno.</summary>
    public static int Mount(string source, string target, string fileSystemType, string options) =>
        mount(source, target, fileSystemType, 0, options) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Unmounts, lazily (MNT_DETACH) if the plain unmount fails; returns 0 or the errno.</summary>
    public static int Unmount(string target)
    {
        if (umount2(target, 0) == 0)
        {
            return 0;
        }

        return umount2(target, MntDetach) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public static uint GetEffectiveUserId() => geteuid();

    /// <summary>Sets the process umask, returning the previous one.</summary>
    public static uint SetUmask(uint mask) => umask(mask);

    /// <summary>The umask the recordings were made with (files 0644, directories 0755).</summary>
    public const uint RecordedUmask = 0x12; // 022

    /// <summary>
    /// Files and directories created through System.IO get 0666 / 0777 minus the process umask: sets
    /// it to the recording's 022 when it differs (process-wide; 022 is the usual default anyway).
    /// </summary>
    public static void EnsureRecordedUmask()
    {
        if (ReadUmask() != RecordedUmask)
        {
            SetUmask(RecordedUmask);
        }
    }

    /// <summary>The process umask, read without changing it (<c>/proc/self/status</c>, Linux ≥ 4.7).</summary>
    public static uint? ReadUmask()
    {
        const string prefix = "Umask:";
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Convert.ToUInt32(line[prefix.Length..].Trim(), 8);
            }
        }

        return null;
    }

    private static IOException Error(string call, string path) => Error(call, path, Marshal.GetLastPInvokeError());

    private static IOException Error(string call, string path, int errno) =>
        new($"{call}('{path}') failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

#pragma warning disable SYSLIB1054, CA5392, CA2101 // DllImport on purpose: LibraryImport would need AllowUnsafeBlocks.
    [DllImport(Libc, SetLastError = true)]
    private static extern int mknod([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode, ulong dev);

    [DllImport(Libc, SetLastError = true)]
    private static extern int lsetxattr(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        byte[] value,
        nuint size,
        int flags);

    [DllImport(Libc, SetLastError = true)]
    private static extern nint lgetxattr(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [Out] byte[] value,
        nuint size);

    [DllImport(Libc, SetLastError = true)]
    private static extern int statx(
        int dirfd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        int flags,
        uint mask,
        [Out] byte[] buffer);

    [DllImport(Libc, SetLastError = true)]
    private static extern int mount(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string source,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string target,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string fileSystemType,
        ulong flags,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string data);

    [DllImport(Libc, SetLastError = true)]
    private static extern int umount2([MarshalAs(UnmanagedType.LPUTF8Str)] string target, int flags);

    [DllImport(Libc)]
    private static extern uint geteuid();

    [DllImport(Libc)]
    private static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054, CA5392, CA2101
}
