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
        CopyChildren(source, target, "/");
        if (source.TryGetEntry("/", out var root))
        {
            target.SetOpaque("/", root.IsOpaque);
            target.SetUnixFileMode("/", root.Mode);
            target.SetTimes("/", root.LastAccessTimeUtc, root.LastWriteTimeUtc);
        }
    }

    private static void CopyChildren(ILayer source, IWritableLayer target, string directory)
    {
        foreach (var entry in source.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = Join(directory, entry.Name);
            var metadata = LayerMetadata.From(entry);
            string token = entry.Kind switch
            {
                LayerEntryKind.Directory => target.StageDirectory(metadata, entry.IsOpaque),
                LayerEntryKind.SymbolicLink => target.StageSymbolicLink(entry.LinkTarget ?? string.Empty, metadata),
                LayerEntryKind.Whiteout => target.StageWhiteout(),
                _ => StageFile(source, target, path, metadata),
            };
            target.Publish(token, path, keepParentTimes: true);
            if (entry.IsDirectory)
            {
                CopyChildren(source, target, path);

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

    public static string Join(string directory, string name) => PosixPath.Combine(directory, name);

    public static string ParentOf(string path) => PosixPath.ParentOf(path);
}
