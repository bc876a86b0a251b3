using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;

namespace Overlay.Tests.Oci.Export;

/// <summary>
/// Docker's own <c>docker export c1</c> (<c>c1-export.tar</c>) is the reference: the merged view of
/// the same three layers Docker stacked for c1 (its upper, its init layer, the base image's layer)
/// exports to the same bytes.
/// </summary>
public sealed class DockerExportTests
{
    [Fact]
    public void Export_OfC1sLayersStacked_EqualsDockerExportOfC1ByteForByte()
    {
        using var upper = TarLayer.Open(ExportTestSupport.DockerFixture("overlay-dirs/c1-upper.diff.tar"), new LayerTarOptions { WhiteoutForm = WhiteoutForm.Kernel }, cancellationToken: TestContext.Current.CancellationToken);
        using var init = TarLayer.Open(ExportTestSupport.DockerFixture("overlay-dirs/c1-init.diff.tar"), new LayerTarOptions { WhiteoutForm = WhiteoutForm.Kernel }, cancellationToken: TestContext.Current.CancellationToken);
        using var image = TarLayer.Open(ExportTestSupport.DockerFixture("layers/base.layer.tar"), cancellationToken: TestContext.Current.CancellationToken);
        using var fs = new OverlayFileSystem([upper, init, image], upper: null);

        using var output = new MemoryStream();
        int count = MergedViewTarExporter.Export(fs, output, cancellationToken: TestContext.Current.CancellationToken);

        var docker = File.ReadAllBytes(ExportTestSupport.DockerFixture("c1-export.tar"));
        var expected = RawTar.Read(docker);
        var actual = RawTar.Read(output.ToArray());
        actual.Select(m => m.ToString()).Should().Equal(expected.Select(m => m.ToString()), "Docker exports no root member, no ./ prefix, names sorted, owners root:root by name");
        for (int i = 0; i < expected.Count; i++)
        {
            actual[i].Header.Should().Equal(expected[i].Header, "member {0}'s header block", expected[i].Name);
            actual[i].Data.Should().Equal(expected[i].Data, "member {0}'s content", expected[i].Name);
        }

        output.ToArray().Should().Equal(docker);
        count.Should().Be(expected.Count);
    }
}
