using System.Text.Json;
using System.Text.RegularExpressions;
using Overlay.Images;
using Overlay.Oci.Export;

namespace Overlay.Tests.Images;

/// <summary>
/// c1's commands (fixtures README) replayed on the fixtures' base image, compared with what the real
/// Docker engine made of them: docker diff, the committed layer, the init layer, docker export and
/// docker inspect's GraphDriver data. On both stores.
/// </summary>
public sealed partial class DockerFixtureComparisonTests
{
    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void Diff_AfterC1sCommands_IsDockerDiffOfC1(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" });
        DockerFixtures.ReplayC1(c1.FileSystem);

        var expected = File.ReadAllLines(DockerFixtures.PathOf("text/docker-diff-c1.txt")).Where(l => l.Length > 0);
        c1.Diff(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().BeEquivalentTo(expected);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void Commit_AfterC1sCommands_HoldsTheEntriesOfDockersCommitLayer(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        Image committed;
        using (var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" }))
        {
            DockerFixtures.ReplayC1(c1.FileSystem);
            committed = c1.Commit("dockres/committed:1", cancellationToken: TestContext.Current.CancellationToken);
        }

        committed.Layers.Should().HaveCount(2);
        committed.Layers[0].Should().Be(harness.BaseImage.Layers[0]);
        committed.Parent.Should().Be(harness.BaseImage.Id);
        committed.Layers[1].ChainId.Should().Be(Digests.ChainId(harness.BaseImage.Layers[0].ChainId, committed.Layers[1].DiffId));

        // The committed layer, read back from the store: c2's lowers are its init layer, then this layer.
        using var c2 = harness.Store.CreateContainer("dockres/committed:1", new ContainerOptions { Name = "c2" });
        DockerFixtures.LayerTree(c2.LowersTopFirst[1]).Should().Equal(DockerFixtures.TarTree("layers/commit.layer.tar"));

        // Its diff_id is the sha256 of the layer tar Docker writes for it, and that tar has Docker's entries.
        using var layerTar = new MemoryStream();
        LayerTarExporter.Export(c2.LowersTopFirst[1], layerTar, cancellationToken: TestContext.Current.CancellationToken).DiffId.ToString().Should().Be(committed.Layers[1].DiffId);
        layerTar.Position = 0;
        DockerFixtures.TarTree(layerTar).Should().Equal(DockerFixtures.TarTree("layers/commit.layer.tar"));

        c2.FileSystem.File.WriteAllText("/tmp/x", "x\n");
        var expected = File.ReadAllLines(DockerFixtures.PathOf("text/docker-diff-c2.txt")).Where(l => l.Length > 0);
        c2.Diff(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().BeEquivalentTo(expected);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void InitLayer_OfAContainerOnTheBaseImage_IsDockersInitLayerOfC1(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);

        DockerFixtures.LayerTree(c1.InitLayer).Should().Equal(DockerFixtures.TarTree("overlay-dirs/c1-init.diff.tar"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void Export_AfterC1sCommands_HasTheEntriesOfDockerExportOfC1(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" });
        DockerFixtures.ReplayC1(c1.FileSystem);
        c1.FileSystem.File.WriteAllText("/etc/hosts", "10.0.0.2\tc1\n");

        using var tar = new MemoryStream();
        c1.Export(tar, TestContext.Current.CancellationToken);
        tar.Position = 0;

        DockerFixtures.TarTree(tar).Should().Equal(DockerFixtures.TarTree("c1-export.tar"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void GraphDriver_HasTheShapeOfDockerInspectOfC1(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        string root = harness.Store.GraphRoot;

        using var inspect = JsonDocument.Parse(File.ReadAllText(DockerFixtures.PathOf("text/inspect-container-c1.json")));
        string expected = Shape(inspect.RootElement[0].GetProperty("GraphDriver").GetRawText(), "/var/lib/docker");
        Shape(c1.GraphDriver.ToJson(), root).Should().Be(expected);

        var data = c1.GraphDriver;
        data.LowerDirs.Should().Equal($"{root}/overlay2/{c1.MountId}-init/diff", $"{root}/overlay2/{harness.BaseImage.Layers[0].CacheId}/diff");
        data.UpperDir.Should().Be($"{root}/overlay2/{c1.MountId}/diff");
        data.WorkDir.Should().Be($"{root}/overlay2/{c1.MountId}/work");
        data.MergedDir.Should().Be($"{root}/overlay2/{c1.MountId}/merged");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void BaseImage_ImportedFromImageTar_HasTheLayerIdsOfDockerInspect(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var inspect = JsonDocument.Parse(File.ReadAllText(DockerFixtures.PathOf("text/inspect-image-base.json")));
        string diffId = inspect.RootElement[0].GetProperty("RootFS").GetProperty("Layers")[0].GetString()!;

        harness.BaseImage.Layers.Should().ContainSingle();
        harness.BaseImage.Layers[0].DiffId.Should().Be(diffId);
        harness.BaseImage.Layers[0].ChainId.Should().Be(diffId, "a bottom layer's chain id is its diff_id");
        harness.BaseImage.Layers[0].CacheId.Should().MatchRegex("^[0-9a-f]{64}$");
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        DockerFixtures.LayerTree(c1.LowersTopFirst[1]).Should().Equal(DockerFixtures.TarTree("layers/base.layer.tar"));
    }

    [Fact]
    public void ChainId_OfTheCommittedFixtureImage_IsTheOneInDockersLayerDatabase()
    {
        // layerdb.txt: sha256/44507e... has diff cc701b... and parent a3642d... (the base layer).
        Digests.ChainId(null, "sha256:a3642d27955da2d1fada2bb77b08e0a2e5acdb5b31fc8e74fa5e2bb4f73d347b")
            .Should().Be("sha256:a3642d27955da2d1fada2bb77b08e0a2e5acdb5b31fc8e74fa5e2bb4f73d347b");
        Digests.ChainId("sha256:a3642d27955da2d1fada2bb77b08e0a2e5acdb5b31fc8e74fa5e2bb4f73d347b", "sha256:cc701b49611ad55814ffc94bda691329e1d2ba38725269c769275a9a4d455d63")
            .Should().Be("sha256:44507e5496ac8598b0ed09489fce4657450c7a9ec5171d8341789d702cd166ca");
    }

    /// <summary>JSON re-serialized the same way, the root replaced and every 64-hex id replaced by "ID".</summary>
    private static string Shape(string json, string root)
    {
        using var document = JsonDocument.Parse(json);
        string text = JsonSerializer.Serialize(document.RootElement).Replace(root, "ROOT", StringComparison.Ordinal);
        return HexId().Replace(text, "ID");
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex HexId();
}
