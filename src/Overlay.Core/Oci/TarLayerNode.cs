using Overlay.Layers;
using Overlay.Oci.Model;

namespace Overlay.Oci;

/// <summary>One name of a <see cref="TarLayer"/>'s index.</summary>
internal sealed class TarLayerNode(LayerEntryKind kind)
{
    public LayerEntryKind Kind { get; set; } = kind;

    public UnixFileMode Mode { get; set; }

    public DateTime LastWriteTimeUtc { get; set; }

    public DateTime LastAccessTimeUtc { get; set; }

    public long Size { get; set; }

    public long DataOffset { get; set; } = -1;

    public string? LinkTarget { get; set; }

    public bool IsOpaque { get; set; }

    /// <summary>Whether a member of the tar named this directory (not only a path through it).</summary>
    public bool Explicit { get; set; }

    /// <summary>The member it came from (ownership, xattrs); null for implicit directories.</summary>
    public TarMember? Source { get; set; }

    public Dictionary<string, TarLayerNode>? Children { get; set; }

    /// <summary>How many names of the layer stand for this node (hard-link members share their target's node).</summary>
    public int Links { get; set; } = 1;

    /// <summary>A device's numbers.</summary>
    public UnixDeviceNumber Device { get; set; }

    /// <summary>The node's file number in its layer, given on first use (0 until then).</summary>
    public long Identity;

    public static TarLayerNode Directory(DateTime time) => new(LayerEntryKind.Directory)
    {
        Mode = (UnixFileMode)0b111_101_101,
        LastWriteTimeUtc = time,
        LastAccessTimeUtc = time,
        Children = new(StringComparer.Ordinal),
    };

    public LayerEntry ToEntry(string name) => new()
    {
        Name = name,
        Kind = Kind,
        Mode = Mode,
        Length = Kind == LayerEntryKind.SymbolicLink ? System.Text.Encoding.UTF8.GetByteCount(LinkTarget!) : Kind == LayerEntryKind.File ? Size : 0,
        LastWriteTimeUtc = LastWriteTimeUtc,
        LastAccessTimeUtc = LastAccessTimeUtc,
        CreationTimeUtc = LastWriteTimeUtc,
        LinkTarget = LinkTarget,
        IsOpaque = IsOpaque,
    };
}
