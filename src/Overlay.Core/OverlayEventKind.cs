namespace Overlay;

/// <summary>What the union engine did.</summary>
public enum OverlayEventKind
{
    /// <summary>A path was looked up; <see cref="OverlayEvent.Layer"/> names the layer that answered (none when not found).</summary>
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
}
