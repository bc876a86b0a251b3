using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Cli.Inspection;

/// <summary>What one layer holds at a walked name, and the part it played in the lookup.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Holds">What the layer alone holds at the name ("-" for nothing).</param>
/// <param name="Role">
/// answers, merges, whiteout, shadowed, hidden (with what hides it), not asked, or "" when the layer
/// holds nothing.
/// </param>
internal sealed record LayerProbe(string Layer, string Holds, string Role);

/// <summary>One walked component: the engine's verdict, each layer's part in it, and why the layers that hold the name unseen are hidden.</summary>
internal sealed record ExplainedStep(
    string Path, string? AnsweredBy, IReadOnlyList<string> Merges, string? WhiteoutIn, string Verdict, IReadOnlyList<LayerProbe> Layers, IReadOnlyList<string> Notes);

/// <summary>
/// <c>overlay explain</c>: a path's lookup component by component, each layer top to bottom as the
/// kernel's ovl_lookup asks them (upper first, then each lower; a whiteout stops the search, a
/// directory keeps merging with the copies below until one is opaque). The verdicts are the engine's
/// trace; the per-layer column is what each layer alone holds, for every layer of the stack: a layer
/// the lookup never asked is shown with what kept it out (an opaque directory, a whiteout or a file
/// higher up, in which layer).
/// </summary>
internal static class Explanation
{
    public static (IReadOnlyList<ExplainedStep> Steps, bool Found) Of(LayerStack stack, string path)
    {
        var walk = LookupTracer.Stat(stack.Fs, path);
        var chains = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var walked = new List<LookupStep>();
        var steps = new List<ExplainedStep>();
        foreach (var step in walk)
        {
            string[] asked = step.Path == "/" || !chains.TryGetValue(PosixPath.ParentOf(step.Path), out var parentChain)
                ? [.. stack.NamesTopFirst]
                : parentChain;
            steps.Add(Explain(stack, step, asked, walked, chains));
            if (step.Layer is { } layer)
            {
                chains[step.Path] = [layer, .. step.Merged];
            }

            walked.Add(step);
        }

        bool found = stack.Fs.File.Exists(path) || stack.Fs.Directory.Exists(path);
        return (steps, found);
    }

