namespace Overlay.Oci.Model;

/// <summary>The media types of the OCI image specification and Docker's image manifest v2.</summary>
public static class MediaTypes
{
    /// <summary>An OCI image manifest.</summary>
    public const string OciImageManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>An OCI image index.</summary>
    public const string OciImageIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>An OCI image configuration.</summary>
    public const string OciImageConfig = "application/vnd.oci.image.config.v1+json";

    /// <summary>An uncompressed OCI layer tar.</summary>
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";

    /// <summary>A gzip-compressed OCI layer tar.</summary>
    public const string OciLayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>A zstd-compressed OCI layer tar.</summary>
    public const string OciLayerTarZstd = "application/vnd.oci.image.layer.v1.tar+zstd";

    /// <summary>An uncompressed non-distributable OCI layer tar (deprecated by the specification, still read).</summary>
    public const string OciNondistributableLayerTar = "application/vnd.oci.image.layer.nondistributable.v1.tar";

    /// <summary>A gzip-compressed non-distributable OCI layer tar (deprecated, still read).</summary>
    public const string OciNondistributableLayerTarGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

    /// <summary>A zstd-compressed non-distributable OCI layer tar (deprecated, still read).</summary>
    public const string OciNondistributableLayerTarZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    /// <summary>A Docker image manifest, schema 2.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>A Docker manifest list (the multi-platform index).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>A Docker image configuration.</summary>
    public const string DockerContainerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>A gzip-compressed Docker layer tar.</summary>
    public const string DockerLayerTarGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>An uncompressed Docker layer tar (what <c>docker save</c> lists in LayerSources).</summary>
    public const string DockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";

    /// <summary>A gzip-compressed foreign Docker layer (Windows base layers).</summary>
    public const string DockerForeignLayerTarGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// <summary>Whether a media type names an image manifest (OCI or Docker).</summary>
    /// <param name="mediaType">The media type.</param>
    /// <returns>Whether it is a manifest.</returns>
    public static bool IsManifest(string? mediaType) => mediaType is OciImageManifest or DockerManifest;

    /// <summary>Whether a media type names an image index (OCI index or Docker manifest list).</summary>
    /// <param name="mediaType">The media type.</param>
    /// <returns>Whether it is an index.</returns>
    public static bool IsIndex(string? mediaType) => mediaType is OciImageIndex or DockerManifestList;

    /// <summary>The compression a layer media type declares.</summary>
    /// <param name="mediaType">The layer's media type.</param>
    /// <returns>The compression, or <see langword="null"/> when the media type is not a layer tar.</returns>
    public static LayerCompression? LayerCompressionOf(string? mediaType) => mediaType switch
    {
        OciLayerTar or OciNondistributableLayerTar or DockerLayerTar => LayerCompression.None,
        OciLayerTarGzip or OciNondistributableLayerTarGzip or DockerLayerTarGzip or DockerForeignLayerTarGzip => LayerCompression.Gzip,
        OciLayerTarZstd or OciNondistributableLayerTarZstd => LayerCompression.Zstd,
        _ => null,
    };
}
