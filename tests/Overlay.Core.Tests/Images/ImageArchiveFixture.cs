using System.Text.Json;
using Overlay.Oci;

namespace Overlay.Tests.Images;

/// <summary>
/// The base layer of the fixtures' <c>image.tar</c> (<c>docker save</c> of the committed image):
/// manifest.json's first layer, read with the library's tar reader, opened as a <see cref="TarLayer"/>,
/// and checked against the config's first diff_id.
/// </summary>
internal sealed class ImageArchiveFixture : IDisposable
{
    private readonly string _directory;

    private ImageArchiveFixture(string directory, TarLayer baseLayer, string baseDiffId)
    {
        _directory = directory;
        BaseLayer = baseLayer;
        BaseDiffId = baseDiffId;
    }

    public TarLayer BaseLayer { get; }

    public string BaseDiffId { get; }

    public static ImageArchiveFixture OpenBaseLayer()
    {
        var members = ReadMembers(DockerFixtures.PathOf("image.tar"), name => name.EndsWith(".json", StringComparison.Ordinal));
        using var manifest = JsonDocument.Parse(members["manifest.json"]);
        var entry = manifest.RootElement[0];
        string baseMember = entry.GetProperty("Layers")[0].GetString()!;
        using var config = JsonDocument.Parse(members[entry.GetProperty("Config").GetString()!]);
        string diffId = config.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString()!;

        string directory = System.IO.Directory.CreateTempSubdirectory("overlay-image-archive-").FullName;
        string layerPath = Path.Combine(directory, "base.layer.tar");
        File.WriteAllBytes(layerPath, ReadMembers(DockerFixtures.PathOf("image.tar"), name => name == baseMember)[baseMember]);
        var layer = TarLayer.Open(layerPath);
        layer.ComputeDiffId().ToString().Should().Be(diffId, "the base layer's sha256 is the config's first diff_id");
        return new ImageArchiveFixture(directory, layer, diffId);
    }

    public void Dispose()
    {
        BaseLayer.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    private static Dictionary<string, byte[]> ReadMembers(string archive, Func<string, bool> wanted)
    {
        var members = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var stream = File.OpenRead(archive);
        using var reader = new TarArchiveReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (wanted(entry.Name))
            {
                using var data = reader.OpenData();
                using var buffer = new MemoryStream();
                data.CopyTo(buffer);
                members[entry.Name] = buffer.ToArray();
            }
        }

        return members;
    }
}
