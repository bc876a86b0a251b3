namespace Overlay.Layers;

/// <summary>
/// One name as a single layer stores it: its kind and metadata. Whiteouts and opaque markers are
/// reported as such, whatever the layer's on-disk form is.
/// </summary>
public readonly record struct LayerEntry
{
    /// <summary>The entry's name inside its directory (no separators); "/" for a layer's root.</summary>
    public required string Name { get; init; }

    /// <summary>What the entry is.</summary>
    public required LayerEntryKind Kind { get; init; }

    /// <summary>The unix permission bits (including setuid, setgid and sticky).</summary>
    public UnixFileMode Mode { get; init; }

    /// <summary>The length of a file's data, or of a symbolic link's target; 0 for others.</summary>
    public long Length { get; init; }

    /// <summary>The last write time (mtime), UTC.</summary>
    public DateTime LastWriteTimeUtc { get; init; }

    /// <summary>The last access time (atime), UTC.</summary>
    public DateTime LastAccessTimeUtc { get; init; }

    /// <summary>The creation (birth) time, UTC.</summary>
    public DateTime CreationTimeUtc { get; init; }

    /// <summary>The target of a symbolic link, exactly as stored; <see langword="null"/> for others.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>
    /// For a directory: it is opaque, so the directories of the same name in the layers below it do
    /// not take part in the merge.
    /// </summary>
    public bool IsOpaque { get; init; }

    /// <summary>
    /// For a directory: where its lower content is, when it was renamed (the kernel's
    /// <c>overlay.redirect</c> attribute, as stored): a name alone means the directory of that name
    /// in the same parent, a path starting with '/' the directory at that path from the layers'
    /// root. <see langword="null"/> when the directory merges with the lowers' directory of its own
    /// name.
    /// </summary>
    public string? RedirectPath { get; init; }

    /// <summary>Whether this entry is a directory.</summary>
    public bool IsDirectory => Kind == LayerEntryKind.Directory;
}
