using Overlay.Oci.Model;

namespace Overlay.Oci.Export;

/// <summary>What was written for an image: its config, manifest and layers.</summary>
public sealed record ImageExportResult
{
    /// <summary>The digest of the config blob: Docker's image id.</summary>
    public required Digest ConfigDigest { get; init; }

    /// <summary>The digest of the OCI manifest (also written, as a blob, in an OCI layout).</summary>
    public required Digest ManifestDigest { get; init; }

    /// <summary>The config that was written.</summary>
    public required OciImageConfig Config { get; init; }

    /// <summary>Each layer as written, bottom first.</summary>
    public required IReadOnlyList<LayerExportResult> Layers { get; init; }
}
