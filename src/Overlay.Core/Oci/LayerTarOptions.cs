using Overlay.Layers;

namespace Overlay.Oci;

/// <summary>Settings for reading a layer tar (<see cref="TarLayer.Open(string, LayerTarOptions?, IProgress{OciProgress}?, CancellationToken)"/>).</summary>
public sealed record LayerTarOptions
{
    /// <summary>A name for traces and messages; the tar's path when omitted.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// How the tar stores whiteouts: <see cref="WhiteoutForm.Oci"/> (<c>.wh.</c> files, the image
    /// specification's form; the default), <see cref="WhiteoutForm.Kernel"/> (a tar of an overlay2
    /// <c>diff/</c> directory: character devices 0/0 and <c>trusted.overlay.opaque=y</c>), or
    /// <see cref="WhiteoutForm.None"/> (a plain root file system, every name ordinary).
    /// </summary>
    public WhiteoutForm WhiteoutForm { get; init; } = WhiteoutForm.Oci;

    /// <summary>What to do with devices and named pipes; <see cref="SpecialFileHandling.Keep"/> by default.</summary>
    public SpecialFileHandling SpecialFiles { get; init; } = SpecialFileHandling.Keep;

    /// <summary>The limits on the tar (entries, sizes, expansion ratio, name lengths).</summary>
    public TarLimits Limits { get; init; } = TarLimits.Default;

    /// <summary>Where a compressed layer's decompressed cache is made; the system's temporary directory when omitted.</summary>
    public string? TemporaryDirectory { get; init; }
}
