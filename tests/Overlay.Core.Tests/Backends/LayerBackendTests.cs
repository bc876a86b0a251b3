using System.IO.Abstractions.TestingHelpers;
using System.Text.RegularExpressions;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.Support;

namespace Overlay.Tests.Backends;

/// <summary>
/// The backends the scenario catalogue runs on store what they are given exactly, in OCI form,
/// and the lower checks of <see cref="OverlayScenario"/> notice a write below the layer.
/// </summary>
public sealed partial class LayerBackendTests
{
    public static TheoryData<LayerBackend> AllBackends => new(Enum.GetValues<LayerBackend>());

    public static TheoryData<LayerBackend> StorageBackends => new(LayerBackend.HostDirectory, LayerBackend.MockFileSystem);

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void AddLower_OfEachStandardLower_StoresEveryNameModeTimeByteAndMark(LayerBackend backend)
    {
        using var store = LayerStore.Create(backend);

        // Nothing has read the stored layer yet, so even the mock's access times are the ones
        // written; on disk, listing a directory follows its links (and stamps their atimes) before
        // the layer reads them (see HostDirectory_WritesEveryLinksOwnTimes). No creation times: on
        // disk a file's birth time is when it was written.
        var accessTimes = backend == LayerBackend.HostDirectory ? AccessTimeCheck.FilesOnly : AccessTimeCheck.All;
        foreach (var source in new[] { StandardLowers.BuildTop(), StandardLowers.BuildBottom() })
        {
            var stored = store.AddLower(source);

            stored.Name.Should().Be(source.Name);
            WithoutCreationTimes(LayerSnapshot.Capture(stored, accessTimes))
                .Should().Equal(WithoutCreationTimes(LayerSnapshot.Capture(source, accessTimes)));
        }
    }

