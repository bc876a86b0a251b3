using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers.Host;

/// <content>
/// Opening a layer's regular file for reading in one system call that refuses every symbolic link
/// on the way (<c>openat2</c> with <c>RESOLVE_NO_SYMLINKS</c>, Linux 5.6 and later), so the
/// containment rule holds without a <c>statx</c> of each parent first.
/// </content>
internal static partial class LinuxSyscalls
{
    /// <summary><c>openat2</c>'s number: 437 in the unified syscall table of every architecture .NET runs on.</summary>
    private const long SysOpenAt2 = 437;

    /// <summary><c>RESOLVE_NO_SYMLINKS</c> (<c>include/uapi/linux/openat2.h</c>): no component may be a symbolic link (magic links included).</summary>
    private const ulong ResolveNoSymlinks = 0x04;

    private const int E2BIG = 7;
    private const int ONonBlock = 0x800; // 04000 on every architecture .NET runs on
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;

    /// <summary>Set once <c>openat2</c> is found missing or forbidden (an older kernel, a seccomp filter): the callers then take their own way.</summary>
    private static volatile bool s_openAt2Unavailable;

    /// <summary>
    /// Opens a regular file for reading when no component of <paramref name="path"/> is a symbolic
    /// link: <c>openat2(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK [| O_NOATIME],
    /// RESOLVE_NO_SYMLINKS)</c>, then a <c>statx</c> of the descriptor. <c>O_NONBLOCK</c> keeps a FIFO
    /// from blocking the open (it changes nothing for a regular file); anything but a regular file
    /// is closed again and refused.
    /// </summary>
    /// <param name="path">The absolute host path, free of "." and "..".</param>
    /// <param name="noAtime">Ask the kernel not to update the access time (dropped when refused with <see cref="EPERM"/>).</param>
    /// <param name="handle">The opened file, owning its descriptor; null on failure.</param>
    /// <param name="length">The file's length when it was opened.</param>
    /// <returns>
    /// 0; <see cref="ELOOP"/> when a component is a link; <see cref="ENOTSUP"/> when <c>openat2</c>
    /// cannot be used here or the object is not a regular file; or the errno of the open.
    /// </returns>
    public static int OpenRegularFileNoLinks(string path, bool noAtime, out SafeFileHandle? handle, out long length)
    {
        ArgumentNullException.ThrowIfNull(path);
        handle = null;
        length = 0;
        if (s_openAt2Unavailable || !IsSupported)
        {
            return ENOTSUP;
        }

        if (Injected("openat2", path) is var injected and not 0)
        {
            return injected;
        }

        int flags = ORdOnly | OCloExec | ONonBlock | _openFlags.NoFollow | _openFlags.LargeFile;
        int errno = OpenAt2(path, noAtime ? flags | _openFlags.NoAtime : flags, out int fd);
        if (errno == EPERM && noAtime)
        {
            errno = OpenAt2(path, flags, out fd);
        }

        if (errno is ENOSYS or EPERM or E2BIG or EINVAL)
        {
            // A kernel before 5.6, or a sandbox that filters the call: never asked again.
            s_openAt2Unavailable = true;
            return ENOTSUP;
        }

        if (errno != 0)
        {
            return errno;
        }

        var opened = new SafeFileHandle(fd, ownsHandle: true);
        if (Statx(fd, string.Empty, AtEmptyPath, StatxType | StatxSize, out var buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            opened.Dispose();
            return errno;
        }

        if ((buffer.Mode & S_IFMT) != S_IFREG)
        {
            opened.Dispose();
            return ENOTSUP;
        }

        handle = opened;
        length = (long)buffer.Size;
        return 0;
    }

    /// <summary>
    /// <c>realpath(3)</c>: the absolute path with every link resolved, or null when it cannot be
    /// resolved (missing, not allowed, not Linux).
    /// </summary>
    /// <param name="path">An existing path.</param>
    public static string? RealPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!IsSupported)
        {
            return null;
        }

        nint resolved = RealPathNative(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            FreeNative(resolved);
        }
    }

    private static int OpenAt2(string path, int flags, out int fd)
    {
        var how = new OpenHow { Flags = (ulong)(uint)flags, Mode = 0, Resolve = ResolveNoSymlinks };
        while (true)
        {
            long result = OpenAt2Native(SysOpenAt2, AtFdCwd, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());
            if (result >= 0)
            {
                fd = (int)result;
                return 0;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                fd = -1;
                return errno;
            }
        }
    }

    /// <summary>The kernel's <c>struct open_how</c>: 24 bytes, three native-endian 64-bit fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport(Libc, EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, nint resolved);

    [LibraryImport(Libc, EntryPoint = "free")]
    private static partial void FreeNative(nint pointer);

    // glibc has no openat2 wrapper: the generic syscall(2) entry, whose integer arguments pass in
    // the registers of a plain call on the 64-bit ABIs.
    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long OpenAt2Native(long number, int dirFd, string path, ref OpenHow how, nuint size);
}
