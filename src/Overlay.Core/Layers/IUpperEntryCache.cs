namespace Overlay.Layers;

/// <summary>
/// A layer capability, internal to the library: the upper keeps what it has learnt of its own
/// directories (which are real directories, which names each holds) between calls, because from
/// now on it changes only through its own write calls. The overlay starts it when it is built (a
/// fresh overlay starts from nothing, as a mount does) and clears it in
/// <c>InvalidateIndex()</c>, after a caller changed the storage outside the overlay.
/// </summary>
internal interface IUpperEntryCache
{
    /// <summary>Forgets everything and keeps what the next calls learn.</summary>
    void Start();

    /// <summary>Forgets everything learnt so far; what is learnt next is kept again.</summary>
    void Clear();

    /// <summary>
    /// A directory the layer has seen and not replaced since, as a walk through it needs it: its
    /// kind, opaque mark, redirect and mode are as stored now (each change of them through the
    /// layer forgets the entry); its times are those it had when it was last looked up (a
    /// directory's times move with its content), so a caller that reports them asks
    /// <see cref="ILayer.TryGetEntry"/>.
    /// </summary>
    /// <param name="path">A normalised absolute layer path.</param>
    /// <param name="entry">The entry, when known.</param>
    /// <returns>Whether the path is a directory the layer knows; false when it does not know it.</returns>
    bool TryGetKnownDirectory(string path, out LayerEntry entry);

    /// <summary>
    /// Whether a path holds a regular file the layer made and has not changed since (no delete,
    /// rename or replacement at its name through the layer): only its kind is known so, not its
    /// length, times or mode, which a caller that needs them reads with <see cref="ILayer.TryGetEntry"/>.
    /// </summary>
    /// <param name="path">A normalised absolute layer path.</param>
    /// <returns>True when the path is known to hold such a file; false when not known.</returns>
    bool IsKnownFile(string path);

    /// <summary>
    /// Whether a directory of the layer carries a default POSIX ACL: a new object made in it then
    /// takes its permissions from that ACL, not from the umask, as the kernel gives them.
    /// </summary>
    /// <param name="directory">A normalised absolute layer path of a directory.</param>
    bool HasDefaultAcl(string directory);
}
