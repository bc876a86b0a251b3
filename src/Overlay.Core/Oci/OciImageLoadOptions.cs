namespace Overlay.Oci;

/// <summary>Settings for <see cref="OciImage.Load"/>.</summary>
public sealed record OciImageLoadOptions
{
    /// <summary>
    /// Which image to load when the input holds several: a <c>docker save</c> tag
    /// (<c>name:tag</c>), or an OCI index's <c>org.opencontainers.image.ref.name</c> (or
    /// <c>io.containerd.image.name</c>) annotation. When omitted the input must hold one image, or
    /// the first is taken for an index whose manifests are one image's platforms.
    /// </summary>
    public string? Reference { get; init; }

    /// <summary>For a multi-platform index: the platform's architecture (<c>amd64</c>, <c>arm64</c>); any when omitted.</summary>
    public string? Architecture { get; init; }

    /// <summary>For a multi-platform index: the platform's operating system; <c>linux</c> by default.</summary>
    public string OperatingSystem { get; init; } = "linux";

    /// <summary>How each layer tar is read (limits, special files, the decompressed cache's directory).</summary>
    public LayerTarOptions LayerOptions { get; init; } = new();

    /// <summary>The largest JSON document (manifest, index, configuration) read; 4 MiB by default.</summary>
    public int MaxDocumentSize { get; init; } = 4 << 20;
}
