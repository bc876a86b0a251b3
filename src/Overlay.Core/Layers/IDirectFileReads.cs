namespace Overlay.Layers;

/// <summary>
/// A capability of the library's in-memory layer (<see cref="ILayer.GetCapability{TCapability}"/>):
/// reading a whole regular file by its path in one walk of the layer's tree. The overlay asks its
/// upper for it, under its lock: a path whose every component is a plain directory of the upper and
/// whose last is a regular file there names that file in the merged view whatever the lowers hold,
/// so the walk is the whole lookup.
/// </summary>
internal interface IDirectFileReads
{
    /// <summary>Reads the file at a path when each component before the last is a directory of the layer (not a link, not a whiteout) and the last is a regular file.</summary>
    /// <param name="path">An absolute layer path with no "." or ".." component and no trailing '/'.</param>
    /// <param name="data">A copy of the file's bytes, the caller's to keep; null when the answer is false.</param>
    /// <returns>Whether the path named such a file; when not, nothing was read and the caller takes the general way.</returns>
    bool TryReadFile(string path, out byte[]? data);
}
