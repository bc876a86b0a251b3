namespace Overlay.Layers;

/// <summary>Settings of a <see cref="HostDirectoryLayer"/>, fixed when it is built.</summary>
public sealed record HostDirectoryLayerOptions : FileSystemLayerOptions
{
    /// <summary>
    /// Flush what the overlay builds to the disk before it becomes visible, as the kernel syncs a
    /// copy-up before renaming it into place: a staged file's data is synced, and the directory it
    /// is renamed into is synced after the rename. <see langword="true"/> by default; tests that want
    /// speed turn it off. Only an upper writes, so only an upper syncs.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>
    /// Read lower files without updating their access time where the platform allows it
    /// (<c>O_NOATIME</c> on Linux, for the files' owner or root); <see langword="true"/> by default.
    /// </summary>
    public bool PreserveAccessTimes { get; init; } = true;

    /// <summary>
    /// In the kernel whiteout form, use the <c>user.overlay.*</c> extended attributes instead of
    /// <c>trusted.overlay.*</c>, as the kernel's <c>-o userxattr</c> mount option does (for layers
    /// written without root). <see langword="false"/> by default.
    /// </summary>
    public bool UserExtendedAttributes { get; init; }
}