    private static ExplainedStep Explain(LayerStack stack, LookupStep step, string[] asked, List<LookupStep> ancestors, Dictionary<string, string[]> chains)
    {
        var probes = new List<LayerProbe>();
        var notes = new List<string>();
        string name = step.Path == "/" ? "/" : step.Path[(step.Path.LastIndexOf('/') + 1)..];
        string? stoppedBy = null;
        string? firstHidden = null;
        foreach (var layer in stack.NamesTopFirst)
        {
            var entry = stack.EntryIn(layer, step.Path);
            string holds = LayerStack.Describe(entry);
            string role;
            if (!asked.Contains(layer))
            {
                var why = HiddenBy(stack, layer, ancestors, chains);
                role = entry is null ? string.Empty : why is null ? "not asked" : "hidden: " + why.Value.Short;
                if (entry is { Kind: not LayerEntryKind.Whiteout } && why is { } reason)
                {
                    firstHidden ??= $"{layer} holds it, hidden by the {reason.Short}";
                    notes.Add($"{layer}'s {name} ({holds}) is hidden: {reason.Long}.");
                }
            }
            else if (stoppedBy is not null)
            {
                role = entry is null ? string.Empty : "hidden: " + stoppedBy;
                if (entry is { Kind: not LayerEntryKind.Whiteout })
                {
                    notes.Add($"{layer}'s {name} ({holds}) is hidden by the {stoppedBy} above it.");
                }
            }
            else if (layer == step.WhiteoutLayer)
            {
                role = "whiteout: hides it below";
                stoppedBy = $"whiteout in {layer}";
            }
            else if (layer == step.Layer)
            {
                // Below a file or link that answers, the same name is shadowed (the fallback below).
                role = "answers";
                if (entry is { Kind: LayerEntryKind.Directory, IsOpaque: true } && step.Merged.Count == 0)
                {
                    stoppedBy = $"opaque {step.Path} in {layer}";
                }
            }
            else if (step.Merged.Contains(layer))
            {
                role = "merges";
                if (layer == step.Merged[^1] && entry is { IsOpaque: true })
                {
                    stoppedBy = $"opaque {step.Path} in {layer}";
                }
            }
            else if (step.Layer is not null && entry is not null && entry.Value.Kind != LayerEntryKind.Directory && stack.EntryIn(step.Layer, step.Path) is { Kind: LayerEntryKind.Directory })
            {
                // A file below a directory: the kernel stops merging at the first non-directory.
                role = "shadowed";
                stoppedBy = $"{KindOf(entry)} in {layer}";
            }
            else
            {
                role = entry is null ? string.Empty : step.Layer is null ? "not asked" : "shadowed";
            }

            probes.Add(new LayerProbe(layer, holds, role));
        }

        string verdict = step switch
        {
            { Layer: { } l } when stack.EntryIn(l, step.Path) is { Kind: LayerEntryKind.SymbolicLink } link =>
                $"a symbolic link from {l} to {link.LinkTarget}: the walk follows it",
            { Layer: { } l, Merged.Count: > 0 } => $"a directory from {l}, merged with {string.Join(", ", step.Merged)}",
            { Layer: { } l } when stack.EntryIn(l, step.Path) is { IsOpaque: true } => $"an opaque directory from {l}: nothing below it merges",
            { Layer: { } l } => $"found in {l}",
            { WhiteoutLayer: { } w } => $"not found: whited out by {w}",
            _ when firstHidden is not null => $"not found: {firstHidden}",
            _ => "not found: no layer holds the name",
        };
        return new ExplainedStep(step.Path, step.Layer, step.Merged, step.WhiteoutLayer, verdict, probes, notes);
    }

    /// <summary>
    /// Why a layer was not asked for a name: the first directory on the way down whose merge left it
    /// out, and what did (an opaque copy, a whiteout or a non-directory above it, or nothing there).
    /// </summary>
    private static (string Short, string Long)? HiddenBy(LayerStack stack, string layer, List<LookupStep> ancestors, Dictionary<string, string[]> chains)
    {
        string[] parentChain = [.. stack.NamesTopFirst];
        foreach (var ancestor in ancestors)
        {
            if (!chains.TryGetValue(ancestor.Path, out var chain))
            {
                return null;
            }

            if (!chain.Contains(layer))
            {
                string path = ancestor.Path;
                var between = parentChain.TakeWhile(n => n != layer).ToList();
                if (chain[^1] is { } bottom && stack.EntryIn(bottom, path) is { IsOpaque: true })
                {
                    return ($"opaque {path} in {bottom}", $"{path} is an opaque directory in {bottom}, so nothing below {bottom} merges into it");
                }

                if (between.FirstOrDefault(n => stack.EntryIn(n, path) is { Kind: LayerEntryKind.Whiteout }) is { } whiteout)
                {
                    return ($"whiteout {path} in {whiteout}", $"{whiteout} whites out {path}");
                }

                if (between.FirstOrDefault(n => stack.EntryIn(n, path) is { Kind: not LayerEntryKind.Directory }) is { } file)
                {
                    return ($"{path} is a {KindOf(stack.EntryIn(file, path))} in {file}", $"{path} is a {KindOf(stack.EntryIn(file, path))} in {file}, which ends the merge");
                }

                return stack.EntryIn(layer, path) is { } own
                    ? ($"{path} is a {KindOf(own)} here", $"{path} is a {KindOf(own)} in {layer}, not a directory")
                    : ($"no {path} here", $"{layer} has no {path}");
            }

            parentChain = chain;
        }

        return null;
    }

    private static string KindOf(LayerEntry? entry) => entry?.Kind switch
    {
        LayerEntryKind.Directory => "directory",
        LayerEntryKind.SymbolicLink => "symlink",
        LayerEntryKind.Whiteout => "whiteout",
        null => "nothing",
        _ => "file",
    };
}
