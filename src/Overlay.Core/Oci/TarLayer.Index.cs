using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Oci.Model;

namespace Overlay.Oci;

public sealed partial class TarLayer
{
    private static (TarLayerNode Root, int Count) BuildIndex(
        SafeFileHandle data, long offset, long length, LayerTarOptions options, string name,
        IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        var root = TarLayerNode.Directory(DateTime.UnixEpoch);
        // Headers are read through a 128 KiB window: one read serves the headers of the small members between.
        using var stream = new HandleRangeStream(data, offset, length, readAhead: 128 << 10);
        using var reader = new LayerTarReader(stream, options.Limits, leaveOpen: true);
        int count = 0;
        var scratch = new Scratch();
        while (reader.GetNextMember(cancellationToken) is { } entry)
        {
            count++;
            Add(root, entry, options, name, scratch);
            if (progress is not null && count % 1000 == 0)
            {
                progress.Report(new OciProgress(OciProgressStage.Indexing, name, entry.DataOffset, length, count));
            }
        }

        return (root, count);
    }

    /// <summary>Component ranges of the member being added, reused from one member to the next.</summary>
    private sealed class Scratch
    {
        public List<Range> Parts { get; } = [];

        public List<Range> LinkParts { get; } = [];
    }

    private static void Add(TarLayerNode root, TarMember entry, LayerTarOptions options, string layerName, Scratch scratch)
    {
        var parts = SplitRanges(entry.Name, entry.Name, layerName, scratch.Parts);
        if (parts.Count == 0)
        {
            // "." or "./": the root's own metadata.
            if (entry.Type != TarMemberType.Directory)
            {
                throw Hostile(layerName, entry.Name, "the layer's root must be a directory");
            }

            ApplyMetadata(root, entry);
            root.IsOpaque |= IsKernelOpaque(entry, options);
            return;
        }

        // Only the last component becomes a string of its own (a key of its parent); the parents are looked up as spans.
        var (baseStart, baseLength) = parts[^1].GetOffsetAndLength(entry.Name.Length);
        string baseName = baseLength == entry.Name.Length ? entry.Name : entry.Name.Substring(baseStart, baseLength);
        var parent = Parent(root, parts, entry, layerName);

        if (options.WhiteoutForm == WhiteoutForm.Oci && OciWhiteout.Decode(baseName, out string? deleted) is var meaning && meaning != OciName.Plain)
        {
            if (entry.Type is TarMemberType.Directory or TarMemberType.HardLink or TarMemberType.SymbolicLink)
            {
                throw Hostile(layerName, entry.Name, "a whiteout must be a plain file");
            }

            if (meaning == OciName.OpaqueMarker)
            {
                parent.IsOpaque = true;
                return;
            }

            if (meaning == OciName.Meta)
            {
                // aufs metadata (.wh..wh.plnk, .wh..wh.aufs): not part of the tree, as Docker reads it.
                return;
            }

            if (deleted!.Length == 0 || deleted is "." or "..")
            {
                throw Hostile(layerName, entry.Name, "a whiteout must name something ('.wh.' alone, '.wh..' and '.wh...' are not names)");
            }

            // A member of the same name in this layer wins over its whiteout, whatever the order.
            parent.Children!.TryAdd(deleted, new TarLayerNode(LayerEntryKind.Whiteout) { Source = entry, LastWriteTimeUtc = entry.ModificationTimeUtc });
            return;
        }

        TarLayerNode node;
        switch (entry.Type)
        {
            case TarMemberType.Directory:
                if (parent.Children!.TryGetValue(baseName, out var existing) && existing.Kind == LayerEntryKind.Directory)
                {
                    ApplyMetadata(existing, entry);
                    existing.IsOpaque |= IsKernelOpaque(entry, options);
                    return;
                }

                node = TarLayerNode.Directory(entry.ModificationTimeUtc);
                node.IsOpaque = IsKernelOpaque(entry, options);
                break;
            case TarMemberType.RegularFile:
                node = new TarLayerNode(LayerEntryKind.File) { Size = entry.Size, DataOffset = entry.DataOffset };
                break;
            case TarMemberType.SymbolicLink:
                if (entry.LinkName.Length == 0)
                {
                    throw Hostile(layerName, entry.Name, "a symbolic link with an empty target");
                }

                node = new TarLayerNode(LayerEntryKind.SymbolicLink) { LinkTarget = entry.LinkName };
                break;
            case TarMemberType.HardLink:
                // Another name of an earlier member: the same file, as the kernel and Docker see it.
                var target = HardLinkTarget(root, entry, layerName, scratch.LinkParts);
                if (parent.Children!.TryGetValue(baseName, out var linked) && linked.Kind != LayerEntryKind.Whiteout)
                {
                    throw Hostile(layerName, entry.Name, "a duplicate member (the name is already in this layer)");
                }

                parent.Children[baseName] = target;
                target.Links++;
                return;
            case TarMemberType.CharacterDevice when options.WhiteoutForm == WhiteoutForm.Kernel && KernelWhiteout.IsWhiteoutDevice(entry.DeviceMajor, entry.DeviceMinor):
                node = new TarLayerNode(LayerEntryKind.Whiteout);
                break;
            case TarMemberType.CharacterDevice when options.WhiteoutForm == WhiteoutForm.Oci && KernelWhiteout.IsWhiteoutDevice(entry.DeviceMajor, entry.DeviceMinor):
                // No real device is 0/0: this is a kernel-form whiteout in a tar read as OCI, and
                // taking it as a device would bring the deleted name back.
                throw Hostile(layerName, entry.Name, $"a {entry.Type} 0/0 is the kernel form's whiteout, not a device (the tar is in the kernel form: LayerTarOptions.WhiteoutForm)");
            default:
                if (options.SpecialFiles == SpecialFileHandling.Skip)
                {
                    return;
                }

                if (options.SpecialFiles == SpecialFileHandling.Reject)
                {
                    throw Hostile(layerName, entry.Name, $"a {entry.Type} cannot be held by a layer (LayerTarOptions.SpecialFiles is Reject)");
                }

                node = new TarLayerNode(entry.Type switch
                {
                    TarMemberType.CharacterDevice => LayerEntryKind.CharacterDevice,
                    TarMemberType.BlockDevice => LayerEntryKind.BlockDevice,
                    _ => LayerEntryKind.Fifo,
                });
                if (entry.Type is TarMemberType.CharacterDevice or TarMemberType.BlockDevice)
                {
                    node.Device = new UnixDeviceNumber(entry.DeviceMajor, entry.DeviceMinor);
                }

                break;
        }

        ApplyMetadata(node, entry);
        if (parent.Children!.TryGetValue(baseName, out var previous) && previous.Kind != LayerEntryKind.Whiteout)
        {
            throw Hostile(layerName, entry.Name, "a duplicate member (the name is already in this layer)");
        }

        parent.Children[baseName] = node;
    }

