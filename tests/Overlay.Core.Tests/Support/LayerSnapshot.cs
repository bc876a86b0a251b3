using System.Globalization;
using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// Everything a layer holds at one moment: every entry's name, kind, mode, length, times, link
/// target, opaque mark and bytes. Taken before a scenario and again after it, it proves the
/// scenario left a lower exactly as it was.
/// </summary>
public sealed class LayerSnapshot
{
    private LayerSnapshot(string layerName, IReadOnlyList<string> lines, AccessTimeCheck accessTimes)
    {
        LayerName = layerName;
        Lines = lines;
        AccessTimes = accessTimes;
    }

    /// <summary>The name of the layer it was taken of.</summary>
    public string LayerName { get; }

    /// <summary>Which entries' access times are part of the snapshot.</summary>
    public AccessTimeCheck AccessTimes { get; }

    /// <summary>One line per entry (the root included), depth first in ordinal order, with every field.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Reads a layer completely.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="accessTimes">
    /// Which access times to include: not those the storage stamps on a read whatever the layer
    /// does (see <see cref="LayerStore.LowerAccessTimes"/>).
    /// </param>
    /// <returns>Its snapshot.</returns>
    public static LayerSnapshot Capture(ILayer layer, AccessTimeCheck accessTimes = AccessTimeCheck.All)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var lines = new List<string>();
        if (layer.TryGetEntry("/", out var root))
        {
            lines.Add(Describe("/", root, null, accessTimes));
        }

        Walk(layer, "/", lines, accessTimes);
        return new LayerSnapshot(layer.Name, lines, accessTimes);
    }

    /// <summary>The lines that differ from another snapshot: "- " for lines only here, "+ " for lines only there.</summary>
    /// <param name="later">The snapshot to compare with.</param>
    /// <returns>The differences; empty when the layer is unchanged.</returns>
    public IReadOnlyList<string> Differences(LayerSnapshot later)
    {
        ArgumentNullException.ThrowIfNull(later);
        var before = new HashSet<string>(Lines, StringComparer.Ordinal);
        var after = new HashSet<string>(later.Lines, StringComparer.Ordinal);
        return
        [
            .. Lines.Where(l => !after.Contains(l)).Select(l => "- " + l),
            .. later.Lines.Where(l => !before.Contains(l)).Select(l => "+ " + l),
        ];
    }

    /// <summary>Throws when the layer no longer matches this snapshot.</summary>
    /// <param name="layer">The layer, read again now.</param>
    public void AssertUnchanged(ILayer layer)
    {
        var differences = Differences(Capture(layer, AccessTimes));
        differences.Should().BeEmpty("lower layer '{0}' must never be written by the overlay", LayerName);
    }

    /// <inheritdoc />
    public override string ToString() => string.Join('\n', Lines);

    private static string AccessTime(in LayerEntry entry, AccessTimeCheck accessTimes)
    {
        bool included = accessTimes switch
        {
            AccessTimeCheck.All => true,
            AccessTimeCheck.FilesOnly => entry.Kind is LayerEntryKind.File or LayerEntryKind.Whiteout,
            _ => false,
        };
        return included ? entry.LastAccessTimeUtc.ToString("O", CultureInfo.InvariantCulture) : "-";
    }

    private static void Walk(ILayer layer, string directory, List<string> lines, AccessTimeCheck accessTimes)
    {
        foreach (var entry in layer.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
            lines.Add(Describe(path, entry, entry.Kind == LayerEntryKind.File ? TreeDump.ReadAll(layer, path) : null, accessTimes));
            if (entry.Kind == LayerEntryKind.Directory)
            {
                Walk(layer, path, lines, accessTimes);
            }
        }
    }

    private static string Describe(string path, in LayerEntry entry, byte[]? data, AccessTimeCheck accessTimes) => string.Create(
        CultureInfo.InvariantCulture,
        $"{path} {entry.Kind} name={entry.Name} mode={TreeDump.Mode(entry.Mode)} len={entry.Length} mtime={entry.LastWriteTimeUtc:O} atime={AccessTime(entry, accessTimes)} ctime={entry.CreationTimeUtc:O} target={entry.LinkTarget ?? "-"} opaque={entry.IsOpaque} data={(data is null ? "-" : Convert.ToBase64String(data))}");
}
