using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>Merged directory listings (the kernel's <c>readdir.c</c>): the upper's names with the lower index's, minus whiteouts.</content>
internal sealed partial class UnionEngine
{
    /// <summary>
    /// The merged listing of a directory: the upper's names and the lowers' visible names, whiteouts
    /// taken out, sorted ordinally (a deterministic order; the kernel's own order is an
    /// implementation detail).
    /// </summary>
    public Errno ReadDirectory(UnionPath path, out List<MergedNode> entries)
    {
        entries = [];
        using var scope = Read();
        using var resolution = Resolve(path, followFinal: true);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is not { } directory)
        {
            return Errno.ENOENT;
        }

        if (!directory.IsDirectory)
        {
            return Errno.ENOTDIR;
        }

        entries = List(directory);
        return Errno.None;
    }

    private List<MergedNode> List(in MergedNode directory) => [.. Merge(directory)];

    /// <summary>
    /// The merged entries of a directory, sorted: an array of the exact size when no name is hidden
    /// (the upper's count and the lowers' count are known before anything is made), no set of the
    /// upper's names unless lowers merge into the directory, and no sort when the entries come in
    /// order already (an in-memory upper lists its names in the order they were made).
    /// </summary>
    private MergedNode[] Merge(in MergedNode directory)
    {
        IReadOnlyList<LayerEntry> upperEntries = directory.InUpper ? _upper!.ListDirectory(directory.Path) : [];
        var lowerDirectory = directory.Lower;
        int lowerCount = lowerDirectory?.Children.Count ?? 0;
        var entries = new MergedNode[upperEntries.Count + lowerCount];
        int count = 0;
        HashSet<string>? upperNames = lowerCount > 0 && upperEntries.Count > 0
            ? new HashSet<string>(upperEntries.Count, StringComparer.Ordinal)
            : null;
        foreach (var entry in upperEntries)
        {
            upperNames?.Add(entry.Name);
            if (entry.Kind == LayerEntryKind.Whiteout)
            {
                continue;
            }

            var lower = entry.IsDirectory ? LowerOf(lowerDirectory, entry) : null;
            entries[count++] = new MergedNode(PosixPath.Combine(directory.Path, entry.Name), entry, MergedNode.Upper, lower);
        }

        if (lowerDirectory is not null)
        {
            foreach (var (name, child) in lowerDirectory.Children)
            {
                if (upperNames is not null && upperNames.Contains(name))
                {
                    continue;
                }

                var lower = child.DirectoryLayers is null ? null : _index.Child(lowerDirectory, name);
                string lowerPath = PosixPath.Combine(lowerDirectory.Path, name);
                entries[count++] = new MergedNode(PosixPath.Combine(directory.Path, name), _index.EntryOf(child, lowerPath), child.Layer, lower, lowerPath);
            }
        }

        if (count < entries.Length)
        {
            Array.Resize(ref entries, count);
        }

        for (int i = 1; i < entries.Length; i++)
        {
            if (string.CompareOrdinal(entries[i - 1].Entry.Name, entries[i].Entry.Name) > 0)
            {
                Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Entry.Name, b.Entry.Name));
                break;
            }
        }

        return entries;
    }

    private bool IsEmpty(in MergedNode directory)
    {
        if (directory.InUpper)
        {
            foreach (var entry in _upper!.ListDirectory(directory.Path))
            {
                if (entry.Kind != LayerEntryKind.Whiteout)
                {
                    return false;
                }
            }
        }

        if (directory.Lower is { } lower)
        {
            foreach (var name in lower.Children.Keys)
            {
                if (!directory.InUpper || !_upper!.TryGetEntry(PosixPath.Combine(directory.Path, name), out _))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
