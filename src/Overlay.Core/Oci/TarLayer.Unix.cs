using System.Runtime.CompilerServices;
using Overlay.Layers;

namespace Overlay.Oci;

/// <content>
/// The unix metadata of the members, read in place: owners (numeric), extended attributes (PAX
/// <c>SCHILY.xattr.*</c>), hard links (link members share their target's file) and device numbers.
/// </content>
public sealed partial class TarLayer : IUnixMetadata
{
    private readonly ConditionalWeakTable<TarLayerNode, object> _identities = [];
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
            return new Dictionary<string, byte[]>(0);
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
        ulong id = (ulong)(long)_identities.GetValue(node, _ => Interlocked.Increment(ref _nextIdentity));
        int links = node.Kind == LayerEntryKind.Directory
            ? 2 + node.Children!.Values.Count(c => c.Kind == LayerEntryKind.Directory)
            : node.Links;
        return new UnixFileIdentity(id, links);
    }

    /// <inheritdoc />
    UnixDeviceNumber IUnixMetadata.GetDeviceNumber(string path) => Require(path).Device;

    private TarLayerNode Require(string path) =>
        Find(path) ?? throw new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path);
}
