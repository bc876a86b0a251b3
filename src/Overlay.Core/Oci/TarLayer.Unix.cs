using Overlay.Layers;

namespace Overlay.Oci;

/// <content>
/// The unix metadata of the members, read in place: owners (numeric), extended attributes (PAX
/// <c>SCHILY.xattr.*</c>), hard links (link members share their target's file) and device numbers.
/// </content>
public sealed partial class TarLayer : IUnixMetadata
{
    private long _nextIdentity;

    /// <inheritdoc />
    UnixOwner IUnixMetadata.GetOwner(string path) =>
        Require(path).Source is { } source ? new UnixOwner((int)source.Uid, (int)source.Gid) : UnixOwner.Root;

    /// <inheritdoc />
    IReadOnlyDictionary<string, byte[]> IUnixMetadata.GetExtendedAttributes(string path)
    {
        var node = Require(path);
        if (node.Source is not { ExtendedAttributes.Count: > 0 } source)
        {
            return Model.TarMember.EmptyAttributes;
        }

        var attributes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, value) in source.ExtendedAttributes)
        {
            if (!HostDirectoryLayer.IsLayerFormAttribute(name))
            {
                attributes[name] = (byte[])value.Clone();
            }
        }

        return attributes;
    }

    /// <inheritdoc />
    UnixFileIdentity IUnixMetadata.GetIdentity(string path)
    {
        var node = Require(path);
        long id = Volatile.Read(ref node.Identity);
        if (id == 0)
        {
            // First use: a new number; a racing caller's number wins if it came first.
            long mine = Interlocked.Increment(ref _nextIdentity);
            id = Interlocked.CompareExchange(ref node.Identity, mine, 0) is var previous && previous != 0 ? previous : mine;
        }

        int links = node.Kind == LayerEntryKind.Directory
            ? 2 + node.Children!.Values.Count(c => c.Kind == LayerEntryKind.Directory)
            : node.Links;
        return new UnixFileIdentity((ulong)id, links);
    }

    /// <inheritdoc />
    UnixDeviceNumber IUnixMetadata.GetDeviceNumber(string path) => Require(path).Device;

    private TarLayerNode Require(string path) =>
        Find(path) ?? throw new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path);
}
