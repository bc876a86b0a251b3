using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>
/// Unix metadata beyond mode and times: owners, extended attributes, hard links, special files.
/// Copy-up gives the copy the lower's owner and attributes (the kernel's ovl_copy_xattr and
/// ovl_set_attr); new objects get the overlay's owner, or the group of a setgid parent.
/// </content>
internal sealed partial class UnionEngine
{
    private const UnixFileMode SetIdBits = UnixFileMode.SetUser | UnixFileMode.SetGroup;

    private static readonly IReadOnlyDictionary<string, byte[]> NoAttributes = new Dictionary<string, byte[]>(0);

    // ---- Hooks of copy-up and create

    /// <summary>
    /// Gives a staged copy of a lower object the lower's owner and extended attributes (all but the
    /// overlay's own), then its mode again, before it is published: what the kernel does in its work
    /// directory. Nothing is done when the lower or the upper does not keep unix metadata.
    /// </summary>
    private void CopyUnixMetadataToStaged(int layer, string pathInLower, string token, UnixFileMode mode)
    {
        if (_upperCapabilities?.UnixWrites is not { } writes || _lowerCapabilities[layer].Unix is not { } source)
        {
            return;
        }

        var owner = source.GetOwner(pathInLower);
        var attributes = OwnAttributes(source.GetExtendedAttributes(pathInLower));
        writes.SetStagedMetadata(token, owner, attributes, mode);
    }

    /// <summary>Stages a copy of a lower device node, FIFO or socket.</summary>
    private string StageSpecialCopy(in MergedNode node, LayerMetadata metadata)
    {
        if (_upperCapabilities?.UnixWrites is not { } writes)
        {
            throw new IOException(
                $"Cannot copy up '{node.Path}': the upper layer '{_upper!.Name}' cannot hold a {node.Entry.Kind}.",
                (int)Errno.EOPNOTSUPP);
        }

        var device = _lowerCapabilities[node.Layer].Unix?.GetDeviceNumber(node.PathInLower) ?? default;
        return writes.StageSpecialFile(node.Entry.Kind, device, metadata);
    }

    /// <summary>
    /// Gives a new object of the upper its owner as the kernel does: the overlay's
    /// <see cref="OverlayOptions.Owner"/>, but the parent's group when the parent is setgid, and a new
    /// directory there is setgid too.
    /// </summary>
    private void GiveNewObjectItsOwner(string path, LayerEntryKind kind)
    {
        if (_upperCapabilities is not { UnixWrites: { } writes, Unix: { } reads })
        {
            return;
        }

        var owner = Options.Owner;
        string parent = path.LastIndexOf('/') is > 0 and int slash ? path[..slash] : "/";
        // The parent's mode only: a directory the upper knows answers without reading its times.
        LayerEntry parentEntry = default;
        bool parentFound = _upperCapabilities.EntryCache?.TryGetKnownDirectory(parent, out parentEntry) == true || _upper!.TryGetEntry(parent, out parentEntry);
        if (parentFound && (parentEntry.Mode & UnixFileMode.SetGroup) != 0)
        {
            owner = owner with { GroupId = reads.GetOwner(parent).GroupId };
            if (kind == LayerEntryKind.Directory && _upper!.TryGetEntry(path, out var created))
            {
                _upper.SetUnixFileMode(path, created.Mode | UnixFileMode.SetGroup);
            }
        }

        if (reads.GetOwner(path) != owner)
        {
            _upper!.TryGetEntry(path, out var before);
            writes.SetOwner(path, owner);
            if (kind == LayerEntryKind.Directory && (before.Mode & UnixFileMode.SetGroup) != 0)
            {
                // chown keeps a directory's setgid bit on Linux; a layer that cleared it gets it back.
                _upper.SetUnixFileMode(path, before.Mode);
            }
        }
    }

    private static IReadOnlyDictionary<string, byte[]> OwnAttributes(IReadOnlyDictionary<string, byte[]> attributes)
    {
        if (attributes.Count == 0)
        {
            return NoAttributes;
        }

        Dictionary<string, byte[]>? own = null;
        foreach (var (name, value) in attributes)
        {
            if (!IsOverlayAttribute(name))
            {
                (own ??= new Dictionary<string, byte[]>(StringComparer.Ordinal))[name] = value;
            }
        }

        return own ?? NoAttributes;
    }

    /// <summary>The overlay's own attributes: never copied up, listed, set or removed through it (the kernel's ovl_is_private_xattr).</summary>
    private static bool IsOverlayAttribute(string name) => HostDirectoryLayer.IsLayerFormAttribute(name);

    // ---- Reading

