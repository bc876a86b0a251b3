using System.Collections.Concurrent;
using System.IO.Abstractions;
using System.Runtime.Versioning;

namespace Overlay.Tests.Conformance;

/// <summary>
/// IFileSystemWatcher: the events one operation raises, compared as sets of (type, name, old name),
/// on every target (the disk's come from inotify on its own thread, so they are waited for).
/// </summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class WatcherTests(ConformanceTarget target) : ConformanceTests(target)
{
    private const NotifyFilters DefaultFilters = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName;

    [Fact]
    public void WriteAllText_OfANewFile_RaisesCreatedAndChanged() =>
        Events("/d", () => Fs.File.WriteAllText(P("/d/new.txt"), "n")).Should().BeEquivalentTo(["Created new.txt", "Changed new.txt"]);

    [Fact]
    public void WriteAllText_OfASeededFile_RaisesChanged() =>
        Events("/d", () => Fs.File.WriteAllText(P("/d/a.txt"), "w")).Should().BeEquivalentTo(["Changed a.txt"]);

    [Fact]
    public void AppendAllText_InASubdirectory_RaisesChangedWithTheRelativeName() =>
        Events("/d", () => Fs.File.AppendAllText(P("/d/sub/c.txt"), "+"), includeSubdirectories: true).Should().BeEquivalentTo(["Changed sub/c.txt"]);

    [Fact]
    public void AChangeInASubdirectory_IsNotSeenWithoutIncludeSubdirectories() =>
        Events("/d", () => Fs.File.AppendAllText(P("/d/sub/c.txt"), "+")).Should().BeEmpty();

    [Fact]
    public void Delete_RaisesDeleted() =>
        Events("/d", () => Fs.File.Delete(P("/d/a.txt"))).Should().BeEquivalentTo(["Deleted a.txt"]);

    [Fact]
    public void Move_WithinTheDirectory_RaisesRenamed() =>
        Events("/d", () => Fs.File.Move(P("/d/a.txt"), P("/d/z.txt"))).Should().BeEquivalentTo(["Renamed z.txt <- a.txt"]);

    [Fact]
    public void Move_OutOfTheWatchedDirectory_RaisesDeleted() =>
        Events("/d", () => Fs.File.Move(P("/d/a.txt"), P("/empty/a.txt"))).Should().BeEquivalentTo(["Deleted a.txt"]);

    [Fact]
    public void CreateDirectory_RaisesCreated() =>
        Events("/d", () => Fs.Directory.CreateDirectory(P("/d/newdir"))).Should().BeEquivalentTo(["Created newdir"]);

    [Fact]
    public void DeleteRecursive_RaisesADeletedForEveryName() =>
        Events("/d", () => Fs.Directory.Delete(P("/d/sub"), true), includeSubdirectories: true)
            .Should().BeEquivalentTo(["Deleted sub/c.txt", "Deleted sub/deep/e.txt", "Deleted sub/deep", "Deleted sub"]);

    [Fact]
    public void SetLastWriteTime_RaisesChanged() =>
        Events("/d", () => Fs.File.SetLastWriteTimeUtc(P("/d/a.txt"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc))).Should().BeEquivalentTo(["Changed a.txt"]);

    [Fact]
    public void AFilter_KeepsOnlyMatchingNames() =>
        Events("/d", () =>
        {
            Fs.File.WriteAllText(P("/d/n.log"), "l");
            Fs.File.WriteAllText(P("/d/n.txt"), "t");
        }, filter: "*.txt").Should().BeEquivalentTo(["Created n.txt", "Changed n.txt"]);

    [Fact]
    public void AFileNameOnlyNotifyFilter_DropsChanged() =>
        Events("/d", () => Fs.File.WriteAllText(P("/d/new.txt"), "n"), notifyFilters: NotifyFilters.FileName).Should().BeEquivalentTo(["Created new.txt"]);

    [Fact]
    public void ADirectoryNameNotifyFilter_SeesOnlyDirectories() =>
        Events("/d", () =>
        {
            Fs.Directory.CreateDirectory(P("/d/nd"));
            Fs.File.WriteAllText(P("/d/nf"), "f");
        }, notifyFilters: NotifyFilters.DirectoryName).Should().BeEquivalentTo(["Created nd"]);

    [Fact]
    public void New_OfAMissingDirectory_ThrowsArgumentOnEnable()
    {
        var watcher = Fs.FileSystemWatcher.New();
        Of(() => watcher.Path = P("/nope")).Should().Be("EX ArgumentException hr=0x80070057");
        watcher.Dispose();
    }

    [Fact]
    public void Properties_HaveSystemIOsDefaults()
    {
        using var watcher = Fs.FileSystemWatcher.New(P("/d"));
        watcher.Filter.Should().Be("*");
        watcher.NotifyFilter.Should().Be(DefaultFilters);
        watcher.IncludeSubdirectories.Should().BeFalse();
        watcher.EnableRaisingEvents.Should().BeFalse();
        watcher.InternalBufferSize.Should().Be(8192);
        U(watcher.Path).Should().Be("/d");
    }

    private List<string> Events(string directory, Action action, bool includeSubdirectories = false, string? filter = null, NotifyFilters notifyFilters = DefaultFilters)
    {
        var seen = new ConcurrentQueue<string>();
        using var watcher = filter is null ? Fs.FileSystemWatcher.New(P(directory)) : Fs.FileSystemWatcher.New(P(directory), filter);
        watcher.IncludeSubdirectories = includeSubdirectories;
        watcher.NotifyFilter = notifyFilters;
        watcher.Created += (_, e) => seen.Enqueue($"Created {e.Name}");
        watcher.Deleted += (_, e) => seen.Enqueue($"Deleted {e.Name}");
        watcher.Changed += (_, e) => seen.Enqueue($"Changed {e.Name}");
        watcher.Renamed += (_, e) => seen.Enqueue($"Renamed {e.Name} <- {e.OldName}");
        watcher.EnableRaisingEvents = true;

        action();

        // inotify delivers on its own thread: let it settle (an overlay raises on the caller's thread).
        if (IsDisk)
        {
            int count = -1;
            for (int i = 0; i < 50 && (count != seen.Count || i < 5); i++)
            {
                count = seen.Count;
                Thread.Sleep(40);
            }
        }

        return [.. seen.Distinct().Order(StringComparer.Ordinal)];
    }
}
