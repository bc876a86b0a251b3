namespace Overlay.Layers;

/// <summary>
/// A layer that can be an overlay's upper: the primitives the union engine writes with, including a
/// work area in which an object is built completely before one atomic step makes it visible.
/// </summary>
/// <remarks>
/// The engine checks every overlay rule (existence, emptiness, whiteouts, copy-up) before it calls
/// these members, so a layer only stores what it is told. Members throw <see cref="IOException"/>
/// when the storage itself fails. What an upper can do beyond these members (redirects, a rename
/// that leaves a whiteout in one step, staging beside other calls) it declares through
/// <see cref="ILayer.GetCapability{TCapability}"/>.
/// </remarks>
public interface IWritableLayer : ILayer
{
    /// <summary>Creates a directory whose parent exists.</summary>
    /// <param name="path">The new directory's path.</param>
    /// <param name="mode">Its permission bits.</param>
    void CreateDirectory(string path, UnixFileMode mode);

    /// <summary>Creates an empty regular file whose parent exists and whose name is free.</summary>
    /// <param name="path">The new file's path.</param>
    /// <param name="mode">Its permission bits.</param>
    void CreateFile(string path, UnixFileMode mode);

    /// <summary>Creates a symbolic link whose parent exists and whose name is free.</summary>
    /// <param name="path">The link's path.</param>
    /// <param name="target">The link's target, stored as given.</param>
    void CreateSymbolicLink(string path, string target);

    /// <summary>Opens an existing regular file of this layer.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="access">Read, write or both.</param>
    /// <returns>A seekable stream; writes through it update the file's length and last write time.</returns>
    Stream OpenFile(string path, FileAccess access);

    /// <summary>Removes an entry: a file, a link, a whiteout, or a directory with all it holds.</summary>
    /// <param name="path">The entry's path.</param>
    void Delete(string path);

    /// <summary>
    /// Renames an entry in one step; whatever the destination held is replaced (a directory there,
    /// whiteouts inside it included, is discarded).
    /// </summary>
    /// <param name="sourcePath">The entry to move.</param>
    /// <param name="destinationPath">Its new path; the parent exists.</param>
    void Rename(string sourcePath, string destinationPath);

    /// <summary>Changes an entry's permission bits.</summary>
    /// <param name="path">The entry's path.</param>
    /// <param name="mode">The new permission bits.</param>
    void SetUnixFileMode(string path, UnixFileMode mode);

    /// <summary>
    /// Changes an entry's times; a <see langword="null"/> time is left as it is. A whiteout's
    /// times are those of its stored form (the kernel form's device, the OCI form's <c>.wh.</c>
    /// file), which a layer tar carries, so a copied or extracted layer exports the same tar.
    /// </summary>
    /// <param name="path">The entry's path (for a whiteout, the deleted name's).</param>
    /// <param name="lastAccessTimeUtc">The new atime, or <see langword="null"/>.</param>
    /// <param name="lastWriteTimeUtc">The new mtime, or <see langword="null"/>.</param>
    void SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc);

    /// <summary>Marks a directory opaque, or clears the mark.</summary>
    /// <param name="path">The directory's path.</param>
    /// <param name="opaque">Whether it hides the directories of the same name below.</param>
    void SetOpaque(string path, bool opaque);

    /// <summary>Builds a complete regular file in the work area.</summary>
    /// <param name="content">The data to copy in, or <see langword="null"/> for an empty file.</param>
    /// <param name="metadata">The mode and times the file gets after its data is written.</param>
    /// <returns>A token naming the staged object.</returns>
    string StageFile(Stream? content, LayerMetadata metadata);

    /// <summary>Builds an empty directory in the work area.</summary>
    /// <param name="metadata">Its mode and times.</param>
    /// <param name="opaque">Whether it is opaque.</param>
    /// <returns>A token naming the staged object.</returns>
    string StageDirectory(LayerMetadata metadata, bool opaque);

    /// <summary>Builds a symbolic link in the work area.</summary>
    /// <param name="target">The link's target.</param>
    /// <param name="metadata">Its times (a link's mode is not used).</param>
    /// <returns>A token naming the staged object.</returns>
    string StageSymbolicLink(string target, LayerMetadata metadata);

    /// <summary>Builds a whiteout in the work area.</summary>
    /// <returns>A token naming the staged object.</returns>
    string StageWhiteout();

    /// <summary>
    /// Moves a staged object into place in one atomic step, replacing whatever is at the path (a
    /// directory there is discarded with all it holds).
    /// </summary>
    /// <param name="token">The token from a Stage call.</param>
    /// <param name="path">Where the object goes; the parent exists.</param>
    /// <param name="keepParentTimes">
    /// Keep the parent directory's times as they were, as a copy-up does: it is not a change of the
    /// parent's content in the merged view.
    /// </param>
    void Publish(string token, string path, bool keepParentTimes);

    /// <summary>Throws a staged object away.</summary>
    /// <param name="token">The token from a Stage call.</param>
    void Discard(string token);
}