    /// <summary>stat(2)'s owner.</summary>
    public Errno GetOwner(UnionPath path, bool followLinks, out UnixOwner owner)
    {
        owner = default;
        using var scope = Read();
        var error = FindUnix(path, followLinks, out var node, out var unix, out string layerPath);
        if (error == Errno.None && unix is not null)
        {
            owner = AskLayer(() => unix.GetOwner(layerPath), UnixOwner.Root);
        }

        return error;
    }

    /// <summary>The object's extended attributes, the overlay's own left out (listxattr and getxattr).</summary>
    public Errno GetExtendedAttributes(UnionPath path, bool followLinks, out IReadOnlyDictionary<string, byte[]> attributes)
    {
        attributes = NoAttributes;
        using var scope = Read();
        var error = FindUnix(path, followLinks, out _, out var unix, out string layerPath);
        if (error == Errno.None && unix is not null)
        {
            attributes = OwnAttributes(AskLayer(() => unix.GetExtendedAttributes(layerPath), NoAttributes));
        }

        return error;
    }

    /// <summary>
    /// Which file the object is and its link count: the layer's identity, made unique across the
    /// stack by the layer's place (the kernel, with xino off, also reports the real inode).
    /// </summary>
    public Errno GetIdentity(UnionPath path, bool followLinks, out UnixFileIdentity identity, out int layer)
    {
        identity = default;
        layer = MergedNode.Upper;
        using var scope = Read();
        var error = FindUnix(path, followLinks, out var node, out var unix, out string layerPath);
        if (error != Errno.None)
        {
            return error;
        }

        layer = node.Layer;
        var none = new UnixFileIdentity(0, node.IsDirectory ? 2 : 1);
        identity = unix is null ? none : AskLayer(() => unix.GetIdentity(layerPath), none);
        return Errno.None;
    }

    /// <summary>A device node's numbers (st_rdev).</summary>
    public Errno GetDeviceNumber(UnionPath path, bool followLinks, out UnixDeviceNumber device)
    {
        device = default;
        using var scope = Read();
        var error = FindUnix(path, followLinks, out _, out var unix, out string layerPath);
        if (error == Errno.None && unix is not null)
        {
            device = AskLayer(() => unix.GetDeviceNumber(layerPath), default(UnixDeviceNumber));
        }

        return error;
    }

    /// <summary>
    /// lstat(2) with the unix metadata, in one lookup: the object, its owner (<see langword="null"/>
    /// when its layer keeps no owners), its identity in its layer and, for a device node, its numbers.
    /// </summary>
    public Errno StatUnix(UnionPath path, out MergedNode node, out UnixOwner? owner, out UnixFileIdentity identity, out UnixDeviceNumber device)
    {
        owner = null;
        device = default;
        identity = default;
        using var scope = Read();
        var error = FindUnix(path, followLinks: false, out node, out var unix, out string layerPath);
        if (error != Errno.None)
        {
            return error;
        }

        var none = new UnixFileIdentity(0, node.IsDirectory ? 2 : 1);
        if (unix is null)
        {
            identity = none;
            return Errno.None;
        }

        var layer = unix;
        owner = AskLayer<UnixOwner?>(() => layer.GetOwner(layerPath), null);
        identity = AskLayer(() => layer.GetIdentity(layerPath), none);
        if (node.Entry.Kind is LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice)
        {
            device = AskLayer(() => layer.GetDeviceNumber(layerPath), default(UnixDeviceNumber));
        }

        return Errno.None;
    }

    /// <summary>
    /// Asks a layer about one of its paths; a path the layer does not hold itself (a container's
    /// bind-mounted file, which its upper only shows) has the metadata of a layer that keeps none.
    /// </summary>
    private static T AskLayer<T>(Func<T> ask, T none)
    {
        try
        {
            return ask();
        }
        catch (FileNotFoundException)
        {
            return none;
        }
    }

    private Errno FindUnix(string path, bool followLinks, out MergedNode node, out IUnixMetadata? unix, out string layerPath)
    {
        node = default;
        unix = null;
        layerPath = path;
        using var resolution = Resolve(path, followLinks);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is not { } found)
        {
            return Errno.ENOENT;
        }

