using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>The <c>oci-layout</c> marker file at the root of an OCI image layout.</summary>
public sealed class OciLayoutFile
{
    /// <summary>The layout version this library reads and writes.</summary>
    public const string CurrentVersion = "1.0.0";

    /// <summary>The marker file's name.</summary>
    public const string FileName = "oci-layout";

    /// <summary>The layout's version.</summary>
    [JsonPropertyName("imageLayoutVersion")]
    public string ImageLayoutVersion { get; init; } = CurrentVersion;
}
