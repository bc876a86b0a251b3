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
