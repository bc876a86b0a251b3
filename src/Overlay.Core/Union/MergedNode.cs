using Overlay.Layers;

namespace Overlay.Union;

/// <summary>One object of the merged tree: the entry that answered, and where it lives.</summary>
/// <param name="Path">The object's path in the merged tree (and in every layer).</param>
/// <param name="Entry">The topmost entry, which gives the object's kind and metadata.</param>
/// <param name="Layer">-1 when the upper holds it, else the index of the lower, topmost first.</param>
/// <param name="Lower">For a directory: the lowers' content merging into it, or <see langword="null"/>.</param>
/// <param name="LowerPath">
/// For an object a lower holds: its path inside that lower, which differs from <paramref name="Path"/>
/// below a redirected (renamed) directory; <see langword="null"/> when it is the same.
/// </param>
internal readonly record struct MergedNode(string Path, LayerEntry Entry, int Layer, LowerDirectory? Lower, string? LowerPath = null)
{
    public const int Upper = -1;

    public bool InUpper => Layer == Upper;

    public bool IsDirectory => Entry.Kind == LayerEntryKind.Directory;

    public bool IsSymbolicLink => Entry.Kind == LayerEntryKind.SymbolicLink;

    /// <summary>A directory that exists in a lower, or merges lower content: the kernel's "merge or lower" type.</summary>
    /// <summary>Where the lowers hold this object (or the lower directory merging into it): the path to read them at.</summary>
    public string PathInLower => LowerPath ?? Lower?.Path ?? Path;

    public bool IsLowerOrMerged => IsDirectory && (!InUpper || Lower is not null);
}
