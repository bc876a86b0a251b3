using Overlay.Layers;

namespace Overlay.Union;

/// <summary>
/// What the lower layers hold in one directory of the merged tree, merged once: lowers are
/// immutable, so this never changes while the overlay lives (see <see cref="LowerIndex"/>).
/// </summary>
internal sealed class LowerDirectory
{
    public LowerDirectory(string path, int[] layers, Dictionary<string, LowerChild> children, Dictionary<string, int> whiteouts)
    {
        Path = path;
        Layers = layers;
        Children = children;
        Whiteouts = whiteouts;
    }

    /// <summary>The directory's merged path.</summary>
    public string Path { get; }

    /// <summary>The lowers that contribute to this directory, topmost first.</summary>
    public int[] Layers { get; }

    /// <summary>The visible names: whiteouts and what they hide are already taken out.</summary>
    public Dictionary<string, LowerChild> Children { get; }

    /// <summary>
    /// The names a lower's whiteout hides, each with the index of the layer holding that whiteout:
    /// kept only so a traced lookup can say which layer hid a name.
    /// </summary>
    public Dictionary<string, int> Whiteouts { get; }

    /// <summary>
    /// The merged listing of this directory while no upper copy merges into it, made on first use
    /// (see <c>UnionEngine.ListDirectory</c>): immutable like the rest of the lower content.
    /// </summary>
    public MergedNode[]? MergedListing { get; set; }
}

/// <summary>One visible name of a <see cref="LowerDirectory"/>.</summary>
/// <param name="Layer">The index of the topmost lower holding the name.</param>
/// <param name="Entry">The entry in that layer.</param>
/// <param name="DirectoryLayers">
/// For a directory: the lowers whose copies of it merge, topmost first (stopping below an opaque copy
/// or above a non-directory or a whiteout).
/// </param>
internal readonly record struct LowerChild(int Layer, LayerEntry Entry, int[]? DirectoryLayers);
