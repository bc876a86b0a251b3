using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Overlay.Fuse.Interop;

/// <summary>
/// Mounting without root, as libfuse does: the setuid <c>fusermount3</c> opens /dev/fuse, mounts,
/// and hands the descriptor back over a socket named by <c>_FUSE_COMMFD</c> (SCM_RIGHTS).
/// </summary>
internal static unsafe partial class Fusermount
{
    private const int AF_UNIX = 1;
    private const int SOCK_STREAM = 1;
    private const int SOL_SOCKET = 1;
    private const int SCM_RIGHTS = 1;

    /// <summary>fusermount3 where Debian and most distributions install it.</summary>
    public static string? Program { get; } = new[] { "/usr/bin/fusermount3", "/bin/fusermount3", "/usr/local/bin/fusermount3" }.FirstOrDefault(File.Exists);

    /// <summary>Mounts through fusermount3 and answers the /dev/fuse descriptor.</summary>
    public static int Mount(string target, string options)
    {
        if (Program is null)
        {
            throw new UnauthorizedAccessException($"Mounting '{target}' without root needs fusermount3 (apt-get install fuse3), or run as root.");
        }

        int* pair = stackalloc int[2];
        if (SocketPair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"socketpair(2) failed: {Libc.Describe(errno)}.", errno);
        }

        try
        {
            // The child inherits pair[1] (no close-on-exec); ours, pair[0], is closed when done.
            var start = new ProcessStartInfo(Program)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                Environment = { ["_FUSE_COMMFD"] = pair[1].ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(options);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(target);
            using var process = Process.Start(start)!;
            Libc.Close(pair[1]);
            pair[1] = -1;
            int fd = ReceiveDescriptor(pair[0]);
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (fd < 0)
            {
                throw new IOException($"Cannot mount '{target}': fusermount3 failed: {error.Result.Trim()}");
            }

            // Close-on-exec, as the root path opens it: a process this one starts must not keep the
            // connection alive after this one dies.
            Libc.SetCloseOnExec(fd);
            return fd;
        }
        finally
        {
            Libc.Close(pair[0]);
            if (pair[1] >= 0)
            {
                Libc.Close(pair[1]);
            }
        }
    }

    /// <summary>fusermount3 -u -z: unmounts (lazily when busy) a mount this user made.</summary>
    public static void Unmount(string target)
    {
        if (Program is null)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo(Program) { ArgumentList = { "-u", "-z", "--", target }, UseShellExecute = false, RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
    }

    private static int ReceiveDescriptor(int socket)
    {
        byte data = 0;
        var iov = new IoVector { Base = &data, Length = 1 };
        const int controlLength = 24; // CMSG_SPACE(sizeof(int)): a 16-byte header, one int, padded to 8
        byte* control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        var message = new MessageHeader { Vector = &iov, VectorLength = 1, Control = control, ControlLength = controlLength };
        nint received;
        do
        {
            received = ReceiveMessage(socket, &message, 0);
        }
        while (received < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR);

        if (received <= 0)
        {
            return -1; // fusermount3 closed the socket without a descriptor: it failed, and says why on stderr
        }

        var header = (ControlHeader*)control;
        return header->Level == SOL_SOCKET && header->Type == SCM_RIGHTS ? *(int*)(control + sizeof(ControlHeader)) : -1;
    }

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    private static partial int SocketPair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint ReceiveMessage(int socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }
}
