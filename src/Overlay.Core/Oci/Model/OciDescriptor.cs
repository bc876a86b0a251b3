using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>An OCI content descriptor: what a blob is, its digest and its size.</summary>
public sealed class OciDescriptor
{
    /// <summary>The blob's media type.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    /// <summary>The blob's digest.</summary>
    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    /// <summary>The blob's size in bytes.</summary>
    [JsonPropertyName("size")]
    public long Size { get; init; }

    /// <summary>Other places the blob can be fetched from.</summary>
    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>Annotations (in an index, <c>org.opencontainers.image.ref.name</c> names a tag).</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The platform of the manifest this descriptor points to, in an index.</summary>
    [JsonPropertyName("platform")]
    public OciPlatform? Platform { get; init; }

    /// <summary>The artifact type, for artifacts.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Members this model does not know, kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
