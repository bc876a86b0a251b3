using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>The platform an image runs on.</summary>
public sealed class OciPlatform
{
    /// <summary>The CPU architecture (GOARCH: amd64, arm64, …).</summary>
    [JsonPropertyName("architecture")]
    public string? Architecture { get; init; }

    /// <summary>The operating system (GOOS: linux, windows, …).</summary>
    [JsonPropertyName("os")]
    public string? OS { get; init; }

    /// <summary>The operating system version.</summary>
    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    /// <summary>Required operating system features.</summary>
    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init; }

    /// <summary>The CPU variant (v7, v8, …).</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>Members this model does not know, kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
