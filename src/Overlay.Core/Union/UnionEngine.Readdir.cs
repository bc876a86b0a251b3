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

    private List<MergedNode> List(in MergedNode directory)
    {
        var entries = new List<MergedNode>();
        HashSet<string>? upperNames = null;
        if (directory.InUpper)
        {
            var upperEntries = _upper!.ListDirectory(directory.Path);
            upperNames = new HashSet<string>(upperEntries.Count, StringComparer.Ordinal);
            foreach (var entry in upperEntries)
            {
                upperNames.Add(entry.Name);
                if (entry.Kind == LayerEntryKind.Whiteout)
                {
                    continue;
                }

                var lower = entry.IsDirectory ? LowerOf(directory.Lower, entry) : null;
                entries.Add(new MergedNode(PosixPath.Combine(directory.Path, entry.Name), entry, MergedNode.Upper, lower));
            }
        }

        if (directory.Lower is { } lowerDirectory)
        {
            foreach (var (name, child) in lowerDirectory.Children)
            {
                if (upperNames is not null && upperNames.Contains(name))
                {
                    continue;
                }

                var lower = child.DirectoryLayers is null ? null : _index.Child(lowerDirectory, name);
                entries.Add(new MergedNode(PosixPath.Combine(directory.Path, name), child.Entry, child.Layer, lower, PosixPath.Combine(lowerDirectory.Path, name)));
            }
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Entry.Name, b.Entry.Name));
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
