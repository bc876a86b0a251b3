using Overlay.Layers;

namespace Overlay.Oci.Export;

/// <summary>
/// Where one layer of an image being written comes from: an existing layer tar (its bytes are kept,
/// so its diff_id is kept), or a layer exported on the fly with <see cref="LayerTarExporter"/>.
/// </summary>
public sealed class ImageLayerSource
{
    private ImageLayerSource(string? tarPath, ILayer? layer)
    {
        TarPath = tarPath;
        Layer = layer;
    }

    /// <summary>The layer tar file (uncompressed or gzip), when the source is a file.</summary>
    public string? TarPath { get; }

    /// <summary>The layer to export, when the source is a layer.</summary>
    public ILayer? Layer { get; }

    /// <summary>A layer tar file as it is: uncompressed, or gzip (decompressed when written).</summary>
    /// <param name="path">The tar file, for example a <c>layer.tar</c> of a <c>docker save</c> archive.</param>
    /// <returns>The source.</returns>
    public static ImageLayerSource FromTarFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(path) ? new ImageLayerSource(Path.GetFullPath(path), null) : throw new FileNotFoundException($"Could not find file '{path}'.", path);
    }

    /// <summary>A layer (an overlay's upper, typically) exported as Docker writes it when the image is written.</summary>
    /// <param name="layer">The layer.</param>
    /// <returns>The source.</returns>
    public static ImageLayerSource FromLayer(ILayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new ImageLayerSource(null, layer);
    }

    /// <inheritdoc />
    public override string ToString() => TarPath ?? "layer " + Layer!.Name;
}
