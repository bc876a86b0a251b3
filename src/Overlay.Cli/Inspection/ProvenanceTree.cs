using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Cli.Inspection;

/// <summary>
/// The merged tree with provenance: for each name the layer that answers it (from the engine's
/// lookup trace), the layers merging into each directory, the layers each name shadows, whiteouts
/// (the names they hide are listed, marked) and opaque directories.
/// </summary>
internal static class ProvenanceTree
{
    /// <param name="stack">The layers.</param>
    /// <param name="path">The entry to start from.</param>
    /// <param name="withHidden">
    /// Also list the names an opaque directory hides: the entries of the layers below the opaque
    /// copy, which no lookup reaches (whiteouts are always listed).
    /// </param>
    public static TreeEntry? Build(LayerStack stack, string path, bool withHidden = false)
    {
        var step = LookupTracer.Final(stack.Fs, path);
        if (step is null)
        {
            return null;
        }

        // The layers the parent merges are the ones asked for this name.
        string[] parentChain = path == "/" || LookupTracer.Final(stack.Fs, PosixPath.ParentOf(path)) is not { Layer: { } parentLayer } parent
            ? [.. stack.NamesTopFirst]
            : [parentLayer, .. parent.Merged];
        if (step.Layer is not null)
        {
            return Visible(stack, step, parentChain, withHidden);
        }

        return step.WhiteoutLayer is null ? null : Hidden(stack, step, parentChain);
    }

    private static TreeEntry Visible(LayerStack stack, LookupStep step, string[] parentChain, bool withHidden)
    {
        string layer = step.Layer!;
        var entry = stack.EntryIn(layer, step.Path)!.Value;
        string name = step.Path == "/" ? "/" : step.Path[(step.Path.LastIndexOf('/') + 1)..];
        var shadows = parentChain.SkipWhile(n => n != layer).Skip(1)
            .Where(n => !step.Merged.Contains(n) && stack.EntryIn(n, step.Path) is { Kind: not LayerEntryKind.Whiteout })
            .ToArray();
        if (entry.Kind != LayerEntryKind.Directory)
        {
            return new TreeEntry(name, step.Path, KindOf(entry), layer, [], shadows, null, entry.Kind == LayerEntryKind.File ? entry.Length : null,
                entry.LinkTarget, []);
        }

        string[] chain = [layer, .. step.Merged];
        string? opaqueIn = chain.FirstOrDefault(n => stack.EntryIn(n, step.Path) is { IsOpaque: true });
        var children = new List<TreeEntry>();
        var visibleNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in stack.Fs.Directory.EnumerateFileSystemEntries(step.Path).Order(StringComparer.Ordinal))
        {
            if (LookupTracer.Final(stack.Fs, child) is { Layer: not null } childStep)
            {
                visibleNames.Add(childStep.Path[(childStep.Path.LastIndexOf('/') + 1)..]);
                children.Add(Visible(stack, childStep, chain, withHidden));
            }
        }

        // Names a whiteout hides are not in the listing: ask each merging layer for its whiteouts.
        var hiddenNames = chain.SelectMany(n => stack.ListIn(n, step.Path))
            .Where(e => e.Kind == LayerEntryKind.Whiteout && !visibleNames.Contains(e.Name))
            .Select(e => e.Name)
            .Distinct(StringComparer.Ordinal);
        foreach (var hidden in hiddenNames)
        {
            if (LookupTracer.Final(stack.Fs, PosixPath.Combine(step.Path, hidden)) is { Layer: null, WhiteoutLayer: not null } hiddenStep)
            {
                children.Add(Hidden(stack, hiddenStep, chain));
            }
        }

        if (withHidden && opaqueIn is not null)
        {
            // The copies of this directory below the opaque one: their names are in no listing.
            var shown = children.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var below in parentChain.SkipWhile(n => n != opaqueIn).Skip(1))
            {
                if (stack.EntryIn(below, step.Path) is not { Kind: LayerEntryKind.Directory })
                {
                    continue;
                }

                foreach (var lowerEntry in stack.ListIn(below, step.Path).OrderBy(e => e.Name, StringComparer.Ordinal))
                {
                    if (lowerEntry.Kind != LayerEntryKind.Whiteout && shown.Add(lowerEntry.Name))
                    {
                        children.Add(new TreeEntry(lowerEntry.Name, PosixPath.Combine(step.Path, lowerEntry.Name), "hidden", below, [], [], opaqueIn, null, null, []));
                    }
                }
            }
        }

        children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new TreeEntry(name, step.Path, "directory", layer, step.Merged, shadows, opaqueIn, null, null, children);
    }

    private static TreeEntry Hidden(LayerStack stack, LookupStep step, string[] parentChain)
    {
        string whiteout = step.WhiteoutLayer!;
        var hides = parentChain.SkipWhile(n => n != whiteout).Skip(1)
            .Where(n => stack.EntryIn(n, step.Path) is { Kind: not LayerEntryKind.Whiteout })
            .ToArray();
        string name = step.Path[(step.Path.LastIndexOf('/') + 1)..];
        return new TreeEntry(name, step.Path, "whiteout", whiteout, [], hides, null, null, null, []);
    }

    private static string KindOf(LayerEntry entry) => entry.Kind switch
    {
        LayerEntryKind.Directory => "directory",
        LayerEntryKind.SymbolicLink => "symlink",
        _ => "file",
    };
}
