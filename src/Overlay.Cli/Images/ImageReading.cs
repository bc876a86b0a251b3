using Overlay.Oci;

namespace Overlay.Cli.Images;

/// <summary>How IMAGE is read: which image of an archive that holds several, and what happens to device nodes.</summary>
/// <param name="Reference">A docker save tag or an OCI index's ref name (<c>--ref</c>); null when the archive holds one image.</param>
/// <param name="SpecialFiles">Devices, FIFOs and sockets in layer tars (<c>--devices</c>).</param>
internal sealed record ImageReading(string? Reference = null, SpecialFileHandling SpecialFiles = SpecialFileHandling.Keep)
{
    public static ImageReading Default { get; } = new();
}
