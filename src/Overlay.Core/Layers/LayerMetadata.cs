namespace Overlay.Layers;

/// <summary>The metadata an object keeps when it is copied from one layer into another.</summary>
/// <remarks>
/// The times are in the order every time-taking member of the library uses, access then write, as
/// utimensat(2) takes them (<see cref="IWritableLayer.SetTimes"/>).
/// </remarks>
/// <param name="Mode">The unix permission bits.</param>
/// <param name="LastAccessTimeUtc">The last access time (atime), UTC.</param>
/// <param name="LastWriteTimeUtc">The last write time (mtime), UTC.</param>
public readonly record struct LayerMetadata(UnixFileMode Mode, DateTime LastAccessTimeUtc, DateTime LastWriteTimeUtc)
{
    /// <summary>Takes the metadata of an existing entry.</summary>
    /// <param name="entry">The entry to take it from.</param>
    /// <returns>The entry's mode and times.</returns>
    public static LayerMetadata From(in LayerEntry entry) =>
        new(entry.Mode, LastAccessTimeUtc: entry.LastAccessTimeUtc, LastWriteTimeUtc: entry.LastWriteTimeUtc);
}
