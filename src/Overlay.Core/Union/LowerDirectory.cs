using System.Runtime.CompilerServices;
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
/// <param name="Entry">The entry in that layer (its name and kind only while <paramref name="Pending"/> is set: read it through <c>LowerIndex.EntryOf</c>).</param>
/// <param name="DirectoryLayers">
/// For a directory: the lowers whose copies of it merge, topmost first (stopping below an opaque copy
/// or above a non-directory or a whiteout; a copy whose layer listed only kinds says whether it is
/// opaque when the directory itself is built, which then stops there).
/// </param>
/// <param name="Pending">Set when the layer listed only the name and kind: the whole entry is read on first use.</param>
internal readonly record struct LowerChild(int Layer, LayerEntry Entry, int[]? DirectoryLayers, PendingEntry? Pending = null);

/// <summary>
/// The whole entry of a child a kind listing gave only the name and kind of: read from its layer
/// the first time a lookup or a listing hands the child out, then kept. Two threads may read it at
/// once; both read the same object and one result is kept.
/// </summary>
internal sealed class PendingEntry
{
    private StrongBox<LayerEntry>? _read;

    /// <summary>The whole entry: the one read before, or read now.</summary>
    /// <param name="listing">The child's layer.</param>
    /// <param name="layerName">The layer's name, for the message when the object is gone.</param>
    /// <param name="path">The child's path in its layer.</param>
    public LayerEntry Get(ILowerKindListing listing, string layerName, string path)
    {
        if (Volatile.Read(ref _read) is { } read)
        {
            return read.Value;
        }

        if (!listing.TryGetListedEntry(path, out var entry))
        {
            // A lower does not change under the overlay; one that did is not guessed at.
            throw new IOException($"'{path}' of layer '{layerName}' was listed but is no longer there: the layer changed under the overlay.", 116);
        }

        Volatile.Write(ref _read, new StrongBox<LayerEntry>(entry));
        return entry;
    }
}
