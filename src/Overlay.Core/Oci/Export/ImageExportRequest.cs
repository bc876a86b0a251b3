using Overlay.Oci.Model;

namespace Overlay.Oci.Export;

/// <summary>An image to write: its layers bottom first and what its config says.</summary>
public sealed record ImageExportRequest
{
    /// <summary>The layers, bottom first (the order of a manifest and of <c>rootfs.diff_ids</c>).</summary>
    public required IReadOnlyList<ImageLayerSource> LayersBottomFirst { get; init; }

    /// <summary>
    /// The config of the image these layers extend (for a commit: the base image's), or
    /// <see langword="null"/>. Everything in it is kept except <c>rootfs</c>, which is computed from
    /// the layers written, and <c>history</c>, which gains one entry per layer it does not describe.
    /// </summary>
    public OciImageConfig? BaseConfig { get; init; }

    /// <summary>Names the image is tagged with (<c>repository:tag</c>), written to <c>manifest.json</c> / <c>index.json</c>.</summary>
    public IReadOnlyList<string> RepoTags { get; init; } = [];

    /// <summary>
    /// The new config's creation time and the time of the history entries added, UTC; the Unix epoch
    /// when null, so that the same inputs give the same image id.
    /// </summary>
    public DateTime? Created { get; init; }

    /// <summary>The <c>created_by</c> text of the history entries added.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>How layer blobs are compressed in an OCI layout (a <c>docker save</c> archive always holds uncompressed tars).</summary>
    public LayerCompression OciLayoutCompression { get; init; } = LayerCompression.Gzip;
}
