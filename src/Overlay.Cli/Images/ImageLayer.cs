using Overlay.Layers;

namespace Overlay.Cli.Images;

/// <summary>One layer of an opened image.</summary>
/// <param name="Index">Its position, bottom first (0 is the base layer), as OCI manifests list layers.</param>
/// <param name="Digest">sha256 of the uncompressed layer tar (the image config's diff_id) or, for a directory, empty.</param>
/// <param name="Size">Bytes of the uncompressed layer tar; for a directory, the bytes of its files.</param>
/// <param name="Source">Where it came from: the archive member or the directory.</param>
/// <param name="Layer">The layer, read-only, named <c>layer N</c> in traces.</param>
internal sealed record ImageLayer(int Index, string Digest, long Size, string Source, ILayer Layer)
{
    /// <summary>The name traces give this layer.</summary>
    public static string NameOf(int index) => $"layer {index}";
}
