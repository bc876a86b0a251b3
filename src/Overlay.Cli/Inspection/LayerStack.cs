using Overlay.Cli.Images;
using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Cli.Inspection;

/// <summary>The layers an overlay was built from, by the names its trace uses, topmost first.</summary>
internal sealed class LayerStack
{
    private readonly Dictionary<string, ILayer> _byName = new(StringComparer.Ordinal);

    public LayerStack(OverlayFileSystem fs)
    {
        Fs = fs;
        var topFirst = new List<string>();
        if (fs.Upper is { } upper)
        {
            topFirst.Add(upper.Name);
            _byName[upper.Name] = upper;
        }

        foreach (var lower in fs.LowersTopFirst)
        {
            topFirst.Add(lower.Name);
            _byName[lower.Name] = lower;
        }

        NamesTopFirst = topFirst;
    }

    public OverlayFileSystem Fs { get; }

    public IReadOnlyList<string> NamesTopFirst { get; }

    /// <summary>What one layer alone holds at a path (no merging, links not followed).</summary>
    public LayerEntry? EntryIn(string layer, string path) =>
        _byName[layer].TryGetEntry(path, out var entry) ? entry : null;

    public IReadOnlyList<LayerEntry> ListIn(string layer, string path) => _byName[layer].ListDirectory(path);

    /// <summary>The layers below <paramref name="layer"/>, topmost first.</summary>
    public IEnumerable<string> Below(string layer) => NamesTopFirst.SkipWhile(n => n != layer).Skip(1);

    /// <summary>The index of an image layer's name (<c>layer N</c>), or -1 for the upper.</summary>
    public static int IndexOf(string name) =>
        name.StartsWith("layer ", StringComparison.Ordinal) && int.TryParse(name.AsSpan(6), out int index) ? index : -1;

    public static string Describe(LayerEntry? entry) => entry switch
    {
        null => "-",
        { Kind: LayerEntryKind.Whiteout } => "whiteout",
        { Kind: LayerEntryKind.Directory, IsOpaque: true } => "directory (opaque)",
        { Kind: LayerEntryKind.Directory } => "directory",
        { Kind: LayerEntryKind.SymbolicLink } e => $"symlink -> {e.LinkTarget}",
        { } e => $"file, {e.Length} bytes, {Mode(e.Mode)}",
    };

    public static string Mode(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>Every entry one layer holds, depth first, whiteouts included, with its path.</summary>
    public static IEnumerable<(string Path, LayerEntry Entry)> Walk(ILayer layer, string directory = "/")
    {
        foreach (var entry in layer.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = PosixPath.Combine(directory, entry.Name);
            yield return (path, entry);
            if (entry.Kind == LayerEntryKind.Directory)
            {
                foreach (var child in Walk(layer, path))
                {
                    yield return child;
                }
            }
        }
    }

    public static string Display(ImageLayer layer) => layer.Digest.Length > 0 ? layer.Digest : layer.Source;
}
