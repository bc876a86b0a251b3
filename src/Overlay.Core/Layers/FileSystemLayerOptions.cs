namespace Overlay.Layers;

/// <summary>Settings of a <see cref="FileSystemLayer"/>, fixed when it is built.</summary>
public record FileSystemLayerOptions
{
    /// <summary>A name for traces and messages; the layer's root path when omitted.</summary>
    public string? Name { get; init; }

    /// <summary>How whiteouts and opaque directories are stored; <see cref="Layers.WhiteoutForm.Oci"/> by default.</summary>
    public WhiteoutForm WhiteoutForm { get; init; } = WhiteoutForm.Oci;

    /// <summary>
    /// The work directory, needed when the layer is an overlay's upper (like the kernel's
    /// <c>workdir=</c>): every object is built there whole and renamed into the layer in one step.
    /// It must be on the same file system as the layer and must not be inside it (nor it inside the
    /// work directory). Created when missing; what a previous overlay left in it is removed when the
    /// layer is built. <see langword="null"/> (the default) for a layer that is only a lower.
    /// </summary>
    public string? WorkDirectory { get; init; }
}
