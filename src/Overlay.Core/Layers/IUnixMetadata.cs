namespace Overlay.Layers;

/// <summary>
/// A layer capability (<see cref="ILayer.GetCapability{TCapability}"/>): the layer keeps the unix
/// metadata <see cref="LayerEntry"/> does not carry — owners, extended attributes, hard-link
/// identity and device numbers — and can tell them. A layer without it holds files owned by root
/// (0:0), with no extended attributes, each name its own file.
/// </summary>
/// <remarks>
/// The extended attributes told are the file's own: the attributes a layer form uses for its own
/// marks (the kernel form's <c>trusted.overlay.*</c> or <c>user.overlay.*</c>, a rootless owner's
/// <c>user.containers.override_stat</c>) are the layer's business and never listed. Every member
/// throws <see cref="FileNotFoundException"/> for a path the layer does not hold.
/// </remarks>
public interface IUnixMetadata
{
    /// <summary>The owner of an entry (a symbolic link's own, not its target's).</summary>
    /// <param name="path">The entry's layer path.</param>
    /// <returns>Its user and group ids.</returns>
    UnixOwner GetOwner(string path);

    /// <summary>The extended attributes of an entry, by name.</summary>
    /// <param name="path">The entry's layer path.</param>
    /// <returns>Each attribute's name and raw value; empty when it has none.</returns>
    IReadOnlyDictionary<string, byte[]> GetExtendedAttributes(string path);

    /// <summary>Which file an entry is in this layer, and how many names it has here.</summary>
    /// <param name="path">The entry's layer path.</param>
    /// <returns>The identity: equal <see cref="UnixFileIdentity.FileId"/>s are hard links of one file.</returns>
    UnixFileIdentity GetIdentity(string path);

    /// <summary>The device a character or block device entry stands for.</summary>
    /// <param name="path">The entry's layer path.</param>
    /// <returns>Its numbers; 0,0 for an entry that is not a device.</returns>
    UnixDeviceNumber GetDeviceNumber(string path);
}
