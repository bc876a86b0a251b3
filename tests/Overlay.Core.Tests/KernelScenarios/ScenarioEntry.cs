namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// One entry of a recorded lower layer. Parent directories that are not listed exist as plain
/// directories (mode 0755). Entries are not necessarily listed parents first.
/// </summary>
/// <param name="Path">Path relative to the layer root, '/'-separated, no leading or trailing '/'.</param>
/// <param name="Kind">What the entry is.</param>
/// <param name="Data">The content of a file, the target of a symlink, empty otherwise.</param>
public sealed record ScenarioEntry(string Path, ScenarioEntryKind Kind, string Data)
{
    /// <summary>The spelling used in the jsonl (<c>file</c>, <c>dir</c>, …).</summary>
    public string KindName => Kind switch
    {
        ScenarioEntryKind.File => "file",
        ScenarioEntryKind.Directory => "dir",
        ScenarioEntryKind.Symlink => "symlink",
        ScenarioEntryKind.Whiteout => "whiteout",
        ScenarioEntryKind.OpaqueDirectory => "opaque-dir",
        _ => Kind.ToString(),
    };

    /// <inheritdoc />
    public override string ToString() => Data.Length == 0 ? $"{Path} {KindName}" : $"{Path} {KindName} \"{Data}\"";
}
