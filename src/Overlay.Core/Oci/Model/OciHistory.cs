using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>One step of an image's history.</summary>
public sealed class OciHistory
{
    /// <summary>When the step ran (RFC 3339 text, as stored).</summary>
    [JsonPropertyName("created")]
    public string? Created { get; init; }

    /// <summary>The command that made the step.</summary>
    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    /// <summary>Who made it.</summary>
    [JsonPropertyName("author")]
    public string? Author { get; init; }

    /// <summary>A comment.</summary>
    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    /// <summary>Whether the step made no layer (it has no diff_id).</summary>
    [JsonPropertyName("empty_layer")]
    public bool? EmptyLayer { get; init; }

    /// <summary>Members this model does not know, kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
