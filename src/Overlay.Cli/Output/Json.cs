using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Overlay.Cli.Output;

/// <summary>The JSON every command prints with <c>--json</c>: camelCase names, indented, nulls left out.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write<T>(Stream output, T value)
    {
        JsonSerializer.Serialize(output, value, Options);
        output.WriteByte((byte)'\n');
        output.Flush();
    }
}
