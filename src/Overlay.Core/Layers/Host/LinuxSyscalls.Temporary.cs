using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers.Host;

/// <content>An unnamed temporary file: <c>open(directory, O_TMPFILE)</c>.</content>
internal static partial class LinuxSyscalls
{
    // __O_TMPFILE: 020000000 on every architecture .NET runs Linux on (asm-generic, x86, arm, ppc).
    private const int OTmpFileBit = 0x400000;

    /// <summary>
    /// Opens a new regular file with no name in a directory (<c>O_TMPFILE</c>, Linux ≥ 3.11 on file
    /// systems that support it): it vanishes with its last descriptor, a killed process included.
    /// </summary>
    /// <param name="directory">The directory whose file system holds the data.</param>
    /// <param name="handle">The read-write handle; invalid on failure.</param>
    /// <returns>0, or the errno (<see cref="EOPNOTSUPP"/>, <see cref="EISDIR"/> or <see cref="EINVAL"/> where unsupported).</returns>
    public static int OpenUnnamedTemporaryFile(string directory, out SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(directory);
        const int ReadWrite = 2;
        int flags = ReadWrite | OCloExec | OTmpFileBit | _openFlags.Directory | _openFlags.LargeFile;
        while (true)
        {
            int fd = OpenWithModeNative(directory, flags, 0b110_000_000);
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
}
