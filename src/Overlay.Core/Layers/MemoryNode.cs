namespace Overlay.Layers;

/// <summary>One object of a <see cref="MemoryLayer"/>; guarded by the layer's lock, data by its own.</summary>
internal sealed class MemoryNode
{
    public MemoryNode(LayerEntryKind kind, UnixFileMode mode, DateTime now)
    {
        Kind = kind;
        Mode = mode;
        LastWriteTimeUtc = LastAccessTimeUtc = CreationTimeUtc = now;
        if (kind == LayerEntryKind.Directory)
        {
            Children = new Dictionary<string, MemoryNode>(StringComparer.Ordinal);
        }
        else if (kind == LayerEntryKind.File)
        {
            Data = new MemoryFileData();
        }
    }

    public LayerEntryKind Kind { get; }

    public UnixFileMode Mode { get; set; }

    public DateTime LastWriteTimeUtc { get; set; }

    public DateTime LastAccessTimeUtc { get; set; }

    public DateTime CreationTimeUtc { get; set; }

    public string? LinkTarget { get; set; }

    public bool IsOpaque { get; set; }

    public string? Redirect { get; set; }

    public Dictionary<string, MemoryNode>? Children { get; }

    public MemoryFileData? Data { get; }

    /// <summary>The node's number in its layer (hard links share the node, so its number).</summary>
    public ulong Id { get; set; }

    /// <summary>How many names of the layer hold this node (a hard-linked file has more than one).</summary>
    public int Links { get; set; } = 1;

    public UnixOwner Owner { get; set; }

    /// <summary>The node's extended attributes; null until one is set.</summary>
    public Dictionary<string, byte[]>? Attributes { get; set; }

    public UnixDeviceNumber Device { get; set; }

    public LayerEntry ToEntry(string name) => new()
    {
        Name = name,
        Kind = Kind,
        Mode = Mode,
        Length = Kind switch
        {
            LayerEntryKind.File => Data!.Length,
            LayerEntryKind.SymbolicLink => System.Text.Encoding.UTF8.GetByteCount(LinkTarget!),
            _ => 0,
        },
        LastWriteTimeUtc = LastWriteTimeUtc,
        LastAccessTimeUtc = LastAccessTimeUtc,
        CreationTimeUtc = CreationTimeUtc,
        LinkTarget = LinkTarget,
        IsOpaque = IsOpaque,
        RedirectPath = Redirect,
    };
}
