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

    /// <summary>A character device node; its numbers come from <see cref="IUnixMetadata.GetDeviceNumber"/>.</summary>
    CharacterDevice,

    /// <summary>A block device node; its numbers come from <see cref="IUnixMetadata.GetDeviceNumber"/>.</summary>
    BlockDevice,

    /// <summary>A named pipe (FIFO).</summary>
    Fifo,

    /// <summary>A unix-domain socket's name.</summary>
    Socket,
}
