using Overlay.Oci.Model;

namespace Overlay.Oci.Export;

/// <summary>What an exported layer blob is: its identities, size and media type.</summary>
public sealed record LayerExportResult
{
    /// <summary>The sha256 of the uncompressed tar: the layer's <c>diff_id</c> in an image config.</summary>
    public required Digest DiffId { get; init; }

    /// <summary>The sha256 of the blob as written (equal to <see cref="DiffId"/> when uncompressed).</summary>
    public required Digest Digest { get; init; }

    /// <summary>The blob's size in bytes, as written.</summary>
    public required long Size { get; init; }

    /// <summary>The size of the uncompressed tar in bytes.</summary>
    public required long UncompressedSize { get; init; }

    /// <summary>How the blob is compressed.</summary>
    public required LayerCompression Compression { get; init; }

    /// <summary>The number of tar members written (whiteouts and opaque markers included).</summary>
    public required int EntryCount { get; init; }

    /// <summary>The OCI media type of the blob.</summary>
    public string MediaType => Compression == LayerCompression.Gzip ? MediaTypes.OciLayerTarGzip : MediaTypes.OciLayerTar;

    /// <summary>An OCI descriptor of the blob, for a manifest's <c>layers</c>.</summary>
    /// <returns>A descriptor with this blob's media type, digest and size.</returns>
    public OciDescriptor ToDescriptor() => new() { MediaType = MediaType, Digest = Digest, Size = Size };
}