    [Theory]
    [MemberData(nameof(StorageBackends))]
    public void AddLower_WritesWhiteoutsAndOpaqueMarkersAsOciFiles(LayerBackend backend)
    {
        using var store = LayerStore.Create(backend);
        store.AddLower(StandardLowers.BuildTop());

        var storage = store.CaptureLowerStorage()!;

        storage.Should().Contain(l => l.StartsWith("top:/a/.wh.hidden f mode=0000 size=0 ", StringComparison.Ordinal));
        storage.Should().Contain(l => l.StartsWith("top:/opq/.wh..wh..opq f mode=0000 size=0 ", StringComparison.Ordinal));
        storage.Should().Contain(l => l.StartsWith("top:/a/indirect_sym l ", StringComparison.Ordinal) && l.EndsWith("-> direct_sym", StringComparison.Ordinal));
        storage.Should().Contain(l => l.StartsWith("top:/a d mode=0750 mtime=2002-02-02T00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void HostDirectory_StoresTheLayersAsHostDirectoryLayersInATemporaryFolderDeletedOnDispose()
    {
        string folder;
        using (var store = (HostDirectoryLayerStore)LayerStore.Create(LayerBackend.HostDirectory))
        {
            folder = store.BaseDirectory;
            var lower = store.AddLower(StandardLowers.BuildTop());
            var upper = store.CreateUpper(TimeProvider.System);

            folder.Should().StartWith(Path.Combine(Path.GetTempPath(), "overlay-tests"));
            lower.Should().BeOfType<HostDirectoryLayer>().Which.Root.Should().Be(Path.Combine(folder, "top"));
            var host = upper.Should().BeOfType<HostDirectoryLayer>().Subject;
            host.Name.Should().Be("upper");
            host.Durable.Should().BeFalse();
            host.CanBeUpper.Should().BeTrue();
            host.WorkDirectory.Should().Be(Path.Combine(folder, "work"));
        }

        Directory.Exists(folder).Should().BeFalse();
    }

    [Fact]
    public void HostDirectory_WritesEveryLinksOwnTimes()
    {
        if (!LinuxSyscalls.IsSupported)
        {
            Assert.Skip("Reads the links with statx, which only Linux has.");
        }

        using var store = (HostDirectoryLayerStore)LayerStore.Create(LayerBackend.HostDirectory);
        store.AddLower(StandardLowers.BuildBottom());

        foreach (var link in new[] { "direct_sym", "dangling_sym", "dir_sym" })
        {
            LinuxSyscalls.LStat(Path.Combine(store.BaseDirectory, "bottom", "a", link), out var stat).Should().Be(0);
            stat.IsSymbolicLink.Should().BeTrue();
            stat.LastWriteTimeUtc.Should().Be(StandardLowers.BottomDirectoryTime, link);
            stat.LastAccessTimeUtc.Should().Be(StandardLowers.BottomDirectoryTime, link);
        }
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("no_such_file")]
    [InlineData("/etc/no_such_file")]
    public void HostDirectoryUpper_PublishedLink_KeepsBothStagedTimes(string target)
    {
        if (!LinuxSyscalls.IsSupported)
        {
            Assert.Skip("Reads the link with statx, which only Linux has.");
        }

        // Checked on the disk right after the publish: any readlink(2) afterwards (the layer's, an
        // overlay's) stamps the link's atime per the mount's atime policy.
        using var store = (HostDirectoryLayerStore)LayerStore.Create(LayerBackend.HostDirectory);
        var upper = store.CreateUpper(TimeProvider.System);
        var metadata = new LayerMetadata(0, LastAccessTimeUtc: StandardLowers.TopFileTime, LastWriteTimeUtc: StandardLowers.BottomDirectoryTime);

        upper.Publish(upper.StageSymbolicLink(target, metadata), "/link", keepParentTimes: true);

        LinuxSyscalls.LStat(Path.Combine(store.UpperDirectory, "link"), out var stat).Should().Be(0);
        stat.IsSymbolicLink.Should().BeTrue();
        stat.LastWriteTimeUtc.Should().Be(StandardLowers.BottomDirectoryTime);
        stat.LastAccessTimeUtc.Should().Be(StandardLowers.TopFileTime);
    }

    [Fact]
    public void MockFileSystem_StoresTheLayersAsFileSystemLayersOfOneMock()
    {
        using var store = (MockFileSystemLayerStore)LayerStore.Create(LayerBackend.MockFileSystem);
        var lower = store.AddLower(StandardLowers.BuildBottom());
        var upper = store.CreateUpper(TimeProvider.System);

        var layer = lower.Should().BeOfType<FileSystemLayer>().Subject;
        layer.FileSystem.Should().BeOfType<MockFileSystem>().And.BeSameAs(store.FileSystem);
        layer.Root.Should().Be("/layers/bottom");
        upper.Should().BeOfType<FileSystemLayer>().Which.WorkDirectory.Should().Be("/layers/work");
    }

    [Theory]
    [MemberData(nameof(StorageBackends))]
    public void CreateUpper_Again_GivesAnEmptyUpper(LayerBackend backend)
    {
        using var store = LayerStore.Create(backend);
        var first = store.CreateUpper(TimeProvider.System);
        first.CreateFile("/f", StandardLowers.Mode0644);

        var second = store.CreateUpper(TimeProvider.System);

        second.ListDirectory("/").Should().BeEmpty();
        store.WorkAreaLeftovers().Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(StorageBackends))]
    public void OverlayScenario_WhenTheStorageOfALowerChangedBelowTheLayer_FailsOnDispose(LayerBackend backend)
    {
        var scenario = new ProbeScenario(backend);

        // A name in the OCI form's reserved meta namespace: the layer never lists it.
        scenario.WriteIntoTopStorage("a/.wh..wh..stray");

        scenario.TopLines().Should().NotContain(l => l.Contains("stray", StringComparison.Ordinal));
        scenario.Invoking(s => s.Dispose()).Should().Throw<Exception>().WithMessage("*storage of the lowers*");
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void OverlayScenario_WhenOnlyTheUpperChanged_PassesOnDispose(LayerBackend backend)
    {
        var scenario = new ProbeScenario(backend);

        scenario.WriteThroughTheOverlay();

        scenario.Invoking(s => s.Dispose()).Should().NotThrow();
    }

    [Fact]
    public void TimeLabels_NowFrom_LabelsEveryTimeFromTheStartAsNowAndKeepsTheExactLabels()
    {
        var start = new DateTime(2025, 5, 5, 12, 0, 0, DateTimeKind.Utc);
        var labels = TimeLabels.NowFrom(StandardLowers.TimeLabels(StandardLowers.UpperTime), start);

        labels[StandardLowers.TopFileTime].Should().Be("top-file");
        labels[StandardLowers.BottomDirectoryTime].Should().Be("bottom");
        labels[start].Should().Be("now");
        labels[start.AddDays(3)].Should().Be("now");
        labels[start - (TimeLabels.ClockSlack / 2)].Should().Be("now", "a file system's coarse clock may lag the precise one");
        labels.ContainsKey(start.AddDays(-1)).Should().BeFalse();
    }

    private static string[] WithoutCreationTimes(LayerSnapshot snapshot) =>
        [.. snapshot.Lines.Select(l => CreationTime().Replace(l, "ctime=*"))];

    [GeneratedRegex(@"ctime=\S+")]
    private static partial Regex CreationTime();

    private sealed class ProbeScenario(LayerBackend backend) : OverlayScenario(backend)
    {
        public void WriteIntoTopStorage(string relativePath)
        {
            var store = (FileSystemLayerStore)Store;
            var (_, directory) = store.LowerDirectories.Single(l => l.Name == StandardLowers.TopName);
            store.FileSystem.File.WriteAllBytes(store.FileSystem.Path.Combine(directory, relativePath), []);
        }

        public string[] TopLines() => TreeDump.Layer(Top, Labels);

        public void WriteThroughTheOverlay() => Overlay.File.AppendAllText("/a/foo", "+");
    }
}
