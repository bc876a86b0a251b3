using System.IO.Abstractions;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The library's overlay as a scenario target: the scenario's lowers built as in-memory layers in
/// the OCI-neutral form the engine reads (whiteouts and opaque marks as layer entries), stored on a
/// <see cref="LayerBackend"/> (in memory as they are; on disk or in the mock written in OCI form),
/// an empty upper on the same backend, and the merged view at "/".
/// </summary>
public sealed class OverlayScenarioTarget : IScenarioTarget
{
    private static readonly DateTime RecordedTime = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly LayerStore _store;
    private readonly IWritableLayer _upper;

    public OverlayScenarioTarget(KernelScenario scenario, DirectoryRenamePolicy policy)
        : this(scenario, policy, LayerBackend.Memory)
    {
    }

    public OverlayScenarioTarget(KernelScenario scenario, DirectoryRenamePolicy policy, LayerBackend backend)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        _store = LayerStore.Create(backend);
        try
        {
            Lowers = scenario.LowersTopFirst.Select((entries, i) => _store.AddLower(Build($"lower{i}", entries))).ToArray();
            _upper = _store.CreateUpper(TimeProvider.System);
            Overlay = new OverlayFileSystem(Lowers, _upper, new OverlayOptions { DirectoryRenamePolicy = policy });
        }
        catch
        {
            _store.Dispose();
            throw;
        }
    }

    /// <summary>Where the layers are stored.</summary>
    public LayerBackend Backend => _store.Backend;

    /// <summary>The lowers as stored, topmost first, so a test can check they never change.</summary>
    public IReadOnlyList<ILayer> Lowers { get; }

    /// <summary>The lowers' storage read below the layers (see <see cref="LayerStore.CaptureLowerStorage"/>), or <see langword="null"/> in memory.</summary>
    public IReadOnlyList<string>? CaptureLowerStorage() => _store.CaptureLowerStorage();

    /// <summary>The overlay under test.</summary>
    public OverlayFileSystem Overlay { get; }

    /// <inheritdoc />
    public IFileSystem FileSystem => Overlay;

    /// <inheritdoc />
    public string Root => "/";

    /// <inheritdoc />
    public IReadOnlyList<string> DumpUpper() => Dump(_upper);

    /// <summary>A layer's full state in the recording's line format (whiteouts and opaque marks included).</summary>
    public static List<string> Dump(ILayer layer)
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
                        lines.Add(TreeLines.File(name, entry.Mode, TreeDump.ReadAll(layer, path)));
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
    public void Dispose() => _store.Dispose();

    /// <inheritdoc />
    public override string ToString() => _store.Backend switch
    {
        LayerBackend.Memory => "the library's in-memory overlay",
        LayerBackend.HostDirectory => "the library's overlay of host directories (OCI-form lowers)",
        _ => $"the library's overlay on the {_store.Backend} backend (OCI-form lowers)",
    };
}
