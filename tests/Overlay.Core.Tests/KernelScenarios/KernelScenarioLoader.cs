using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Overlay.Tests.Support;

namespace Overlay.Tests.KernelScenarios;

/// <summary>Reads <c>kernel-scenarios.jsonl</c> (one JSON object a line) into <see cref="KernelScenario"/>s.</summary>
public static class KernelScenarioLoader
{
    /// <summary>Re-serializes an operation for messages without escaping '+', quotes and the like.</summary>
    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Loads every scenario of the shared fixture (<see cref="TestFixtures.KernelScenariosPath"/>).</summary>
    public static IReadOnlyList<KernelScenario> LoadShared() => LoadFile(TestFixtures.KernelScenariosPath);

    /// <summary>Loads every scenario of a jsonl file, in file order.</summary>
    public static IReadOnlyList<KernelScenario> LoadFile(string path)
    {
        var scenarios = new List<KernelScenario>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                scenarios.Add(Parse(line));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                throw new FormatException($"{path}:{lineNumber}: cannot read the scenario: {ex.Message}", ex);
            }
        }

        return scenarios;
    }

    /// <summary>Parses one jsonl line.</summary>
    public static KernelScenario Parse(string jsonLine)
    {
        using var doc = JsonDocument.Parse(jsonLine);
        var root = doc.RootElement;
        var seed = root.GetProperty("seed").GetInt32();

        var lowers = new List<IReadOnlyList<ScenarioEntry>>();
        foreach (var layer in root.GetProperty("lowersTopFirst").EnumerateArray())
        {
            var entries = new List<ScenarioEntry>();
            foreach (var entry in layer.EnumerateArray())
            {
                entries.Add(new ScenarioEntry(
                    entry.GetProperty("path").GetString()!,
                    ParseKind(entry.GetProperty("kind").GetString()!),
                    entry.TryGetProperty("data", out var data) ? data.GetString() ?? string.Empty : string.Empty));
            }

            lowers.Add(entries);
        }

        var steps = new List<ScenarioStep>();
        foreach (var step in root.GetProperty("steps").EnumerateArray())
        {
            steps.Add(new ScenarioStep(
                ParseOp(step.GetProperty("op")),
                step.GetProperty("outcome").GetString()!,
                ReadLines(step.GetProperty("merged")),
                ReadLines(step.GetProperty("upper"))));
        }

        return new KernelScenario(seed, lowers, steps);
    }

    private static ScenarioOp ParseOp(JsonElement op) => new()
    {
        Name = op.GetProperty("op").GetString()!,
        Path = OptionalString(op, "path"),
        From = OptionalString(op, "from"),
        To = OptionalString(op, "to"),
        Text = OptionalString(op, "text"),
        Length = op.TryGetProperty("length", out var length) ? length.GetInt64() : null,
        Mode = op.TryGetProperty("mode", out var mode) ? ModeText(mode) : null,
        Ticks = op.TryGetProperty("ticks", out var ticks) ? ticks.GetInt64() : null,
        Target = OptionalString(op, "target"),
        RawJson = JsonSerializer.Serialize(op, ReadableJson),
    };

    private static string ModeText(JsonElement mode) => mode.ValueKind == JsonValueKind.Number
        ? mode.GetInt32().ToString(CultureInfo.InvariantCulture)
        : mode.GetString()!;

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    private static string[] ReadLines(JsonElement array) =>
        array.EnumerateArray().Select(line => line.GetString()!).ToArray();

    private static ScenarioEntryKind ParseKind(string kind) => kind switch
    {
        "file" => ScenarioEntryKind.File,
        "dir" => ScenarioEntryKind.Directory,
        "symlink" => ScenarioEntryKind.Symlink,
        "whiteout" => ScenarioEntryKind.Whiteout,
        "opaque-dir" => ScenarioEntryKind.OpaqueDirectory,
        _ => throw new FormatException($"unknown layer entry kind '{kind}'"),
    };
}
