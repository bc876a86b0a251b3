using System.IO.Abstractions;
using Overlay.Layers;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The library's overlay as a scenario target: the scenario's lowers built as in-memory layers in
/// the OCI-neutral form the engine reads (whiteouts and opaque marks as layer entries), an empty
/// in-memory upper, and the merged view at "/".
/// </summary>
public sealed class OverlayScenarioTarget : IScenarioTarget
{
    private static readonly DateTime RecordedTime = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly MemoryLayer _upper = new("upper");

    public OverlayScenarioTarget(KernelScenario scenario, DirectoryRenamePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Lowers = scenario.LowersTopFirst.Select((entries, i) => Build($"lower{i}", entries)).ToArray();
        Overlay = new OverlayFileSystem(Lowers, _upper, new OverlayOptions { DirectoryRenamePolicy = policy });
    }

    /// <summary>The lowers as built, topmost first, so a test can check they never change.</summary>
    public IReadOnlyList<MemoryLayer> Lowers { get; }

    /// <summary>The overlay under test.</summary>
    public OverlayFileSystem Overlay { get; }

    /// <inheritdoc />
    public IFileSystem FileSystem => Overlay;

    /// <inheritdoc />
    public string Root => "/";

    /// <inheritdoc />
    public IReadOnlyList<string> DumpUpper() => Dump(_upper);

    /// <summary>A layer's full state in the recording's line format (whiteouts and opaque marks included).</summary>
    public static List<string> Dump(MemoryLayer layer)
    {
        var lines = new List<string>();
        Walk("/", string.Empty);
        return lines;

        void Walk(string directory, string relative)
        {
            foreach (var entry in layer.ListDirectory(directory))
            {
                string path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
                string name = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                switch (entry.Kind)
                {
                    case global::Overlay.Layers.LayerEntryKind.Directory:
                        lines.Add(TreeLines.Directory(name, entry.Mode));
                        if (entry.IsOpaque)
                        {
                            lines.Add(TreeLines.Opaque(name));
                        }

                        Walk(path, name);
                        break;
                    case global::Overlay.Layers.LayerEntryKind.File:
                        lines.Add(TreeLines.File(name, entry.Mode, layer.ReadAllBytes(path)));
                        break;
                    case global::Overlay.Layers.LayerEntryKind.SymbolicLink:
                        lines.Add(TreeLines.Symlink(name, entry.LinkTarget!));
                        break;
                    default:
                        lines.Add(TreeLines.Whiteout(name));
                        break;
                }
            }
        }
    }

    private static MemoryLayer Build(string name, IReadOnlyList<ScenarioEntry> entries)
    {
        var layer = new MemoryLayer(name);
        foreach (var entry in entries)
        {
            string path = "/" + entry.Path;
            switch (entry.Kind)
            {
                case ScenarioEntryKind.File:
                    layer.AddFile(path, entry.Data, (UnixFileMode)0b110_100_100, RecordedTime);
                    break;
                case ScenarioEntryKind.Directory:
                    layer.AddDirectory(path);
                    break;
                case ScenarioEntryKind.OpaqueDirectory:
                    layer.AddDirectory(path, opaque: true);
                    break;
                case ScenarioEntryKind.Symlink:
                    layer.AddSymbolicLink(path, entry.Data);
                    break;
                case ScenarioEntryKind.Whiteout:
                    layer.AddWhiteout(path);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(entries), entry.Kind, "Unknown scenario entry kind.");
            }
        }

        return layer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <inheritdoc />
    public override string ToString() => "the library's in-memory overlay";
}
