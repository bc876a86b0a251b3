using Overlay.Oci;

namespace Overlay.Tests.Images;

/// <summary>
/// The base layer of the fixtures' <c>image.tar</c> (<c>docker save</c> of the committed image),
/// imported with <see cref="OciImage.Load"/> (which verifies its digest and diff_id), read in place
/// as a <see cref="TarLayer"/>.
/// </summary>
internal sealed class ImageArchiveFixture : IDisposable
{
    private readonly OciImage _image;

    private ImageArchiveFixture(OciImage image) => _image = image;

    public TarLayer BaseLayer => _image.Layers[0].Layer;

    public string BaseDiffId => _image.Layers[0].DiffId.ToString();

    public static ImageArchiveFixture OpenBaseLayer() => new(OciImage.Load(DockerFixtures.PathOf("image.tar")));

    public void Dispose() => _image.Dispose();
}
