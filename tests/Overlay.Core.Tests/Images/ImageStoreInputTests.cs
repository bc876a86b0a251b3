using Overlay.Images;
using Overlay.Layers;

namespace Overlay.Tests.Images;

/// <summary>Bad input to the store: clear exceptions, nothing half-made left behind.</summary>
public sealed class ImageStoreInputTests
{
    [Fact]
    public void AddImage_WithADiffIdThatIsNoDigest_FailsAndNamesIt()
    {
        using var store = ImageStore.CreateInMemory();

        store.Invoking(s => s.AddImage([new MemoryLayer().AddFile("/a", "a")], ["md5:1234"]))
            .Should().Throw<ArgumentException>().WithMessage("*'md5:1234'*");
        store.Invoking(s => s.AddImage([new MemoryLayer()], []))
            .Should().Throw<ArgumentException>().WithMessage("*0 diff_ids*1 layers*");
        store.Layers.Should().BeEmpty();
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void AddImage_WhenCancelled_LeavesNoImageAndNoLayer(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        var imagesBefore = harness.Store.Images.Select(i => i.Id).ToList();
        var layersBefore = harness.Store.Layers.Select(l => l.ChainId).ToList();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        harness.Store.Invoking(s => s.AddImage([new MemoryLayer().AddFile("/new", "new")], tag: "new:1", cancellationToken: cancelled.Token))
            .Should().Throw<OperationCanceledException>();

        harness.Store.Images.Select(i => i.Id).Should().Equal(imagesBefore);
        harness.Store.Layers.Select(l => l.ChainId).Should().BeEquivalentTo(layersBefore);
    }

    [Fact]
    public void AddImage_WithProgress_ReportsEachLayersMembersThenItsCompletion()
    {
        using var store = ImageStore.CreateInMemory();
        var seen = new List<Overlay.Oci.OciProgress>();

        var image = store.AddImage(
            [new MemoryLayer().AddFile("/a", "a"), new MemoryLayer().AddFile("/b", "b").AddFile("/c", "c")],
            progress: new SyncProgress(seen.Add), cancellationToken: TestContext.Current.CancellationToken);

        seen.Select(p => $"{p.Stage} {p.Item} {p.Entry}").Should().Equal(
            "Exporting layer 1/2 /a",
            $"Completed layer 1/2 {image.Layers[0].DiffId}",
            "Exporting layer 2/2 /b",
            "Exporting layer 2/2 /c",
            $"Completed layer 2/2 {image.Layers[1].DiffId}");
    }

    private sealed class SyncProgress(Action<Overlay.Oci.OciProgress> report) : IProgress<Overlay.Oci.OciProgress>
    {
        public void Report(Overlay.Oci.OciProgress value) => report(value);
    }

    [Fact]
    public void Open_WhenReopened_ReadsTheRecordsItWrote()
    {
        string root = Directory.CreateTempSubdirectory("overlay-store-").FullName;
        try
        {
            string imageId;
            using (var store = ImageStore.Open(root, new ImageStoreOptions { WhiteoutForm = WhiteoutForm.Oci }))
            {
                imageId = store.AddImage([new MemoryLayer().AddFile("/a", "a")], tag: "t:1", comment: "c", cancellationToken: TestContext.Current.CancellationToken).Id;
                store.CreateContainer("t:1", new ContainerOptions { Name = "c1" }).Dispose();
            }

            File.ReadAllText(Path.Combine(root, "image", "overlay2", "store.json")).Should().Contain("\"WhiteoutForm\": ");
            using var reopened = ImageStore.Open(root);
            reopened.GetImage("t:1").Id.Should().Be(imageId);
            reopened.GetImage("t:1").Comment.Should().Be("c");
            reopened.ContainerIds.Should().ContainSingle();
            using var c1 = reopened.OpenContainer("c1");
            c1.Image.Id.Should().Be(imageId);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void CreateContainer_WithABadOrTakenName_FailsAndLeavesNothing(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" });

        harness.Store.Invoking(s => s.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "../escape" }))
            .Should().Throw<ArgumentException>().WithMessage("*'../escape'*");
        harness.Store.Invoking(s => s.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Name = "c1" }))
            .Should().Throw<InvalidOperationException>().WithMessage("*'c1'*in use*");
        harness.Store.Invoking(s => s.CreateContainer("no/such:image"))
            .Should().Throw<KeyNotFoundException>().WithMessage("*'no/such:image'*");

        harness.Store.ContainerIds.Should().Equal(c1.Id);
        if (kind == StoreKind.Disk)
        {
            // The base layer, c1's layer and c1's init layer, and the l/ directory: nothing else.
            Directory.EnumerateFileSystemEntries(Path.Combine(harness.Root!, "overlay2")).Should().HaveCount(4);
        }
    }

    [Fact]
    public void OpenContainer_Unknown_FailsWithKeyNotFound()
    {
        using var store = ImageStore.CreateInMemory();

        store.Invoking(s => s.OpenContainer("deadbeef")).Should().Throw<KeyNotFoundException>().WithMessage("*'deadbeef'*");
    }
}
