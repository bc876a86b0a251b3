namespace Overlay.Oci.Model;

/// <summary>How a layer tar is compressed.</summary>
public enum LayerCompression
{
    /// <summary>A plain tar.</summary>
    None,

    /// <summary>gzip (RFC 1952).</summary>
    Gzip,

    /// <summary>Zstandard (RFC 8878).</summary>
    Zstd,
}
