using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>An image manifest (OCI, or Docker's schema 2, which has the same shape).</summary>
public sealed class OciImageManifest
{
    /// <summary>The schema version: 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>The manifest's media type.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    /// <summary>The artifact type, for artifacts.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>The image configuration blob.</summary>
    [JsonPropertyName("config")]
    public required OciDescriptor Config { get; init; }

    /// <summary>The layer blobs, bottom first.</summary>
    [JsonPropertyName("layers")]
    public IReadOnlyList<OciDescriptor> Layers { get; init; } = [];

    /// <summary>The manifest this one refers to (referrers API).</summary>
    [JsonPropertyName("subject")]
    public OciDescriptor? Subject { get; init; }

    /// <summary>Annotations.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Members this model does not know, kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
