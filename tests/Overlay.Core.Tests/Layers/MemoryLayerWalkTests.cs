using Overlay.Layers;

namespace Overlay.Tests.Layers;

/// <summary>
/// A MemoryLayer lookup below the last directory it found starts there rather than at the root.
/// These pin that what it remembers never outlives the directory at that path: replaced, removed,
/// renamed (itself or an ancestor) or cleared, the next lookup sees the tree as it is.
/// </summary>
public sealed class MemoryLayerWalkTests
{
    private static IWritableLayer Layer() => new MemoryLayer("upper").AddFile("/a/b/f", "old");

    private static bool Has(ILayer layer, string path) => layer.TryGetEntry(path, out _);

    [Fact]
    public void A_directory_removed_and_made_again_does_not_answer_with_its_old_content()
    {
        var layer = Layer();
        Has(layer, "/a/b").Should().BeTrue();

        layer.Delete("/a/b/f");
        layer.Delete("/a/b");
        layer.CreateDirectory("/a/b", (UnixFileMode)0b111_101_101);

        Has(layer, "/a/b/f").Should().BeFalse();
    }

    [Fact]
    public void An_ancestor_removed_takes_the_remembered_directory_with_it()
    {
        var layer = (MemoryLayer)Layer();
        Has(layer, "/a/b").Should().BeTrue();

        ((IWritableLayer)layer).Delete("/a");
        layer.AddDirectory("/a/b");

        Has(layer, "/a/b/f").Should().BeFalse();
    }

    [Fact]
    public void A_renamed_directory_is_found_at_its_new_path_only()
    {
        var layer = Layer();
        Has(layer, "/a/b").Should().BeTrue();

        layer.Rename("/a", "/c");

        Has(layer, "/a/b/f").Should().BeFalse();
        Has(layer, "/c/b/f").Should().BeTrue();
        layer.CreateDirectory("/a", (UnixFileMode)0b111_101_101);
        Has(layer, "/a/b").Should().BeFalse();
    }

    [Fact]
    public void A_directory_replaced_by_a_published_object_is_forgotten()
    {
        var layer = Layer();
        Has(layer, "/a/b").Should().BeTrue();

        string token = layer.StageDirectory(new LayerMetadata((UnixFileMode)0b111_101_101, DateTime.UtcNow, DateTime.UtcNow), opaque: true);
        layer.Publish(token, "/a/b", keepParentTimes: false);

        Has(layer, "/a/b/f").Should().BeFalse();
    }

    [Fact]
    public void A_cleared_layer_finds_nothing_below_the_remembered_directory()
    {
        var layer = (MemoryLayer)Layer();
        Has(layer, "/a/b").Should().BeTrue();

        layer.Clear();

        Has(layer, "/a/b/f").Should().BeFalse();
        Has(layer, "/a").Should().BeFalse();
    }

    [Fact]
    public void A_path_that_only_starts_with_the_remembered_one_is_walked_from_the_root()
    {
        var layer = new MemoryLayer("upper").AddFile("/a/b/f", "in b").AddFile("/a/bc/f", "in bc");
        Has(layer, "/a/b").Should().BeTrue();

        layer.TryGetEntry("/a/bc/f", out var entry).Should().BeTrue();
        entry.Length.Should().Be(5);
        Has(layer, "/a/b//f").Should().BeTrue();
        Has(layer, "/a/b/g").Should().BeFalse();
    }
}
