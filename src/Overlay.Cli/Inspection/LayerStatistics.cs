using Overlay.Cli.Images;
using Overlay.Layers;

namespace Overlay.Cli.Inspection;

/// <summary>One row of <c>overlay layers</c>.</summary>
internal sealed record LayerStatistics(
    int Index, string Digest, string Source, long Size, int Added, int Changed, int WhitedOut, int Opaque, long WastedBytes)
{
    /// <summary>
    /// Counts what each layer does to the image below it, and the bytes it holds that a higher layer
    /// overwrites or whites out (<c>dive</c>'s wasted space: they are in the image but no container
    /// ever sees them). Which layer a path comes from is asked of the engine's lookup trace.
    /// </summary>
    public static IReadOnlyList<LayerStatistics> Of(OpenedImage image)
    {
        var all = new LayerStack(image.Overlay());
        var rows = new List<LayerStatistics>();
        foreach (var layer in image.LayersBottomFirst)
        {
            var below = layer.Index == 0 ? null : image.Overlay(layer.Index - 1);
            int added = 0, changed = 0, whitedOut = 0, opaque = 0;
            long wasted = 0;
            string name = ImageLayer.NameOf(layer.Index);
            foreach (var (path, entry) in LayerStack.Walk(layer.Layer))
            {
                if (entry.Kind == LayerEntryKind.Whiteout)
                {
                    whitedOut++;
                    continue;
                }

                if (entry.IsOpaque)
                {
                    opaque++;
                }

                if (below is not null && LookupTracer.Final(below, path) is { Layer: not null })
                {
                    changed++;
                }
                else
                {
                    added++;
                }

                if (entry.Kind == LayerEntryKind.File && LookupTracer.Final(all.Fs, path)?.Layer != name)
                {
                    wasted += entry.Length;
                }
            }

            rows.Add(new LayerStatistics(layer.Index, layer.Digest, layer.Source, layer.Size, added, changed, whitedOut, opaque, wasted));
        }

        return rows;
    }
}
