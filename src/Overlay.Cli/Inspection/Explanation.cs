using Overlay.Layers;

namespace Overlay.Cli.Inspection;

/// <summary>What one layer holds at a walked name, and the part it played in the lookup.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Holds">What the layer alone holds at the name ("-" for nothing).</param>
/// <param name="Role">answers, merges, whiteout, shadowed, not asked, or "" when the layer holds nothing.</param>
internal sealed record LayerProbe(string Layer, string Holds, string Role);

/// <summary>One walked component: the engine's verdict and each asked layer's part in it.</summary>
internal sealed record ExplainedStep(string Path, string? AnsweredBy, IReadOnlyList<string> Merges, string? WhiteoutIn, string Verdict, IReadOnlyList<LayerProbe> Layers);

/// <summary>
/// <c>overlay explain</c>: a path's lookup component by component, each layer top to bottom as the
/// kernel's ovl_lookup asks them (upper first, then each lower; a whiteout stops the search, a
/// directory keeps merging with the copies below until one is opaque). The verdicts are the engine's
/// trace; the per-layer column is what each layer alone holds.
/// </summary>
internal static class Explanation
{
    public static (IReadOnlyList<ExplainedStep> Steps, bool Found) Of(LayerStack stack, string path)
    {
        var walk = LookupTracer.Stat(stack.Fs, path);
        var chains = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var steps = new List<ExplainedStep>();
        foreach (var step in walk)
        {
            string[] asked = step.Path == "/" || !chains.TryGetValue(ImagePath.Parent(step.Path), out var parentChain)
                ? [.. stack.NamesTopFirst]
                : parentChain;
            if (step.Layer is { } layer)
            {
                chains[step.Path] = [layer, .. step.Merged];
            }

            steps.Add(Explain(stack, step, asked));
        }

        bool found = stack.Fs.File.Exists(path) || stack.Fs.Directory.Exists(path);
        return (steps, found);
    }

    private static ExplainedStep Explain(LayerStack stack, LookupStep step, string[] asked)
    {
        var probes = new List<LayerProbe>();
        bool stopped = false;
        foreach (var layer in asked)
        {
            var entry = stack.EntryIn(layer, step.Path);
            string holds = LayerStack.Describe(entry);
            string role;
            if (stopped)
            {
                role = entry is null ? string.Empty : "not asked";
            }
            else if (layer == step.WhiteoutLayer)
            {
                role = "whiteout: hides the name below";
                stopped = true;
            }
            else if (layer == step.Layer)
            {
                role = "answers";
                stopped = entry is not { Kind: LayerEntryKind.Directory } || step.Merged.Count == 0;
            }
            else if (step.Merged.Contains(layer))
            {
                role = "merges";
                stopped = layer == step.Merged[^1];
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
            { Layer: { } l } when stack.EntryIn(l, step.Path) is { IsOpaque: true } => $"an opaque directory from {l}: nothing below merges",
            { Layer: { } l } => $"found in {l}",
            { WhiteoutLayer: { } w } => $"not found: whited out by {w}",
            _ => "not found: no layer holds the name",
        };
        return new ExplainedStep(step.Path, step.Layer, step.Merged, step.WhiteoutLayer, verdict, probes);
    }
}
