using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Images;

/// <summary>Whole-layer steps the store takes: copying a layer's entries into another.</summary>
internal static class LayerCopy
{
    /// <summary>
    /// Copies every entry of a layer into an empty writable layer: directories with their opaque
    /// marks, files with their data, links, whiteouts, each with its mode and times. Objects are
    /// built in the target's work area and published whole, as a copy-up is.
    /// </summary>
    public static void Copy(ILayer source, IWritableLayer target)
    {
        var copy = new UnixCopy(source.GetCapability<IUnixMetadata>(), target.GetCapability<IUnixMetadataWrites>());
        CopyChildren(source, target, "/", copy);
        if (source.TryGetEntry("/", out var root))
        {
            target.SetOpaque("/", root.IsOpaque);
            if (copy.Applies)
            {
                copy.Target!.SetOwner("/", copy.Source!.GetOwner("/"));
            }

            target.SetUnixFileMode("/", root.Mode);
            target.SetTimes("/", root.LastAccessTimeUtc, root.LastWriteTimeUtc);
        }
    }

    /// <summary>The two sides' unix metadata (owners, attributes, hard links, nodes), copied when both keep it.</summary>
    private sealed class UnixCopy(IUnixMetadata? source, IUnixMetadataWrites? target)
    {
        public IUnixMetadata? Source { get; } = source;

        public IUnixMetadataWrites? Target { get; } = target;

        public bool Applies => Source is not null && Target is not null;

        /// <summary>The first path each hard-linked file of the source was copied to.</summary>
        public Dictionary<ulong, string> Linked { get; } = [];
    }

    private static void CopyChildren(ILayer source, IWritableLayer target, string directory, UnixCopy copy)
    {
        foreach (var entry in source.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = PosixPath.Combine(directory, entry.Name);
            var metadata = LayerMetadata.From(entry);
            if (copy.Applies && entry.Kind == LayerEntryKind.File
                && copy.Source!.GetIdentity(path) is { LinkCount: > 1 } identity
                && !copy.Linked.TryAdd(identity.FileId, path))
            {
                copy.Target!.CreateHardLink(copy.Linked[identity.FileId], path);
                continue;
            }

            string token = entry.Kind switch
            {
                LayerEntryKind.Directory => target.StageDirectory(metadata, entry.IsOpaque),
                LayerEntryKind.SymbolicLink => target.StageSymbolicLink(entry.LinkTarget ?? string.Empty, metadata),
                LayerEntryKind.Whiteout => target.StageWhiteout(),
                LayerEntryKind.File => StageFile(source, target, path, metadata),
                _ => (copy.Target ?? throw new IOException($"'{path}' is a {entry.Kind}, which layer '{target.Name}' cannot hold.", 95))
                    .StageSpecialFile(entry.Kind, copy.Source?.GetDeviceNumber(path) ?? default, metadata),
            };
            if (copy.Applies && entry.Kind != LayerEntryKind.Whiteout)
            {
                try
                {
                    copy.Target!.SetStagedMetadata(token, copy.Source!.GetOwner(path), copy.Source.GetExtendedAttributes(path), entry.Mode);
                }
                catch
                {
                    target.Discard(token);
                    throw;
                }
            }

            target.Publish(token, path, keepParentTimes: true);
            if (entry.Kind == LayerEntryKind.Whiteout)
            {
                // A whiteout's mtime is part of the layer tar (and so of its diff_id): keep it.
                target.SetTimes(path, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc);
            }

            if (entry.IsDirectory)
            {
                CopyChildren(source, target, path, copy);

                // Creating the children stamped the directory: give it its own times back.
                target.SetTimes(path, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc);
            }
        }
    }

    private static string StageFile(ILayer source, IWritableLayer target, string path, LayerMetadata metadata)
    {
        using var data = source.OpenRead(path);
        return target.StageFile(data, metadata);
    }
}
