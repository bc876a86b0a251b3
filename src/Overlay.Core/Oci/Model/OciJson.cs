using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Overlay.Oci.Model;

/// <summary>
/// Reads and writes the OCI model's JSON documents (manifests, indexes, configs, <c>oci-layout</c>,
/// <c>docker save</c>'s <c>manifest.json</c> as <c>DockerArchiveManifestEntry[]</c>, and its
/// <c>repositories</c> file as <c>Dictionary&lt;string, Dictionary&lt;string, string&gt;&gt;</c>).
/// </summary>
public static class OciJson
{
    /// <summary>Parses a JSON document into one of the model's types.</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="utf8Json">The document's bytes.</param>
    /// <param name="what">What the document is (a path in an archive), for the message.</param>
    /// <returns>The parsed document.</returns>
    /// <exception cref="InvalidDataException">The document is not valid JSON of that shape.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(utf8Json, TypeInfo<T>())
                ?? throw new InvalidDataException($"{what}: the JSON document is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what}: not a valid {typeof(T).Name} JSON document ({e.Message}).", e);
        }
    }

    /// <summary>Writes one of the model's types as compact UTF-8 JSON (members in declaration order, nulls left out).</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="value">The document.</param>
    /// <returns>Its UTF-8 bytes.</returns>
    public static byte[] SerializeToUtf8Bytes<T>(T value)
        where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        OciJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not part of the OCI JSON model.");
}
