namespace Overlay.Layers;

/// <summary>The metadata an object keeps when it is copied from one layer into another.</summary>
/// <param name="Mode">The unix permission bits.</param>
/// <param name="LastWriteTimeUtc">The last write time (mtime), UTC.</param>
/// <param name="LastAccessTimeUtc">The last access time (atime), UTC.</param>
public readonly record struct LayerMetadata(UnixFileMode Mode, DateTime LastWriteTimeUtc, DateTime LastAccessTimeUtc)
{
    /// <summary>Takes the metadata of an existing entry.</summary>
    /// <param name="entry">The entry to take it from.</param>
    /// <returns>The entry's mode and times.</returns>
    public static LayerMetadata From(in LayerEntry entry) =>
        new(entry.Mode, entry.LastWriteTimeUtc, entry.LastAccessTimeUtc);
}
