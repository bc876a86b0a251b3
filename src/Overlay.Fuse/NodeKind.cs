namespace Overlay.Fuse;

/// <summary>What a merged object is, as the FUSE server reports it (the S_IFMT part of a mode).</summary>
internal enum NodeKind
{
    File,
    Directory,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
}
