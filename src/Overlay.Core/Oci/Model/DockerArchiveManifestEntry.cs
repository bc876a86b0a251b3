using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>
/// One image in a <c>docker save</c> archive's <c>manifest.json</c> (a JSON array of these).
/// </summary>
public sealed class DockerArchiveManifestEntry
{
    /// <summary>The file name of the archive's <c>manifest.json</c>.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The configuration's path inside the archive (<c>&lt;hex&gt;.json</c>, or <c>blobs/sha256/&lt;hex&gt;</c> since Docker 25).</summary>
    [JsonPropertyName("Config")]
    public required string Config { get; init; }

    /// <summary>The image's tags (<c>name:tag</c>); may be null or empty.</summary>
    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init; }

    /// <summary>The layer tars' paths inside the archive, bottom first.</summary>
    [JsonPropertyName("Layers")]
    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>Foreign layers' descriptors by diff_id (Windows base layers), as Docker writes them.</summary>
    [JsonPropertyName("LayerSources")]
    public IReadOnlyDictionary<string, OciDescriptor>? LayerSources { get; init; }

    /// <summary>Members this model does not know, kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
