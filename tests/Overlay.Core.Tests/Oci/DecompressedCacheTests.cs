using Overlay.Oci;

namespace Overlay.Tests.Oci;

/// <summary>The decompressed copy of a gzip or zstd layer has no name while the layer is open.</summary>
public sealed class DecompressedCacheTests
{
    [Fact]
    public void OpenGzipLayer_LeavesNoFileInTheTemporaryDirectory_WhileOpen()
    {
        using var dir = new TempDirectory();
        string cacheDirectory = Directory.CreateDirectory(dir["cache"]).FullName;
        File.WriteAllBytes(dir["l.tar.gz"], LayerTarReaderTests.Gzip(new TestTar().File("f", new string('f', 100_000)).ToArray()));

        using var layer = TarLayer.Open(dir["l.tar.gz"], new LayerTarOptions { TemporaryDirectory = cacheDirectory }, null, TestContext.Current.CancellationToken);

        Directory.EnumerateFileSystemEntries(cacheDirectory).Should().BeEmpty("the cache is unnamed: a killed process leaves nothing");
        new StreamReader(layer.OpenRead("/f")).ReadToEnd().Should().HaveLength(100_000);
    }
}
