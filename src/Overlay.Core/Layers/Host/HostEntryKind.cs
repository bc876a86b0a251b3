namespace Overlay.Layers.Host;

/// <summary>The kinds of object a layer's storage holds.</summary>
internal enum HostEntryKind
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link.</summary>
    SymbolicLink,

    /// <summary>A character device other than 0/0.</summary>
    CharacterDevice,

    /// <summary>A character device 0/0: the kernel's whiteout.</summary>
    WhiteoutDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A named pipe (FIFO).</summary>
    Fifo,

    /// <summary>A unix-domain socket.</summary>
    Socket,

    /// <summary>Anything else. Not part of a layer's view.</summary>
    Other,
}
