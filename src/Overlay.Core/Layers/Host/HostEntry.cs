namespace Overlay.Layers.Host;

/// <summary>What one name on a layer's storage is, read without following a symbolic link.</summary>
/// <param name="Kind">Its kind; <see cref="HostEntryKind.None"/> when nothing is there.</param>
/// <param name="Mode">Its permission bits.</param>
/// <param name="Length">A file's length.</param>
/// <param name="LastWriteTimeUtc">Its mtime.</param>
/// <param name="LastAccessTimeUtc">Its atime.</param>
/// <param name="CreationTimeUtc">Its birth time where known, else its mtime.</param>
internal readonly record struct HostEntry(
    HostEntryKind Kind,
    UnixFileMode Mode,
    long Length,
    DateTime LastWriteTimeUtc,
    DateTime LastAccessTimeUtc,
    DateTime CreationTimeUtc)
{
    /// <summary>Nothing at the path (or a parent that is not a directory).</summary>
    public static readonly HostEntry Missing = default;

    /// <summary>Whether something is there.</summary>
    public bool Exists => Kind != HostEntryKind.None;
}
