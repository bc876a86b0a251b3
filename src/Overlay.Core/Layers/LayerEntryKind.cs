namespace Overlay.Layers;

/// <summary>What a name in one layer is, before the layers are merged.</summary>
public enum LayerEntryKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link; its target is in <see cref="LayerEntry.LinkTarget"/>.</summary>
    SymbolicLink,

    /// <summary>A whiteout: the name is deleted, and every layer below it is hidden.</summary>
    Whiteout,
}
