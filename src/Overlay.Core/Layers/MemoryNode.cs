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
