using Overlay.Layers;

namespace Overlay.Cli.Images;

/// <summary>An image opened for inspection: its layers bottom first, and what to close when done.</summary>
internal sealed class OpenedImage : IDisposable
{
    private readonly IReadOnlyList<IDisposable> _owned;

    public OpenedImage(string description, IReadOnlyList<ImageLayer> layersBottomFirst, IReadOnlyList<IDisposable> owned)
    {
        Description = description;
        LayersBottomFirst = layersBottomFirst;
        _owned = owned;
    }

    /// <summary>What was opened, for messages.</summary>
    public string Description { get; }

    /// <summary>The layers, bottom first (0 is the base).</summary>
    public IReadOnlyList<ImageLayer> LayersBottomFirst { get; }

    /// <summary>
    /// A read-only overlay of the layers 0..<paramref name="topLayer"/> (all when omitted): the image
    /// as it was after that layer, the way a container's lowerdir sees it.
    /// </summary>
    /// <param name="topLayer">The highest layer to include.</param>
    /// <param name="upper">A writable layer on top (a container's), or none.</param>
    public OverlayFileSystem Overlay(int? topLayer = null, IWritableLayer? upper = null)
    {
        int top = topLayer ?? LayersBottomFirst.Count - 1;
        if (top < 0 || top >= LayersBottomFirst.Count)
        {
            throw new CliException(ExitCode.Usage, $"--layer {top}: the image has layers 0 to {LayersBottomFirst.Count - 1}.");
        }

        var lowersTopFirst = LayersBottomFirst.Take(top + 1).Reverse().Select(l => l.Layer).ToArray();
        return new OverlayFileSystem(lowersTopFirst, upper);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
