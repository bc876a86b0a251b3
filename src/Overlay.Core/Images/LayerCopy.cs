using System.Security.Cryptography;
using System.Text;
using Overlay.Layers;

namespace Overlay.Images;

/// <summary>Whole-layer steps the store takes: copying a layer's entries into another, and digesting them.</summary>
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

    /// <summary>
    /// A digest of a layer's content: the sha256 of a canonical listing (each path in ordinal
    /// order with its kind, mode, link target and the sha256 of its data; times left out). Two
    /// layers with the same entries get the same digest.
    /// </summary>
    public static string ContentDigest(ILayer layer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        DigestChildren(layer, "/", hash);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void DigestChildren(ILayer layer, string directory, IncrementalHash hash)
    {
        foreach (var entry in layer.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = Join(directory, entry.Name);
            string data = entry.Kind == LayerEntryKind.File ? FileDigest(layer, path) : string.Empty;
            string line = $"{path}\0{entry.Kind}\0{(int)entry.Mode}\0{entry.IsOpaque}\0{entry.LinkTarget}\0{data}\n";
            hash.AppendData(Encoding.UTF8.GetBytes(line));
            if (entry.IsDirectory)
            {
                DigestChildren(layer, path, hash);
            }
        }
    }

    private static string FileDigest(ILayer layer, string path)
    {
        using var data = layer.OpenRead(path);
        return Digests.Sha256(data);
    }

    /// <summary>Whether a layer holds nothing but its root.</summary>
    public static bool IsEmpty(ILayer layer) => layer.ListDirectory("/").Count == 0;

    public static string Join(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    public static string ParentOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
