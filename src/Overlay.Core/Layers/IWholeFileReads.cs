namespace Overlay.Layers;

/// <summary>
/// A layer capability (<see cref="ILayer.GetCapability{TCapability}"/>): reading a whole file
/// (<c>File.ReadAllBytes</c> and the members built on it) straight from the layer, with no stream
/// between.
/// </summary>
public interface IWholeFileReads
{
    /// <summary>
    /// Opens a regular file of the layer for one read of all its data. The overlay calls this while
    /// it holds its lock (so the file is the one its lookup found) and reads what it is given after
    /// the lock is released: the call should only open, or copy what is cheap to copy.
    /// </summary>
    /// <param name="path">The layer path of a regular file.</param>
    /// <param name="asLower">
    /// Whether the file is read as a lower's file (a layer that preserves its lowers' access times
    /// leaves it alone); an upper's file is read as any file.
    /// </param>
    /// <returns>The data itself, an open handle with the file's length, or a stream.</returns>
    WholeFileRead OpenWholeFile(string path, bool asLower);
}