    private static TarLayerNode Parent(TarLayerNode root, List<Range> parts, TarMember entry, string layerName)
    {
        var node = root;
        string name = entry.Name;
        for (int i = 0; i < parts.Count - 1; i++)
        {
            var part = name.AsSpan()[parts[i]];
            var children = node.Children!;
            if (!children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(part, out var child) || child.Kind == LayerEntryKind.Whiteout)
            {
                // A parent the tar never named (or only whited out) is made as Docker does: 0755.
                child = TarLayerNode.Directory(entry.ModificationTimeUtc);
                children[part.ToString()] = child;
            }
            else if (child.Kind != LayerEntryKind.Directory)
            {
                string through = string.Join('/', parts.Take(i + 1).Select(r => name[r]));
                throw Hostile(layerName, entry.Name, $"its parent '{through}' is a {(child.Kind == LayerEntryKind.SymbolicLink ? "symbolic link" : "file")} in this layer (a member may not be written through it)");
            }

            node = child;
        }

        return node;
    }

    private static TarLayerNode HardLinkTarget(TarLayerNode root, TarMember entry, string layerName, List<Range> parts)
    {
        if (entry.LinkName.Length == 0)
        {
            throw Hostile(layerName, entry.Name, "a hard link with an empty target");
        }

        var node = root;
        string link = entry.LinkName;
        foreach (var part in SplitRanges(link, entry.Name, layerName, parts))
        {
            if (node.Children is null || !node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(link.AsSpan()[part], out var child))
            {
                throw Hostile(layerName, entry.Name, $"its hard link target '{entry.LinkName}' is not an earlier member of this layer");
            }

            node = child;
        }

        return node.Kind == LayerEntryKind.File
            ? node
            : throw Hostile(layerName, entry.Name, $"its hard link target '{entry.LinkName}' is not a regular file of this layer");
    }

    private static void ApplyMetadata(TarLayerNode node, TarMember entry)
    {
        node.Mode = entry.Mode;
        node.LastWriteTimeUtc = entry.ModificationTimeUtc;
        node.LastAccessTimeUtc = entry.AccessTimeUtc ?? entry.ModificationTimeUtc;
        node.Source = entry;
        node.Explicit = true;
    }

    private static bool IsKernelOpaque(TarMember entry, LayerTarOptions options) =>
        options.WhiteoutForm == WhiteoutForm.Kernel
        && KernelWhiteout.IsOpaque(entry.ExtendedAttributes);

    /// <summary>
    /// Splits a member name into components: <c>./</c> prefixes, '.' components and repeated or
    /// trailing slashes are dropped; an absolute name or a '..' component is refused.
    /// </summary>
    internal static List<string> Split(string path, string memberName, string layerName) =>
        [.. SplitRanges(path, memberName, layerName, []).Select(r => path[r])];

    /// <summary><see cref="Split"/> as ranges of <paramref name="path"/>, into <paramref name="parts"/> (cleared first).</summary>
    private static List<Range> SplitRanges(string path, string memberName, string layerName, List<Range> parts)
    {
        if (path.StartsWith('/'))
        {
            throw Hostile(layerName, memberName, $"'{path}' is an absolute name");
        }

        parts.Clear();
        foreach (var range in path.AsSpan().Split('/'))
        {
            var part = path.AsSpan()[range];
            if (part.IsEmpty || part is ".")
            {
                continue;
            }

            if (part is "..")
            {
                throw Hostile(layerName, memberName, $"'{path}' has a '..' component");
            }

            parts.Add(range);
        }

        return parts;
    }

    internal static InvalidDataException Hostile(string layerName, string memberName, string reason) =>
        new($"Layer '{layerName}': tar member '{memberName}': {reason}.");
}
