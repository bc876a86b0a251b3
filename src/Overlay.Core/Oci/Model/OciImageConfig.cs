using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>An image configuration (OCI, or Docker's, which extends it).</summary>
public sealed class OciImageConfig
{
    /// <summary>When the image was created (RFC 3339 text, as stored).</summary>
    [JsonPropertyName("created")]
    public string? Created { get; init; }

    /// <summary>Who made the image.</summary>
    [JsonPropertyName("author")]
    public string? Author { get; init; }

    /// <summary>The CPU architecture.</summary>
    [JsonPropertyName("architecture")]
    public string? Architecture { get; init; }

    /// <summary>The CPU variant.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>The operating system.</summary>
    [JsonPropertyName("os")]
    public string? OS { get; init; }

    /// <summary>The operating system version.</summary>
    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    /// <summary>The defaults for containers run from the image.</summary>
    [JsonPropertyName("config")]
    public OciContainerConfig? Config { get; init; }

    /// <summary>The layers' uncompressed digests.</summary>
    [JsonPropertyName("rootfs")]
    public required OciRootFs RootFs { get; init; }

    /// <summary>How each layer was made, bottom first (empty layers included).</summary>
    [JsonPropertyName("history")]
    public IReadOnlyList<OciHistory>? History { get; init; }

    /// <summary>Members this model does not know (Docker's container, docker_version, …), kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
