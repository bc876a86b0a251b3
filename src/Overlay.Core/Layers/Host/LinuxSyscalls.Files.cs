using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers.Host;

/// <content>
/// Opening an upper's files without following a link and without an advisory lock, and the lock
/// an upper holds its work directory with.
/// </content>
internal static partial class LinuxSyscalls
{
    /// <summary>The operation would block (EAGAIN).</summary>
    public const int EWOULDBLOCK = 11;

    private const int OWriteOnly = 1;
    private const int OReadWrite = 2;
    private const int OCreate = 0x40; // 0100 on every architecture of the table in LinuxSyscalls.cs
    private const int OExclusive = 0x80; // 0200
    private const int LockExclusive = 2;
    private const int LockNoBlock = 4;
    private const int LockUnlock = 8;

    /// <summary>
    /// Opens a directory and takes an exclusive, non-blocking <c>flock</c> on it: released when the
    /// handle is closed (or the process ends, so a crash never leaves it taken).
    /// </summary>
    /// <param name="path">The directory.</param>
    /// <param name="handle">The open directory holding the lock; invalid on failure.</param>
    /// <returns>0, <see cref="EWOULDBLOCK"/> when another open description holds it, or another errno.</returns>
    public static int LockDirectory(string path, out SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(path);
        int errno = OpenRetryingEintr(path, ORdOnly | OCloExec | _openFlags.Directory | _openFlags.LargeFile, out handle);
        if (errno != 0)
        {
            return errno;
        }

        while (FlockNative(handle, LockExclusive | LockNoBlock) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                handle.Dispose();
                return errno;
            }
        }

