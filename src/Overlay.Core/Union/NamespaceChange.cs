using Overlay.Layers;

namespace Overlay.Union;

/// <summary>
/// One change of the merged namespace, as the library's own watchers need it (the change feed,
/// <see cref="UnionEngine.ChangeFeed"/>): what happened, to which path, and what kind of object it is,
/// so a watcher never looks the path up again to tell a directory from a file.
/// </summary>
/// <param name="Kind">
/// <see cref="OverlayEventKind.Created"/>, <see cref="OverlayEventKind.Deleted"/>,
/// <see cref="OverlayEventKind.Renamed"/> or <see cref="OverlayEventKind.Changed"/> (metadata).
/// </param>
/// <param name="Path">The merged path (the new one of a rename).</param>
/// <param name="OldPath">The old path of a rename; null otherwise.</param>
/// <param name="ObjectKind">What the object is: a file, a directory or a symbolic link.</param>
internal sealed record NamespaceChange(OverlayEventKind Kind, string Path, string? OldPath, LayerEntryKind ObjectKind)
{
    /// <summary>Whether the object is a directory.</summary>
    public bool IsDirectory => ObjectKind == LayerEntryKind.Directory;
}