        node = found;
        unix = CapabilitiesOf(found).Unix;
        layerPath = found.InUpper ? found.Path : found.PathInLower;
        return Errno.None;
    }

    // ---- Writing

    /// <summary>chown(2)/lchown(2): copies up first; the setuid and setgid bits of a non-directory are cleared, as Linux does.</summary>
    public Errno SetOwner(UnionPath path, UnixOwner owner, bool followLinks)
    {
        if (_upper is not null && _upperCapabilities!.UnixWrites is null)
        {
            return Errno.EOPNOTSUPP;
        }

        return ChangeMetadata(path, followLinks, node =>
        {
            _upperCapabilities!.UnixWrites!.SetOwner(node.Path, owner);
            if (_upper!.TryGetEntry(node.Path, out var entry)
                && entry.Kind is not (LayerEntryKind.Directory or LayerEntryKind.SymbolicLink)
                && (entry.Mode & SetIdBits) != 0)
            {
                _upper.SetUnixFileMode(node.Path, entry.Mode & ~SetIdBits);
            }
        });
    }

    /// <summary>setxattr(2): copies up first; the overlay's own attributes are refused (EPERM), as the kernel refuses them.</summary>
    public Errno SetExtendedAttribute(UnionPath path, string name, byte[] value, bool followLinks)
    {
        if (IsOverlayAttribute(name))
        {
            return Errno.EPERM;
        }

        if (_upper is not null && _upperCapabilities!.UnixWrites is null)
        {
            return Errno.EOPNOTSUPP;
        }

        return ChangeMetadata(path, followLinks, node => _upperCapabilities!.UnixWrites!.SetExtendedAttribute(node.Path, name, value));
    }

    /// <summary>removexattr(2): ENODATA when the object has no such attribute (a lower object is not copied up for that).</summary>
    public Errno RemoveExtendedAttribute(UnionPath path, string name, bool followLinks)
    {
        if (IsOverlayAttribute(name))
        {
            return Errno.EPERM;
        }

        var error = GetExtendedAttributes(path, followLinks, out var attributes);
        if (error != Errno.None)
        {
            return error;
        }

        if (!attributes.ContainsKey(name))
        {
            return Errno.ENODATA;
        }

        if (_upper is not null && _upperCapabilities!.UnixWrites is null)
        {
            return Errno.EOPNOTSUPP;
        }

        return ChangeMetadata(path, followLinks, node => _upperCapabilities!.UnixWrites!.RemoveExtendedAttribute(node.Path, name));
    }

    /// <summary>
    /// link(2): the existing file is copied up first (the kernel links the upper's copy), and the new
    /// name is another name of that copy. The answers are those of <see cref="CheckLink"/>.
    /// </summary>
    public Errno CreateHardLink(UnionPath existingPath, UnionPath newPath)
    {
        var check = CheckLink(existingPath, newPath);
        if (check != Errno.None)
        {
            return check;
        }

        if (_upperCapabilities!.UnixWrites is not { } writes)
        {
            return Errno.EOPNOTSUPP;
        }

        using var scope = Write();
        using var existing = Resolve(existingPath, followFinal: false);
        if (existing.Error != Errno.None || existing.Node is null)
        {
            return existing.Error == Errno.None ? Errno.ENOENT : existing.Error;
        }

        var source = CopyUpNode(existing);
        using var created = Resolve(newPath.Trimmed, followFinal: false);
        if (created.Error != Errno.None)
        {
            return created.Error;
        }

        if (created.Node is not null)
        {
            return Errno.EEXIST;
        }

        CopyUpAncestors(created);
        string path = created.Path;
        if (created.OverWhiteout)
        {
            // The whiteout goes; the name then shows only the link.
            _upper!.Delete(path);
        }

        writes.CreateHardLink(source.Path, path);
        EmitChange(OverlayEventKind.Created, path, LayerEntryKind.File);
        return Errno.None;
    }

    /// <summary>mknod(2)/mkfifo(3): a device node, FIFO or socket at a free name, owned as a new object is.</summary>
    public Errno CreateSpecialFile(UnionPath path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device)
    {
        if (kind is not (LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice or LayerEntryKind.Fifo or LayerEntryKind.Socket))
        {
            return Errno.EINVAL;
        }

        using var scope = Write();
        using var resolution = Resolve(path.Trimmed, followFinal: false);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is not null)
        {
            return Errno.EEXIST;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        if (_upperCapabilities!.UnixWrites is not { } writes)
        {
            return Errno.EOPNOTSUPP;
        }

        CopyUpAncestors(resolution);
        string created = resolution.Path;
        if (resolution.OverWhiteout)
        {
            _upper.Delete(created);
        }

        Dictionary<string, byte[]>? inherited = null;
        var givenMode = HasDefaultAcl(resolution.Parent.Path)
            ? InheritDefaultAcl(resolution.Parent.Path, mode & AllPermissions, kind, out inherited)
            : mode & AllPermissions & ~_umask;
        writes.CreateSpecialFile(created, kind, givenMode, device);
        if (inherited?.GetValueOrDefault(PosixAclInheritance.AccessAttribute) is { } access)
        {
            // mknod(2) would have given it the ACL as it made it: the overlay gives it right after.
            writes.SetExtendedAttribute(created, PosixAclInheritance.AccessAttribute, access);
        }

        GiveNewObjectItsOwner(created, kind);
        EmitChange(OverlayEventKind.Created, created, kind);
        return Errno.None;
    }
}
