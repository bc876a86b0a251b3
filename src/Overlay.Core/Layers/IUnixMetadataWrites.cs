namespace Overlay.Layers;

/// <summary>
/// A writable layer's capability (<see cref="ILayer.GetCapability{TCapability}"/>): it stores the
/// owners, extended attributes, hard links and special files an overlay writes, and gives them to
/// objects it stages in its work area before they are published, as the kernel sets a copy's owner
/// and attributes in its work directory.
/// </summary>
/// <remarks>
/// As with <see cref="IWritableLayer"/>, the overlay checks every rule first; these members only
/// store. They throw <see cref="IOException"/> (the errno as its HResult) when the storage refuses.
/// </remarks>
public interface IUnixMetadataWrites
{
    /// <summary>Changes the owner of an entry (a symbolic link's own).</summary>
    /// <param name="path">The entry's layer path.</param>
    /// <param name="owner">The new owner.</param>
    void SetOwner(string path, UnixOwner owner);

    /// <summary>Sets one extended attribute, creating or replacing it.</summary>
    /// <param name="path">The entry's layer path.</param>
    /// <param name="name">The attribute's full name (<c>user.x</c>, <c>security.capability</c>).</param>
    /// <param name="value">Its raw value.</param>
    void SetExtendedAttribute(string path, string name, byte[] value);

    /// <summary>Removes one extended attribute.</summary>
    /// <param name="path">The entry's layer path.</param>
    /// <param name="name">The attribute's full name.</param>
    /// <returns><see langword="false"/> when the entry had no such attribute.</returns>
    bool RemoveExtendedAttribute(string path, string name);

    /// <summary>Gives an existing regular file of this layer one more name (<c>link(2)</c>).</summary>
    /// <param name="existingPath">The file's layer path.</param>
    /// <param name="newPath">The new name; its parent exists and the name is free.</param>
    void CreateHardLink(string existingPath, string newPath);

    /// <summary>Creates a device node, FIFO or socket whose parent exists and whose name is free.</summary>
    /// <param name="path">The new entry's layer path.</param>
    /// <param name="kind">A character or block device, a FIFO or a socket.</param>
    /// <param name="mode">Its permission bits.</param>
    /// <param name="device">A device's numbers; ignored for a FIFO or socket.</param>
    void CreateSpecialFile(string path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device);

    /// <summary>Builds a device node, FIFO or socket in the work area.</summary>
    /// <param name="kind">A character or block device, a FIFO or a socket.</param>
    /// <param name="device">A device's numbers.</param>
    /// <param name="metadata">Its mode and times.</param>
    /// <returns>A token naming the staged object, for <see cref="IWritableLayer.Publish"/>.</returns>
    string StageSpecialFile(LayerEntryKind kind, UnixDeviceNumber device, LayerMetadata metadata);

    /// <summary>
    /// Gives a staged object its owner and extended attributes, then its mode again (a change of
    /// owner clears the setuid and setgid bits, as <c>chown(2)</c> does on Linux).
    /// </summary>
    /// <param name="token">The token of a staged object.</param>
    /// <param name="owner">Its owner.</param>
    /// <param name="extendedAttributes">Its extended attributes (none of the layer form's own).</param>
    /// <param name="mode">The mode it must end with (not applied to a symbolic link).</param>
    void SetStagedMetadata(string token, UnixOwner owner, IReadOnlyDictionary<string, byte[]> extendedAttributes, UnixFileMode mode);
}
