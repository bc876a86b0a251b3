using System.Formats.Tar;
using System.Text;
using Overlay.Oci.Model;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;

namespace Overlay.Tests.Oci;

public sealed class ModelTests
{
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Digest_Compute_MatchesKnownSha256()
    {
        Digest.Compute([]).ToString().Should().Be(EmptySha256);
        Digest.Parse(EmptySha256).Should().Be(Digest.Compute(Stream.Null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256:")]
    [InlineData("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("sha256:../../../../etc/passwd0000000000000000000000000000000000000000000")]
    public void Digest_Parse_WhenNotSha256Hex_Throws(string text)
    {
        Digest.TryParse(text, out _).Should().BeFalse();
        FluentActions.Invoking(() => Digest.Parse(text)).Should().Throw<FormatException>();
    }

    [Fact]
    public void Digest_Verify_WhenBytesDiffer_ThrowsNamingTheBlob()
    {
        var digest = Digest.Compute("abc"u8);
        digest.Verify(new MemoryStream("abc"u8.ToArray()), "blob x");
        FluentActions.Invoking(() => digest.Verify(new MemoryStream("abd"u8.ToArray()), "blob x"))
            .Should().Throw<InvalidDataException>().WithMessage("*blob x*");
    }

    [Fact]
    public void Json_DockerSaveFixture_ParsesManifestAndConfig()
    {
        using var archive = new TarReader(File.OpenRead(TestFixtures.Find("fixtures/docker/image.tar")));
        var files = new Dictionary<string, byte[]>();
        while (archive.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                var buffer = new MemoryStream();
                data.CopyTo(buffer);
                files[entry.Name] = buffer.ToArray();
            }
        }

        var manifest = OciJson.Deserialize<DockerArchiveManifestEntry[]>(files["manifest.json"], "manifest.json");
        manifest.Should().ContainSingle();
        manifest[0].Layers.Should().HaveCount(2);
        manifest[0].RepoTags.Should().Contain("dockres/committed:1");
        var config = OciJson.Deserialize<OciImageConfig>(files[manifest[0].Config], manifest[0].Config);
        config.RootFs.DiffIds.Should().Equal(manifest[0].Layers.Select(l => Digest.Compute(files[l])));
        config.ExtensionData.Should().ContainKey("docker_version");
        Digest.Compute(files[manifest[0].Config]).Encoded.Should().Be(Path.GetFileNameWithoutExtension(manifest[0].Config));

        // Round trip: unknown members survive.
        var again = OciJson.Deserialize<OciImageConfig>(OciJson.SerializeToUtf8Bytes(config), "again");
        again.ExtensionData!.Keys.Should().BeEquivalentTo(config.ExtensionData!.Keys);
        again.RootFs.DiffIds.Should().Equal(config.RootFs.DiffIds);
    }

    [Fact]
    public void Json_WhenDigestMalformed_ThrowsInvalidDataNamingTheDocument()
    {
        var json = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"md5:abc","size":1},"layers":[]}""");
        FluentActions.Invoking(() => OciJson.Deserialize<OciImageManifest>(json, "blobs/sha256/abc"))
            .Should().Throw<InvalidDataException>().WithMessage("*blobs/sha256/abc*");
    }

    [Fact]
    public void MediaTypes_LayerCompressionOf_KnowsEveryLayerType()
    {
        MediaTypes.LayerCompressionOf(MediaTypes.OciLayerTar).Should().Be(LayerCompression.None);
        MediaTypes.LayerCompressionOf(MediaTypes.DockerLayerTarGzip).Should().Be(LayerCompression.Gzip);
        MediaTypes.LayerCompressionOf(MediaTypes.OciLayerTarZstd).Should().Be(LayerCompression.Zstd);
        MediaTypes.LayerCompressionOf(MediaTypes.OciImageConfig).Should().BeNull();
    }
}
