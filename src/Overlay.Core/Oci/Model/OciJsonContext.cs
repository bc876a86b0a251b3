using System.Text.Json.Serialization;

namespace Overlay.Oci.Model;

/// <summary>Source-generated System.Text.Json metadata for the OCI model (trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(DigestJsonConverter)],
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(OciDescriptor))]
[JsonSerializable(typeof(OciImageManifest))]
[JsonSerializable(typeof(OciImageIndex))]
[JsonSerializable(typeof(OciImageConfig))]
[JsonSerializable(typeof(OciLayoutFile))]
[JsonSerializable(typeof(DockerArchiveManifestEntry[]))]
[JsonSerializable(typeof(IReadOnlyList<DockerArchiveManifestEntry>))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
internal sealed partial class OciJsonContext : JsonSerializerContext;
