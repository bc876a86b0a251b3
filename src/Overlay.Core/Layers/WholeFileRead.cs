using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers;

/// <summary>
/// What <see cref="IWholeFileReads.OpenWholeFile"/> gives: a file's bytes already read, a native
/// handle to read them from, or a stream. The overlay reads it to the end and disposes of it.
/// </summary>
public readonly struct WholeFileRead
{
    private WholeFileRead(byte[]? data, SafeFileHandle? handle, long length, Stream? stream)
    {
        Data = data;
        Handle = handle;
        Length = length;
        Stream = stream;
    }

    /// <summary>The bytes; null for the other forms.</summary>
    internal byte[]? Data { get; }

    /// <summary>The open handle; null for the other forms.</summary>
    internal SafeFileHandle? Handle { get; }

    /// <summary>The length the file had when its handle was opened; 0 means "unknown, read to the end".</summary>
    internal long Length { get; }

    /// <summary>The stream; null for the other forms.</summary>
    internal Stream? Stream { get; }

    /// <summary>The file's data, read already.</summary>
    /// <param name="data">The bytes; the caller owns them afterwards.</param>
    /// <returns>The answer.</returns>
    public static WholeFileRead FromBytes(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new(data, null, 0, null);
    }

    /// <summary>An open handle of the file, read from offset 0.</summary>
    /// <param name="handle">The handle; the overlay disposes of it.</param>
    /// <param name="length">The file's length when it was opened; 0 when unknown (it is then read to its end, as System.IO reads /proc files).</param>
    /// <returns>The answer.</returns>
    public static WholeFileRead FromHandle(SafeFileHandle handle, long length)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new(null, handle, length, null);
    }

    /// <summary>A stream over the file, read from its position to its end.</summary>
    /// <param name="stream">The stream; the overlay disposes of it.</param>
    /// <returns>The answer.</returns>
    public static WholeFileRead FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(null, null, 0, stream);
    }
}
