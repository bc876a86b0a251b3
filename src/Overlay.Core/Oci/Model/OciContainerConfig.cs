using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>The defaults an image gives the containers run from it (the configuration's <c>config</c>).</summary>
public sealed class OciContainerConfig
{
    /// <summary>The user (name or uid, optionally with a group).</summary>
    [JsonPropertyName("User")]
    public string? User { get; init; }

    /// <summary>Exposed ports (<c>80/tcp</c> → {}).</summary>
    [JsonPropertyName("ExposedPorts")]
    public IReadOnlyDictionary<string, JsonElement>? ExposedPorts { get; init; }

    /// <summary>Environment variables, <c>NAME=value</c>.</summary>
    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>The entry point.</summary>
    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>The default command (arguments to the entry point).</summary>
    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>Volumes (path → {}).</summary>
    [JsonPropertyName("Volumes")]
    public IReadOnlyDictionary<string, JsonElement>? Volumes { get; init; }

    /// <summary>The working directory.</summary>
    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    /// <summary>Labels.</summary>
    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The signal that stops the container.</summary>
    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }

    /// <summary>Members this model does not know (Docker's Hostname, Tty, …), kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
