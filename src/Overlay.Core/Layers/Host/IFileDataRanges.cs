using Microsoft.Win32.SafeHandles;

namespace Overlay.Layers.Host;

/// <summary>
/// A layer whose files' data lie as ranges of one open file (a tar's members): a writer copies
/// them inside the kernel instead of through a stream.
/// </summary>
internal interface IFileDataRanges
{
    /// <summary>Where a regular file's data lies.</summary>
    /// <param name="path">The file's layer path.</param>
    /// <param name="file">The open file holding the data (owned by the layer).</param>
    /// <param name="offset">Where the data starts in it.</param>
    /// <param name="length">How long the data is.</param>
    /// <returns>Whether the path is a regular file of the layer.</returns>
    bool TryGetDataRange(string path, out SafeFileHandle file, out long offset, out long length);
}
