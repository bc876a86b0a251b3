using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers.Host;

/// <content>
/// Copying a file's data inside the kernel, as a copy-up wants it: a reflink (<c>FICLONE</c>) where
/// the file system shares extents, else <c>copy_file_range</c>, which never brings the data into
/// the process.
/// </content>
internal static partial class LinuxSyscalls
{
    /// <summary>Not a terminal: the ioctl's usual answer for a request the file system does not know.</summary>
    public const int ENOTTY = 25;

    // FICLONE = _IOW(0x94, 9, int): the generic ioctl encoding, which x86, x64 and the ARMs use.
    private const nuint FileClone = 0x40049409;
    private const long CopyChunk = 1L << 30;

    /// <summary>The piece copied between two writeback starts when the copy is to be synced.</summary>
    private const long WritebackChunk = 8L << 20;

    /// <summary><c>SYNC_FILE_RANGE_WRITE</c>: start writing the range's dirty pages, without waiting.</summary>
    private const uint SyncFileRangeWrite = 2;

    private static readonly bool CloneRequestKnown = RuntimeInformation.ProcessArchitecture is
        Architecture.X64 or Architecture.X86 or Architecture.Arm64 or Architecture.Arm;

    /// <summary>
    /// Copies everything from <paramref name="sourceOffset"/> to the end of the source into the
    /// destination at <paramref name="destinationOffset"/>, inside the kernel.
    /// </summary>
    /// <param name="source">The file to read.</param>
    /// <param name="sourceOffset">Where to start reading.</param>
    /// <param name="destination">The file to write.</param>
    /// <param name="destinationOffset">Where to start writing.</param>
    /// <param name="copied">How many bytes were copied, also when the copy stopped early.</param>
    /// <param name="startWriteback">
    /// The copy will be synced: copy in 8 MiB pieces and start writing each piece to the disk as soon
    /// as it is copied (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>), so the final <c>fsync</c>
    /// waits for the last pieces only instead of the whole file.
    /// </param>
    /// <returns>
    /// 0 when the data is all copied; else the errno that stopped it, after <paramref name="copied"/>
    /// bytes (the caller copies the rest another way: <see cref="ENOSYS"/>, <see cref="EXDEV"/>,
    /// <see cref="EINVAL"/> and <see cref="EOPNOTSUPP"/> mean the kernel cannot copy these files).
    /// </returns>
    public static int CopyFileData(SafeFileHandle source, long sourceOffset, SafeFileHandle destination, long destinationOffset, out long copied, bool startWriteback = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        copied = 0;

        // A whole file into an empty one: a reflink shares the extents instead of copying them.
        if (CloneRequestKnown && sourceOffset == 0 && destinationOffset == 0
            && IoctlCloneNative(destination, FileClone, source.DangerousGetHandle()) == 0)
        {
            copied = RandomAccess.GetLength(source);
            return 0;
        }

        long inOffset = sourceOffset;
        long outOffset = destinationOffset;
        while (true)
        {
            long pieceStart = outOffset;
            nint result = CopyFileRangeNative(source, ref inOffset, destination, ref outOffset, (nuint)(startWriteback ? WritebackChunk : CopyChunk), 0);
            if (result > 0)
            {
                copied += result;
                if (startWriteback)
                {
                    // Only a hint: where it fails, the final fsync writes everything anyway.
                    _ = SyncFileRangeNative(destination, pieceStart, result, SyncFileRangeWrite);
                }

                continue;
            }

            if (result == 0)
            {
                return 0;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                return errno;
            }
        }
    }

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlCloneNative(SafeFileHandle fd, nuint request, nint sourceFd);

    [LibraryImport(Libc, EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRangeNative(SafeFileHandle fd, long offset, long length, uint flags);

    [LibraryImport(Libc, EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRangeNative(SafeFileHandle fdIn, ref long offIn, SafeFileHandle fdOut, ref long offOut, nuint length, uint flags);
}
