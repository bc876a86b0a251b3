using Overlay.Layers;

namespace Overlay.Tests.Union;

/// <summary>
/// The enumeration's kept listings: a directory listed once is listed again after every change of
/// the merged namespace under it (a create, a delete, a rename, a copy-up of a lower-only directory,
/// InvalidateIndex after a lower changed), and a lazy enumeration started before a change walks the
/// child directories as they are when it reaches them.
/// </summary>
public sealed class ListingCacheTests
{
    private static OverlayFileSystem Overlay(out MemoryLayer lower)
    {
        lower = new MemoryLayer("lower")
            .AddFile("/merged/a", "a")
            .AddFile("/merged/b", "b")
            .AddFile("/lowonly/x", "x")
            .AddFile("/lowonly/deep/y", "y");
        var fs = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        fs.File.WriteAllText("/merged/u", "u");
        return fs;
    }

    private static string[] All(OverlayFileSystem fs, string path = "/") =>
        [.. fs.Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_create_delete_and_rename_in_a_merged_directory_are_seen_by_the_next_listing()
    {
        var fs = Overlay(out _);
        Assert.Equal(["/merged/a", "/merged/b", "/merged/u"], All(fs, "/merged"));

        fs.File.WriteAllText("/merged/c", "c");
        Assert.Equal(["/merged/a", "/merged/b", "/merged/c", "/merged/u"], All(fs, "/merged"));

        fs.File.Delete("/merged/a");
        fs.File.Move("/merged/u", "/merged/v");
        Assert.Equal(["/merged/b", "/merged/c", "/merged/v"], All(fs, "/merged"));
    }

    [Fact]
    public void A_lower_only_directory_listed_once_shows_what_is_created_in_it_later()
    {
        var fs = Overlay(out _);
        Assert.Equal(["/lowonly/deep", "/lowonly/deep/y", "/lowonly/x"], All(fs, "/lowonly"));

        fs.File.WriteAllText("/lowonly/deep/z", "z");
        fs.File.Delete("/lowonly/x");
        Assert.Equal(["/lowonly/deep", "/lowonly/deep/y", "/lowonly/deep/z"], All(fs, "/lowonly"));
    }

    [Fact]
    public void A_lazy_walk_reaches_a_child_directory_as_it_is_when_the_walk_gets_there()
    {
        var fs = Overlay(out _);
        using var walk = fs.Directory.EnumerateFileSystemEntries("/lowonly", "*", SearchOption.AllDirectories).GetEnumerator();
        Assert.True(walk.MoveNext());
        Assert.Equal("/lowonly/deep", walk.Current);

        // The parent was listed before this create; the child is listed after it.
        fs.File.WriteAllText("/lowonly/deep/new", "n");
        var rest = new List<string>();
        while (walk.MoveNext())
        {
            rest.Add(walk.Current);
        }

        Assert.Equal(["/lowonly/deep/new", "/lowonly/deep/y", "/lowonly/x"], rest);
    }

    [Fact]
    public void A_name_added_to_a_lower_is_listed_after_InvalidateIndex()
    {
        var fs = Overlay(out var lower);
        Assert.Equal(["/lowonly/deep", "/lowonly/deep/y", "/lowonly/x"], All(fs, "/lowonly"));

        lower.AddFile("/lowonly/deep/later", "l");
        fs.InvalidateIndex();
        Assert.Equal(["/lowonly/deep", "/lowonly/deep/later", "/lowonly/deep/y", "/lowonly/x"], All(fs, "/lowonly"));
    }

    [Fact]
    public void Repeated_walks_of_an_unchanged_tree_list_the_same_entries()
    {
        var fs = Overlay(out _);
        string[] first = All(fs);
        Assert.Equal(first, All(fs));
        Assert.Equal(["/lowonly", "/lowonly/deep", "/lowonly/deep/y", "/lowonly/x", "/merged", "/merged/a", "/merged/b", "/merged/u"], first);
    }
}