        return 0;
    }

    /// <summary>
    /// Releases the lock <see cref="LockDirectory"/> took, then closes the handle. The lock belongs
    /// to the open file description, which a process forked in the meantime (before its exec closes
    /// the inherited descriptor) also holds: closing alone could leave the directory locked for a
    /// moment after the layer is gone; unlocking first cannot.
    /// </summary>
    public static void UnlockDirectory(SafeFileHandle handle)
    {
        if (!handle.IsClosed && !handle.IsInvalid)
        {
            _ = FlockNative(handle, LockUnlock);
        }

        handle.Dispose();
    }

    /// <summary>
    /// Opens an existing regular file, or creates a new one (<c>O_CREAT | O_EXCL</c>), with
    /// <c>O_NOFOLLOW | O_CLOEXEC</c>: a link as the last component fails with <see cref="ELOOP"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="access">Read, write or both.</param>
    /// <param name="createNew">Create the file; fail with <see cref="EEXIST"/> when the name is taken.</param>
    /// <param name="mode">The mode of a new file (the process umask applies).</param>
    /// <param name="handle">The open file, owning its descriptor; invalid on failure.</param>
    /// <returns>0, or the errno.</returns>
    public static int OpenNoFollow(string path, FileAccess access, bool createNew, UnixFileMode mode, out SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(path);
        int flags = access switch
        {
            FileAccess.Read => ORdOnly,
            FileAccess.Write => OWriteOnly,
            _ => OReadWrite,
        } | OCloExec | _openFlags.NoFollow | _openFlags.LargeFile | (createNew ? OCreate | OExclusive : 0);
        if (Injected("open", path) is var injected and not 0)
        {
            handle = new SafeFileHandle(-1, ownsHandle: false);
            return injected;
        }

        while (true)
        {
            int fd = OpenWithModeNative(path, flags, (uint)mode);
            if (fd >= 0)
            {
                handle = new SafeFileHandle(fd, ownsHandle: true);
                return 0;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                handle = new SafeFileHandle(-1, ownsHandle: false);
                return errno;
            }
        }
    }

    /// <summary>
    /// The names a directory holds ("." and ".." left out), read with <c>getdents64</c> through
    /// <c>fdopendir</c>/<c>readdir64</c> on a descriptor opened with <c>O_DIRECTORY | O_NOFOLLOW</c>
    /// (and <c>O_NOATIME</c> when asked and allowed): nothing is followed or stat-ed, and the
    /// directory's access time stays as it was.
    /// </summary>
    /// <param name="path">The directory.</param>
    /// <param name="noAtime">Leave the directory's access time alone where allowed.</param>
    /// <param name="names">Receives the names.</param>
    /// <returns>0, or the errno (<see cref="ENOTDIR"/>, <see cref="ELOOP"/> for a link, ...).</returns>
    public static int ListDirectory(string path, bool noAtime, List<string> names) => ListDirectory(path, noAtime, names, null);

    /// <summary>
    /// As <see cref="ListDirectory(string, bool, List{string})"/>, with each name's <c>d_type</c>
    /// (<see cref="DT_UNKNOWN"/> where the file system does not record it) added to
    /// <paramref name="types"/> when given.
    /// </summary>
    /// <param name="path">The directory.</param>
    /// <param name="noAtime">Leave the directory's access time alone where allowed.</param>
    /// <param name="names">Receives the names.</param>
    /// <param name="types">Receives each name's <c>d_type</c>, in the same order, or null.</param>
    /// <returns>0, or the errno.</returns>
    public static unsafe int ListDirectory(string path, bool noAtime, List<string> names, List<byte>? types)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(names);
        if (Injected("getdents", path) is var injected and not 0)
        {
            return injected;
        }

        int flags = ORdOnly | OCloExec | _openFlags.Directory | _openFlags.NoFollow | _openFlags.LargeFile;
        int errno = OpenRetryingEintr(path, noAtime ? flags | _openFlags.NoAtime : flags, out var handle);
        if (errno == EPERM && noAtime)
        {
            errno = OpenRetryingEintr(path, flags, out handle);
        }

        if (errno != 0)
        {
            handle.Dispose();
            return errno;
        }

        nint directory = FdOpenDirNative((int)handle.DangerousGetHandle());
        if (directory == 0)
        {
            errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            return errno;
        }

        // The DIR stream owns the descriptor now: closedir closes it.
        handle.SetHandleAsInvalid();
        try
        {
            while (true)
            {
                nint entry = ReadDir64Native(directory);
                if (entry == 0)
                {
                    return Marshal.GetLastPInvokeError();
                }

                // struct dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name: the same
                // on every architecture.
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + 19);
                if ((name.Length == 1 && name[0] == (byte)'.') || (name.Length == 2 && name[0] == (byte)'.' && name[1] == (byte)'.'))
                {
                    continue;
                }

                names.Add(System.Text.Encoding.UTF8.GetString(name));
                types?.Add(*((byte*)entry + 18));
            }
        }
        finally
        {
            _ = CloseDirNative(directory);
        }
    }

    /// <summary><c>d_type</c>: the file system does not say; stat the name.</summary>
    public const byte DT_UNKNOWN = 0;

    /// <summary><c>d_type</c>: a FIFO.</summary>
    public const byte DT_FIFO = 1;

    /// <summary><c>d_type</c>: a character device (the kernel form's whiteout is one).</summary>
    public const byte DT_CHR = 2;

    /// <summary><c>d_type</c>: a directory.</summary>
    public const byte DT_DIR = 4;

    /// <summary><c>d_type</c>: a block device.</summary>
    public const byte DT_BLK = 6;

    /// <summary><c>d_type</c>: a regular file.</summary>
    public const byte DT_REG = 8;

    /// <summary><c>d_type</c>: a symbolic link.</summary>
    public const byte DT_LNK = 10;

    /// <summary><c>d_type</c>: a socket.</summary>
    public const byte DT_SOCK = 12;

    [LibraryImport(Libc, EntryPoint = "fdopendir", SetLastError = true)]
    private static partial nint FdOpenDirNative(int fd);

    [LibraryImport(Libc, EntryPoint = "readdir64", SetLastError = true)]
    private static partial nint ReadDir64Native(nint directory);

    [LibraryImport(Libc, EntryPoint = "closedir", SetLastError = true)]
    private static partial int CloseDirNative(nint directory);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenWithModeNative(string path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockNative(SafeFileHandle fd, int operation);
}
