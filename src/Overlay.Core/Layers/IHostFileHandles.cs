using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers;

/// <summary>
/// A layer capability (<see cref="ILayer.GetCapability{TCapability}"/>): the layer keeps its files
/// as files of the host's disk and can open them as operating-system handles, which the overlay's
/// <c>File.OpenHandle</c> and the drive's sizes need.
/// </summary>
public interface IHostFileHandles
{
    /// <summary>The host directory the layer's files are stored under (its root).</summary>
    string HostDirectory { get; }

    /// <summary>
    /// Opens an existing regular file of the layer as a native handle, following no link on the
    /// way, so the handle never reaches outside the layer.
    /// </summary>
    /// <param name="path">The layer path of a regular file.</param>
    /// <param name="access">Read for a lower's file; read, write or both for an upper's.</param>
    /// <returns>The handle, owning its descriptor.</returns>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    SafeFileHandle OpenHandle(string path, FileAccess access);
}
