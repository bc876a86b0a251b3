using Overlay.Images;

namespace Overlay.Tests.Images;

/// <summary>Restart, a fresh container, commit without the init layer, deleting what is in use: on both stores.</summary>
public sealed class ContainerLifecycleTests
{
    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void OpenContainer_AfterClose_ShowsItsWrites(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        string id;
        IReadOnlyList<OverlayChange> before;
        using (var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" }))
        {
            id = c1.Id;
            DockerFixtures.ReplayC1(c1.FileSystem);
            before = c1.Diff(TestContext.Current.CancellationToken);
        }

        harness.Reopen();
        using var again = harness.Store.OpenContainer(id);

        again.FileSystem.File.ReadAllText("/data/modify.txt").Should().Be("original\nmodified\n");
        again.FileSystem.File.Exists("/data/delete.txt").Should().BeFalse();
        again.FileSystem.Directory.EnumerateFileSystemEntries("/olddir").Should().Equal("/olddir/fresh.txt");
        again.Diff(TestContext.Current.CancellationToken).Should().Equal(before);
        harness.Store.Invoking(s => s.OpenContainer("c1")).Should().Throw<InvalidOperationException>().WithMessage("*open already*");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void CreateContainer_FromAnImageAnotherContainerChanged_StartsClean(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        DockerFixtures.ReplayC1(c1.FileSystem);

        using var fresh = harness.Store.CreateContainer(StoreHarness.BaseTag);

        fresh.Id.Should().NotBe(c1.Id);
        fresh.MountId.Should().NotBe(c1.MountId);
        fresh.Diff(TestContext.Current.CancellationToken).Should().BeEmpty();
        fresh.FileSystem.File.ReadAllText("/data/modify.txt").Should().Be("original\n");
        fresh.FileSystem.File.Exists("/data/delete.txt").Should().BeTrue();
        fresh.FileSystem.Directory.EnumerateFileSystemEntries("/olddir").Should().HaveCount(3);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void Container_WritesNeverReachTheImageLayers(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        var image = DockerFixtures.LayerTree(c1.LowersTopFirst[1]);
        var init = DockerFixtures.LayerTree(c1.InitLayer);

        DockerFixtures.ReplayC1(c1.FileSystem);
        c1.FileSystem.File.WriteAllText("/etc/hosts", "changed\n");
        c1.FileSystem.File.WriteAllText("/.dockerenv", "changed\n");

        DockerFixtures.LayerTree(c1.LowersTopFirst[1]).Should().Equal(image);
        DockerFixtures.LayerTree(c1.InitLayer).Should().Equal(init);
        DockerFixtures.LayerTree(c1.LowersTopFirst[1]).Should().Equal(DockerFixtures.TarTree("layers/base.layer.tar"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void Commit_TakesTheContainersLayerAlone_NeverTheInitLayer(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        c1.FileSystem.File.WriteAllText("/tmp/x", "x\n");

        var image = c1.Commit("committed:1", "a comment", cancellationToken: TestContext.Current.CancellationToken);
        using var c2 = harness.Store.CreateContainer("committed:1");

        DockerFixtures.LayerTree(c2.LowersTopFirst[1]).Should().Equal("tmp d 1777", "tmp/x f 0644 " + Sha("x\n"));
        image.Comment.Should().Be("a comment");
        image.Tags.Should().Equal("committed:1");
        harness.Store.GetImage("committed:1").Id.Should().Be(image.Id);
        harness.Store.GetImage(image.Id[7..19]).Id.Should().Be(image.Id);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void DeleteLayer_StillUsed_FailsAndNamesTheUser(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        string baseChain = harness.BaseImage.Layers[0].ChainId;
        string containerId;
        using (var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" }))
        {
            containerId = c1.Id;
            c1.FileSystem.File.WriteAllText("/tmp/x", "x\n");
            c1.Commit("committed:1", cancellationToken: TestContext.Current.CancellationToken);
        }

        harness.Store.Invoking(s => s.DeleteLayer(baseChain)).Should().Throw<InvalidOperationException>().WithMessage($"*{baseChain}*image*");
        harness.Store.Invoking(s => s.DeleteImage(StoreHarness.BaseTag)).Should().Throw<InvalidOperationException>().WithMessage("*container 'c1'*");

        harness.Store.DeleteContainer(containerId);
        harness.Store.DeleteImage(StoreHarness.BaseTag);

        // The committed image still stands on the base layer.
        harness.Store.Invoking(s => s.DeleteLayer(baseChain)).Should().Throw<InvalidOperationException>().WithMessage("*committed:1*");
        harness.Store.DeleteImage("committed:1");
        harness.Store.Layers.Should().BeEmpty();
        harness.Store.Invoking(s => s.DeleteLayer(baseChain)).Should().Throw<KeyNotFoundException>();
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void DeleteContainer_WhileOpen_Fails(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" });

        harness.Store.Invoking(s => s.DeleteContainer("c1")).Should().Throw<InvalidOperationException>().WithMessage("*open*");
        harness.Store.ContainerIds.Should().Equal(c1.Id);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void AddImage_SameLayersTwice_SharesTheLayer(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        var again = harness.Store.AddImage([DockerFixtures.ReadLayer("layers/base.layer.tar")], [DockerFixtures.DiffIdOf("layers/base.layer.tar")], "again:1", cancellationToken: TestContext.Current.CancellationToken);

        again.Layers[0].Should().Be(harness.BaseImage.Layers[0]);
        harness.Store.Layers.Should().HaveCount(1);
        harness.Store.Images.Should().HaveCount(2);
    }

    private static string Sha(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
}
