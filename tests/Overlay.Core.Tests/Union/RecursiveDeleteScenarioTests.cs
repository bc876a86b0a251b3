using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's recursive deletes: <c>Directory.Delete(d, true)</c> of merged lower trees, and
/// <c>rm -rf *</c> (every entry of a directory deleted, links unlinked, directories recursively)
/// over every file type, after which nothing shows. Recorded on a kernel overlay mount: a whole
/// deleted lower tree leaves one whiteout at its top.
/// </summary>
public class RecursiveDeleteScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public RecursiveDeleteScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected RecursiveDeleteScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void RecursiveDelete_OfAMergedLowerTree_LeavesOneWhiteoutAtItsTop()
    {
        Overlay.Directory.Delete("/tree", recursive: true);

        Overlay.Directory.Exists("/tree").Should().BeFalse();
        Names("/").Should().Equal("a", "empty", "file", "opq", "ro");
        UpperLines().Should().Equal("/tree w");
    }

    [Fact]
    public void RecursiveDelete_OfADirectoryWithLinksAndSubdirectories_LeavesOneWhiteoutAndTheLinkTargetsOutside()
    {
        Overlay.Directory.Delete("/a", recursive: true);

        Names("/").Should().Equal("empty", "file", "opq", "ro", "tree");
        UpperLines().Should().Equal("/a w");
    }

    [Fact]
    public void RecursiveDelete_OfAnOpaqueLowerDirectory_LeavesOneWhiteout()
    {
        Overlay.Directory.Delete("/opq", recursive: true);

        UpperLines().Should().Equal("/opq w");
    }

    [Fact]
    public void RemoveEverything_AtTheRoot_ShowsNothingAndWhitesOutEveryLowerName()
    {
        RemoveAllIn("/");

        Names("/").Should().BeEmpty();
        UpperLines().Should().Equal("/a w", "/empty w", "/file w", "/opq w", "/ro w", "/tree w");
    }

    [Fact]
    public void RemoveEverything_InAMergedDirectoryWithEveryFileType_ShowsAnEmptyDirectory()
    {
        RemoveAllIn("/a");

        Names("/a").Should().BeEmpty();
        UpperLines().Should().Equal(
            "/a d 0750 now",
            "/a/bar w",
            "/a/dangling_sym w",
            "/a/dir_sym w",
            "/a/direct_sym w",
            "/a/emptysub w",
            "/a/foo w",
            "/a/indirect_sym w",
            "/a/sub w");
    }

    [Fact]
    public void RemoveEverything_InAMergedDirectory_LeavesTheDirectoryRemovable()
    {
        RemoveAllIn("/a");

        Overlay.Directory.Delete("/a");

        Names("/").Should().NotContain("a");
        UpperLines().Should().Equal("/a w");
    }

    [Fact]
    public void RemoveEverything_ThenRecreateANameInside_ShowsOnlyTheNewName()
    {
        RemoveAllIn("/a");

        Overlay.File.WriteAllText("/a/foo", "new");

        MergedLines("/a").Should().Equal("/a/foo f 0644 now 'new'");
    }

    [Fact]
    public void RecursiveDelete_AfterACopyUpInside_RemovesTheCopyToo()
    {
        Overlay.File.AppendAllText("/tree/x/y/z", "+");

        Overlay.Directory.Delete("/tree", recursive: true);

        Overlay.Directory.Exists("/tree").Should().BeFalse();
        UpperLines().Should().Equal("/tree w");
    }

    private void RemoveAllIn(string directory)
    {
        foreach (var entry in Overlay.Directory.GetFileSystemEntries(directory))
        {
            if (Overlay.FileInfo.New(entry).LinkTarget is null && Overlay.Directory.Exists(entry))
            {
                Overlay.Directory.Delete(entry, recursive: true);
            }
            else
            {
                Overlay.File.Delete(entry);
            }
        }
    }
}
