namespace Overlay.Layers;

/// <content>Owners, extended attributes, hard links and special files.</content>
public sealed partial class MemoryLayer
{
    private ulong _nextId;

    // ---- Building a layer from code

    /// <summary>Sets the owner of an entry.</summary>
    /// <param name="path">The entry's absolute path.</param>
    /// <param name="owner">Its owner.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer SetOwner(string path, UnixOwner owner)
    {
        ((IUnixMetadataWrites)this).SetOwner(path, owner);
        return this;
    }

    /// <summary>Sets an extended attribute of an entry.</summary>
    /// <param name="path">The entry's absolute path.</param>
    /// <param name="name">The attribute's full name (<c>security.capability</c>, <c>user.x</c>).</param>
    /// <param name="value">Its raw value.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer SetExtendedAttribute(string path, string name, byte[] value)
    {
        ((IUnixMetadataWrites)this).SetExtendedAttribute(path, name, value);
        return this;
    }

    /// <summary>Adds a hard link: one more name for an existing regular file.</summary>
    /// <param name="existingPath">The file's absolute path.</param>
    /// <param name="path">The new name's absolute path; missing parents are made as 0755 directories.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer AddHardLink(string existingPath, string path)
    {
        lock (_gate)
        {
            var node = RequireLinkable(existingPath);
            var (parent, name) = Walk(path, createParents: true);
            if (name.Length == 0 || parent.Children!.ContainsKey(name))
            {
                throw new IOException($"'{path}' already exists in layer '{Name}'.", 17);
            }

            parent.Children[name] = node;
            node.Links++;
        }

        return this;
    }

    /// <summary>Adds a device node, FIFO or socket, creating missing parents as 0755 directories.</summary>
    /// <param name="path">The entry's absolute path.</param>
    /// <param name="kind">A character or block device, a FIFO or a socket.</param>
    /// <param name="mode">Its permission bits.</param>
    /// <param name="device">A device's numbers; ignored for others.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer AddSpecialFile(string path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device = default)
    {
        Add(path, NewSpecial(path, kind, mode, device));
        return this;
    }

    // ---- IUnixMetadata

    /// <inheritdoc />
    UnixOwner IUnixMetadata.GetOwner(string path)
    {
        lock (_gate)
        {
            return (Find(path) ?? throw NotFound(path)).Owner;
        }
    }

    /// <inheritdoc />
    IReadOnlyDictionary<string, byte[]> IUnixMetadata.GetExtendedAttributes(string path)
    {
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            return node.Attributes is { Count: > 0 } attributes
                ? attributes.ToDictionary(a => a.Key, a => (byte[])a.Value.Clone(), StringComparer.Ordinal)
                : new Dictionary<string, byte[]>(0);
        }
    }

    /// <inheritdoc />
    UnixFileIdentity IUnixMetadata.GetIdentity(string path)
    {
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            if (node.Id == 0)
            {
                node.Id = ++_nextId;
            }

            // A directory's count is the kernel's: its own name, its "." and each subdirectory's "..".
            int links = node.Kind == LayerEntryKind.Directory
                ? 2 + node.Children!.Values.Count(c => c.Kind == LayerEntryKind.Directory)
                : node.Links;
            return new UnixFileIdentity(node.Id, links);
        }
    }

    /// <inheritdoc />
    UnixDeviceNumber IUnixMetadata.GetDeviceNumber(string path)
    {
        lock (_gate)
        {
            return (Find(path) ?? throw NotFound(path)).Device;
        }
    }

    // ---- IUnixMetadataWrites

    /// <inheritdoc />
    void IUnixMetadataWrites.SetOwner(string path, UnixOwner owner)
    {
        lock (_gate)
        {
            (Find(path) ?? throw NotFound(path)).Owner = owner;
        }
    }

    /// <inheritdoc />
    void IUnixMetadataWrites.SetExtendedAttribute(string path, string name, byte[] value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            node.Attributes ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
            node.Attributes[name] = (byte[])value.Clone();
        }
    }

    /// <inheritdoc />
    bool IUnixMetadataWrites.RemoveExtendedAttribute(string path, string name)
    {
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            return node.Attributes?.Remove(name) == true;
        }
    }

    /// <inheritdoc />
    void IUnixMetadataWrites.CreateHardLink(string existingPath, string newPath)
    {
        lock (_gate)
        {
            var node = RequireLinkable(existingPath);
            var (parent, name) = Walk(newPath, createParents: false);
            if (name.Length == 0 || parent.Children!.ContainsKey(name))
            {
                throw new IOException($"'{newPath}' already exists in layer '{Name}'.", 17);
            }

            parent.Children[name] = node;
            node.Links++;
            parent.LastWriteTimeUtc = Now;
        }
    }

    /// <inheritdoc />
    void IUnixMetadataWrites.CreateSpecialFile(string path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device) =>
        Attach(path, NewSpecial(path, kind, mode, device), replace: false);

    /// <inheritdoc />
    string IUnixMetadataWrites.StageSpecialFile(LayerEntryKind kind, UnixDeviceNumber device, LayerMetadata metadata) =>
        Stage(NewSpecial(kind.ToString(), kind, metadata.Mode, device), metadata);

    /// <inheritdoc />
    void IUnixMetadataWrites.SetStagedMetadata(string token, UnixOwner owner, IReadOnlyDictionary<string, byte[]> extendedAttributes, UnixFileMode mode)
    {
        lock (_gate)
        {
            if (!_staged.TryGetValue(token, out var node))
            {
                throw new IOException($"Nothing is staged as '{token}' in layer '{Name}'.", 2);
            }

            node.Owner = owner;
            node.Attributes = extendedAttributes.Count == 0
                ? null
                : extendedAttributes.ToDictionary(a => a.Key, a => (byte[])a.Value.Clone(), StringComparer.Ordinal);
            if (node.Kind != LayerEntryKind.SymbolicLink)
            {
                node.Mode = mode;
            }
        }
    }

    private MemoryNode NewSpecial(string path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device)
    {
        if (kind is not (LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice or LayerEntryKind.Fifo or LayerEntryKind.Socket))
        {
            throw new ArgumentException($"'{path}': a special file is a device, a FIFO or a socket, not a {kind}.", nameof(kind));
        }

        bool isDevice = kind is LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice;
        return new MemoryNode(kind, mode, Now) { Device = isDevice ? device : default };
    }

    private MemoryNode RequireLinkable(string path)
    {
        var node = Find(path) ?? throw NotFound(path);
        if (node.Kind is LayerEntryKind.Directory or LayerEntryKind.Whiteout)
        {
            // link(2) of a directory is EPERM.
            throw new IOException($"'{path}' in layer '{Name}' is a {(node.Kind == LayerEntryKind.Directory ? "directory" : "whiteout")}: it cannot have another name.", 1);
        }

        return node;
    }

    /// <summary>A node lost a name: one link less, and a directory's content loses theirs (and the walk from the last directory found is forgotten).</summary>
    private void Unlinked(MemoryNode node)
    {
        if (node.Children is not null)
        {
            ForgetDirectories();
            UnlinkedTree(node);
        }
        else
        {
            node.Links--;
        }

        static void UnlinkedTree(MemoryNode node)
        {
            node.Links--;
            if (node.Children is { } children)
            {
                foreach (var child in children.Values)
                {
                    UnlinkedTree(child);
                }
            }
        }
    }
}
