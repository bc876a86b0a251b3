namespace Overlay.Layers;

/// <summary>
/// A layer capability, internal to the library: listing a directory of a lower with each name's
/// kind as the directory itself records it (getdents' <c>d_type</c>), without reading every
/// object's mode, times and attributes. The lower index builds a directory from such listings and
/// reads an object's whole entry only when a lookup or a listing of the merged view hands it out.
/// </summary>
internal interface ILowerKindListing
{
    /// <summary>
    /// Lists a directory the caller found as a directory in a listing of its parent. Each entry has
    /// its name and kind; the rest of an entry is filled in only when <see cref="ListedEntry.Complete"/>
    /// (a name the directory gave no plain kind for is read whole). A whiteout comes as an entry of
    /// kind <see cref="LayerEntryKind.Whiteout"/> named after what it hides, as
    /// <see cref="ILayer.ListDirectory"/> gives it.
    /// </summary>
    /// <param name="path">The directory's layer path.</param>
    /// <param name="opaque">The directory is marked opaque in this layer: nothing below shows through it.</param>
    /// <returns>
    /// The entries (empty when the path is not a directory of the layer), or <see langword="null"/>
    /// when this directory must be read whole with <see cref="ILayer.ListDirectory"/> (the kernel
    /// form's directory that holds xwhiteouts, one that is no longer a plain directory).
    /// </returns>
    IReadOnlyList<ListedEntry>? ListKinds(string path, out bool opaque);

    /// <summary>
    /// The whole entry of an object a listing of its directory gave: its parents are not checked
    /// again (the listing found them), only the object is read.
    /// </summary>
    /// <param name="path">The object's layer path.</param>
    /// <param name="entry">The entry, when found.</param>
    /// <returns>Whether the object is there (and is one the layer shows).</returns>
    bool TryGetListedEntry(string path, out LayerEntry entry);
}

/// <summary>One name of a <see cref="ILowerKindListing.ListKinds"/> listing.</summary>
/// <param name="Entry">The entry: its name and kind, and the rest when <paramref name="Complete"/>.</param>
/// <param name="Complete">The entry was read whole.</param>
internal readonly record struct ListedEntry(LayerEntry Entry, bool Complete);
