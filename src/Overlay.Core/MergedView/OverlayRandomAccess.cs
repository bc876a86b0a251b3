using System.IO.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Overlay.MergedView;

/// <summary>
/// <see cref="IRandomAccess"/>: every member works on an operating-system handle, so each is System.IO's
/// <see cref="System.IO.RandomAccess"/> itself. Handles of the merged view come from
/// <see cref="IFile.OpenHandle"/> (host-directory layers only) and reach the host file directly.
/// </summary>
internal sealed class OverlayRandomAccess(OverlayFileSystem fileSystem) : IRandomAccess
{
    public IFileSystem FileSystem => fileSystem;

    public void FlushToDisk(SafeFileHandle handle) => RandomAccess.FlushToDisk(handle);

    public long GetLength(SafeFileHandle handle) => RandomAccess.GetLength(handle);

    public int Read(SafeFileHandle handle, Span<byte> buffer, long fileOffset) => RandomAccess.Read(handle, buffer, fileOffset);

    public long Read(SafeFileHandle handle, IReadOnlyList<Memory<byte>> buffers, long fileOffset) => RandomAccess.Read(handle, buffers, fileOffset);

    public ValueTask<int> ReadAsync(SafeFileHandle handle, Memory<byte> buffer, long fileOffset, CancellationToken cancellationToken = default) =>
        RandomAccess.ReadAsync(handle, buffer, fileOffset, cancellationToken);

    public ValueTask<long> ReadAsync(SafeFileHandle handle, IReadOnlyList<Memory<byte>> buffers, long fileOffset, CancellationToken cancellationToken = default) =>
        RandomAccess.ReadAsync(handle, buffers, fileOffset, cancellationToken);

    public void SetLength(SafeFileHandle handle, long length) => RandomAccess.SetLength(handle, length);

    public void Write(SafeFileHandle handle, ReadOnlySpan<byte> buffer, long fileOffset) => RandomAccess.Write(handle, buffer, fileOffset);

    public void Write(SafeFileHandle handle, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long fileOffset) => RandomAccess.Write(handle, buffers, fileOffset);

    public ValueTask WriteAsync(SafeFileHandle handle, ReadOnlyMemory<byte> buffer, long fileOffset, CancellationToken cancellationToken = default) =>
        RandomAccess.WriteAsync(handle, buffer, fileOffset, cancellationToken);

    public ValueTask WriteAsync(SafeFileHandle handle, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long fileOffset, CancellationToken cancellationToken = default) =>
        RandomAccess.WriteAsync(handle, buffers, fileOffset, cancellationToken);
}
