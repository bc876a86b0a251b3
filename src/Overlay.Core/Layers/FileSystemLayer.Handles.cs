using Microsoft.Win32.SafeHandles;
using Overlay.Layers.Host;

namespace Overlay.Layers;

/// <content>Native handles of the layer's files, for the overlay's SafeFileHandle members.</content>
public partial class FileSystemLayer
{
    /// <summary>
    /// Whether the layer's files are files of the host disk that can be opened as native handles
    /// without following a link: a <see cref="HostDirectoryLayer"/>, or a layer over System.IO's own
    /// <see cref="System.IO.Abstractions.FileSystem"/>, on Linux.
    /// </summary>
    internal bool HasHostHandles =>
        LinuxSyscalls.IsSupported && FileSystem.GetType() == typeof(System.IO.Abstractions.FileSystem);

    /// <summary>Whether handles opened for reading leave the file's access time alone.</summary>
    private protected virtual bool HandlesPreserveAccessTimes => false;

    /// <summary>
    /// Opens an existing regular file of the layer as a native handle, with <c>O_NOFOLLOW</c> after
    /// the same containment check as every other access (no link on the way is followed), so the
    /// handle never reaches outside the layer.
    /// </summary>
    /// <param name="path">The layer path of a regular file.</param>
    /// <param name="access">Read for any layer; write only for an upper.</param>
    /// <returns>The handle, owning its descriptor.</returns>
    internal SafeFileHandle OpenHostHandle(string path, FileAccess access)
    {
        CheckLayerPath(path);
        if (!HasHostHandles)
        {
            throw new NotSupportedException($"Layer '{Name}' does not keep its files on the host disk.");
        }

        if (access != FileAccess.Read)
        {
            RequireUpper();
        }

        string host = RequireKind(path, HostEntryKind.File);
        int errno = access == FileAccess.Read
            ? LinuxSyscalls.OpenReadNoFollow(host, HandlesPreserveAccessTimes, out var handle)
            : LinuxSyscalls.OpenNoFollow(host, access, createNew: false, 0, out handle);
        if (errno != 0)
        {
            handle.Dispose();
            throw new IOException($"Cannot open '{path}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        return handle;
    }
}
