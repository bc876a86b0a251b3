using Overlay.Oci.Model;

namespace Overlay.Oci;

/// <summary>One layer of an imported image, its digests verified.</summary>
public sealed class OciImageLayer
{
    internal OciImageLayer(Digest diffId, Digest digest, string mediaType, long size, TarLayer layer)
    {
        DiffId = diffId;
        Digest = digest;
        MediaType = mediaType;
        Size = size;
        Layer = layer;
    }

    /// <summary>The sha256 of the uncompressed tar (the configuration's <c>rootfs.diff_ids</c> entry).</summary>
    public Digest DiffId { get; }

    /// <summary>The sha256 of the blob as stored (compressed or not); equals <see cref="DiffId"/> for a plain tar.</summary>
    public Digest Digest { get; }

    /// <summary>The blob's media type (for a legacy <c>docker save</c> layer, the Docker uncompressed layer type).</summary>
    public string MediaType { get; }

    /// <summary>The blob's size in bytes, as stored.</summary>
    public long Size { get; }

    /// <summary>The layer as a read-only lower, read from the archive on demand; owned by the image.</summary>
    public TarLayer Layer { get; }
}
