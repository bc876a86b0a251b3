using Overlay.Images;

namespace Overlay.Tests.Images;

/// <summary>The store on disk has overlay2's layout (compare text/overlay2-tree.txt).</summary>
[Trait("Category", "Disk")]
public sealed class DiskLayoutTests
{
    [Fact]
    public void Container_OnDisk_HasOverlay2sDirectoriesLinksAndMarkers()
    {
        using var harness = StoreHarness.Create(StoreKind.Disk);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        string overlay2 = Path.Combine(harness.Root!, "overlay2");
        string baseDir = Path.Combine(overlay2, harness.BaseImage.Layers[0].CacheId);
        string initDir = Path.Combine(overlay2, c1.MountId + "-init");
        string mountDir = Path.Combine(overlay2, c1.MountId);

        Entries(baseDir).Should().Equal("committed", "diff", "link");
        Entries(initDir).Should().Equal("committed", "diff", "link", "lower", "work");
        Entries(mountDir).Should().Equal("diff", "link", "lower", "work");

        string baseLink = File.ReadAllText(Path.Combine(baseDir, "link"));
        string initLink = File.ReadAllText(Path.Combine(initDir, "link"));
        baseLink.Should().MatchRegex("^[A-Z2-7]{26}$");
        File.ReadAllText(Path.Combine(initDir, "lower")).Should().Be($"l/{baseLink}");
        File.ReadAllText(Path.Combine(mountDir, "lower")).Should().Be($"l/{initLink}:l/{baseLink}");
        new FileInfo(Path.Combine(overlay2, "l", baseLink)).LinkTarget.Should().Be($"../{harness.BaseImage.Layers[0].CacheId}/diff");
        Directory.Exists(Path.Combine(overlay2, "l", initLink)).Should().BeTrue();
        File.Exists(Path.Combine(harness.Root!, "containers", c1.Id, "hostname")).Should().BeTrue();
        c1.GraphDriver.UpperDir.Should().Be(Path.Combine(mountDir, "diff"));
    }

    [Fact]
    public void DeleteContainer_RemovesItsDirectoriesAndShortLinks()
    {
        using var harness = StoreHarness.Create(StoreKind.Disk);
        string id;
        string mountId;
        using (var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag))
        {
            (id, mountId) = (c1.Id, c1.MountId);
        }

        harness.Store.DeleteContainer(id);

        string overlay2 = Path.Combine(harness.Root!, "overlay2");
        Entries(overlay2).Should().Equal(harness.BaseImage.Layers[0].CacheId, "l");
        Entries(Path.Combine(overlay2, "l")).Should().HaveCount(1);
        Directory.Exists(Path.Combine(harness.Root!, "containers", id)).Should().BeFalse();
        mountId.Should().NotBeNullOrEmpty();
    }

    private static string[] Entries(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
