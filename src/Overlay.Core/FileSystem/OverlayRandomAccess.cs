using System.IO.Abstractions;

namespace Overlay.FileSystem;

/// <summary>
/// <see cref="IRandomAccess"/>: every member takes a <c>SafeFileHandle</c>, which an overlay does
/// not hand out (see <see cref="Handles.NotSupported"/>).
/// </summary>
internal sealed class OverlayRandomAccess(OverlayFileSystem fileSystem) : IRandomAccess
{
    public IFileSystem FileSystem => fileSystem;

    public void FlushToDisk(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle) => throw Handles.NotSupported();
    public global::System.Int64 GetLength(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle) => throw Handles.NotSupported();
    public global::System.Int32 Read(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.Span<global::System.Byte> buffer, global::System.Int64 fileOffset) => throw Handles.NotSupported();
    public global::System.Int64 Read(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.Collections.Generic.IReadOnlyList<global::System.Memory<global::System.Byte>> buffers, global::System.Int64 fileOffset) => throw Handles.NotSupported();
    public global::System.Threading.Tasks.ValueTask<global::System.Int32> ReadAsync(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.Memory<global::System.Byte> buffer, global::System.Int64 fileOffset, global::System.Threading.CancellationToken cancellationToken = default) => throw Handles.NotSupported();
    public global::System.Threading.Tasks.ValueTask<global::System.Int64> ReadAsync(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.Collections.Generic.IReadOnlyList<global::System.Memory<global::System.Byte>> buffers, global::System.Int64 fileOffset, global::System.Threading.CancellationToken cancellationToken = default) => throw Handles.NotSupported();
    public void SetLength(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.Int64 length) => throw Handles.NotSupported();
    public void Write(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.ReadOnlySpan<global::System.Byte> buffer, global::System.Int64 fileOffset) => throw Handles.NotSupported();
    public void Write(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.Collections.Generic.IReadOnlyList<global::System.ReadOnlyMemory<global::System.Byte>> buffers, global::System.Int64 fileOffset) => throw Handles.NotSupported();
    public global::System.Threading.Tasks.ValueTask WriteAsync(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.ReadOnlyMemory<global::System.Byte> buffer, global::System.Int64 fileOffset, global::System.Threading.CancellationToken cancellationToken = default) => throw Handles.NotSupported();
    public global::System.Threading.Tasks.ValueTask WriteAsync(global::Microsoft.Win32.SafeHandles.SafeFileHandle handle, global::System.Collections.Generic.IReadOnlyList<global::System.ReadOnlyMemory<global::System.Byte>> buffers, global::System.Int64 fileOffset, global::System.Threading.CancellationToken cancellationToken = default) => throw Handles.NotSupported();
    // ---- IFileSystemEntity
}
