namespace Overlay;

/// <summary>What the union engine did.</summary>
public enum OverlayEventKind
{
    /// <summary>A path was looked up; <see cref="OverlayEvent.Layer"/> names the layer that answered (none when not found). This and the other lookup kinds are raised by <see cref="OverlayFileSystem.LookupTrace"/>, the others by <see cref="OverlayFileSystem.Trace"/>.</summary>
    Lookup,

    /// <summary>An object was copied from a lower into the upper.</summary>
    CopyUp,

    /// <summary>A whiteout was written into the upper, hiding a lower name.</summary>
    Whiteout,

    /// <summary>A directory was made opaque in the upper, hiding the lower directories of its name.</summary>
    OpaqueDirectory,

    /// <summary>A file, directory or link was created.</summary>
    Created,

    /// <summary>A name was removed from the merged view.</summary>
    Deleted,

    /// <summary>A name was moved; <see cref="OverlayEvent.OldPath"/> is where it was.</summary>
    Renamed,

    /// <summary>An object's data or metadata changed.</summary>
    Changed,

    /// <summary>
    /// One component of a path walk was looked up (the root first, then each name in walk order,
    /// through followed symbolic links; before the walk's <see cref="Lookup"/>): <see cref="OverlayEvent.Path"/>
    /// is the component's merged path and <see cref="OverlayEvent.Layer"/> the layer whose entry it is
    /// (the upper, or the topmost lower holding the name), or <see langword="null"/> when no layer shows it.
    /// </summary>
    LookupStep,

    /// <summary>
    /// Follows the <see cref="LookupStep"/> of a directory: one more layer's copy of the directory
    /// merges beneath the one that answered. One event per layer, topmost first; the chain ends at an
    /// opaque copy or above a layer holding a non-directory or a whiteout of the name.
    /// </summary>
    LookupMerge,

    /// <summary>
    /// Precedes a <see cref="LookupStep"/> without a layer: a whiteout in <see cref="OverlayEvent.Layer"/>
    /// hides the name, so the layers below it are not asked.
    /// </summary>
    LookupWhiteout,
}
