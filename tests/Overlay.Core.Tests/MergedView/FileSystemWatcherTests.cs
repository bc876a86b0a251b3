using System.Collections.Concurrent;
using System.ComponentModel;
using System.IO.Abstractions;
using System.Runtime.Versioning;
using Overlay.Layers;

namespace Overlay.Tests.MergedView;

/// <summary>
/// <see cref="OverlayFileSystem.FileSystemWatcher"/>: watchers of the merged view, differential
/// against .NET's inotify-based watcher of a real directory (same set of events per operation),
/// then each setting on its own. The overlay's lowers hold the starting content, so its writes are
/// copy-ups and its deletes whiteouts, none of which may surface as events.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FileSystemWatcherTests
{
    private const NotifyFilters DefaultFilters = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName;

    private static readonly Dictionary<string, Action<IFileSystem, string>> Operations = new()
    {
        ["WriteAllText new"] = (fs, w) => fs.File.WriteAllText(fs.Path.Combine(w, "new.txt"), "n"),
        ["WriteAllText existing"] = (fs, w) => fs.File.WriteAllText(fs.Path.Combine(w, "a.txt"), "rewritten"),
        ["AppendAllText existing"] = (fs, w) => fs.File.AppendAllText(fs.Path.Combine(w, "a.txt"), "+"),
        ["AppendAllText new"] = (fs, w) => fs.File.AppendAllText(fs.Path.Combine(w, "new.txt"), "+"),
        ["WriteAllText in sub"] = (fs, w) => fs.File.WriteAllText(fs.Path.Combine(w, "sub", "c.txt"), "c2"),
        ["Open truncate"] = (fs, w) => fs.FileStream.New(fs.Path.Combine(w, "a.txt"), FileMode.Truncate).Dispose(),
        ["OpenWrite without writing"] = (fs, w) => fs.File.OpenWrite(fs.Path.Combine(w, "a.txt")).Dispose(),
        ["File.Delete"] = (fs, w) => fs.File.Delete(fs.Path.Combine(w, "a.txt")),
        ["File.Delete in sub"] = (fs, w) => fs.File.Delete(fs.Path.Combine(w, "sub", "c.txt")),
        ["File.Move"] = (fs, w) => fs.File.Move(fs.Path.Combine(w, "a.txt"), fs.Path.Combine(w, "moved.txt")),
        ["File.Move overwrite"] = (fs, w) => fs.File.Move(fs.Path.Combine(w, "a.txt"), fs.Path.Combine(w, "b.log"), overwrite: true),
        ["File.Move into sub"] = (fs, w) => fs.File.Move(fs.Path.Combine(w, "a.txt"), fs.Path.Combine(w, "sub", "a.txt")),
        ["File.Move out of sub"] = (fs, w) => fs.File.Move(fs.Path.Combine(w, "sub", "c.txt"), fs.Path.Combine(w, "c.txt")),
        ["File.Copy"] = (fs, w) => fs.File.Copy(fs.Path.Combine(w, "a.txt"), fs.Path.Combine(w, "copy.txt")),
        ["CreateDirectory"] = (fs, w) => fs.Directory.CreateDirectory(fs.Path.Combine(w, "newdir")),
        ["CreateDirectory nested"] = (fs, w) => fs.Directory.CreateDirectory(fs.Path.Combine(w, "n1", "n2")),
        ["Directory.Delete empty"] = (fs, w) => fs.Directory.Delete(fs.Path.Combine(w, "empty")),
        ["Directory.Delete recursive"] = (fs, w) => fs.Directory.Delete(fs.Path.Combine(w, "sub"), recursive: true),
        ["Directory.Move"] = (fs, w) => fs.Directory.Move(fs.Path.Combine(w, "sub"), fs.Path.Combine(w, "moved")),
        ["Directory.Move empty"] = (fs, w) => fs.Directory.Move(fs.Path.Combine(w, "empty"), fs.Path.Combine(w, "empty2")),
        ["SetLastWriteTime"] = (fs, w) => fs.File.SetLastWriteTimeUtc(fs.Path.Combine(w, "a.txt"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        ["SetUnixFileMode"] = (fs, w) => fs.File.SetUnixFileMode(fs.Path.Combine(w, "a.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite),
        ["SetUnixFileMode of a directory"] = (fs, w) => fs.File.SetUnixFileMode(fs.Path.Combine(w, "sub"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute),
        ["SetAttributes ReadOnly"] = (fs, w) => fs.File.SetAttributes(fs.Path.Combine(w, "a.txt"), FileAttributes.ReadOnly),
        ["CreateSymbolicLink"] = (fs, w) => fs.File.CreateSymbolicLink(fs.Path.Combine(w, "link"), "a.txt"),
    };

    // Creating a directory and filling it at once races .NET's adding of a watch for it: not compared recursively.
    private static readonly HashSet<string> NotRecursive = ["CreateDirectory nested"];

    private static readonly string[] SmallSet =
    [
        "WriteAllText new", "WriteAllText existing", "AppendAllText existing", "File.Delete", "File.Move", "CreateDirectory",
        "Directory.Delete empty", "Directory.Move empty", "SetLastWriteTime", "SetUnixFileMode", "Open truncate",
    ];

    /// <summary>Each operation, watched without and with subdirectories.</summary>
    public static TheoryData<string, bool> OperationsAndDepths()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Operations.Keys)
        {
            data.Add(name, false);
            if (!NotRecursive.Contains(name))
            {
                data.Add(name, true);
            }
        }

        return data;
    }

    /// <summary>A few operations under each notify filter but LastAccess (reads and listings, which the overlay does not report).</summary>
    public static TheoryData<string, NotifyFilters> OperationsAndFilters()
    {
        var data = new TheoryData<string, NotifyFilters>();
        NotifyFilters[] filters =
        [
            NotifyFilters.FileName, NotifyFilters.DirectoryName, NotifyFilters.LastWrite, NotifyFilters.Size,
            NotifyFilters.Attributes, NotifyFilters.Security, NotifyFilters.CreationTime,
        ];
        foreach (var name in SmallSet)
        {
            foreach (var filter in filters)
            {
                data.Add(name, filter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OperationsAndDepths))]
    public void Operation_RaisesTheSameEventsAsOnARealDirectory(string operation, bool includeSubdirectories) =>
        AssertSameEventsAsReal(operation, includeSubdirectories, DefaultFilters);

    [Theory]
    [MemberData(nameof(OperationsAndFilters))]
    public void Operation_UnderOneNotifyFilter_RaisesTheSameEventsAsOnARealDirectory(string operation, NotifyFilters filter) =>
        AssertSameEventsAsReal(operation, includeSubdirectories: true, filter);

    // ---- Mechanics of the overlay stay invisible

    [Fact]
    public void AppendToALowerFile_CopiesItUp_AndRaisesOneChangedOnly()
    {
        var overlay = NewOverlay();
        var copyUps = new List<OverlayEvent>();
        overlay.Trace += (_, e) => copyUps.Add(e);
        using var watcher = Watch(overlay, "/w", includeSubdirectories: true, NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Attributes | NotifyFilters.Size);
        var seen = new Recorder(watcher);

        overlay.File.AppendAllText("/w/sub/c.txt", "+");

        copyUps.Should().Contain(e => e.Kind == OverlayEventKind.CopyUp && e.Path == "/w/sub/c.txt");
        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Changed, "sub/c.txt", null));
    }

    [Fact]
    public void DeleteOfALowerFile_WritesAWhiteout_AndRaisesOneDeletedOnly()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: true, (NotifyFilters)0x17F);
        var seen = new Recorder(watcher);

        overlay.File.Delete("/w/a.txt");

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Deleted, "a.txt", null));
    }

    [Fact]
    public void RecreatingADeletedLowerDirectory_MakesItOpaque_AndRaisesOnlyDeletesAndOneCreated()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: true, (NotifyFilters)0x17F);
        var seen = new Recorder(watcher);

        overlay.Directory.Delete("/w/sub", recursive: true);
        overlay.Directory.CreateDirectory("/w/sub");

        seen.List().Where(e => e.Type != WatcherChangeTypes.Deleted).Should().Equal(new Seen(WatcherChangeTypes.Created, "sub", null));
        seen.List().Where(e => e.Type == WatcherChangeTypes.Deleted).Select(e => e.Name).Should().BeEquivalentTo("sub/c.txt", "sub/deep/d.txt", "sub/deep", "sub");
    }

    [Fact]
    public void RenameOfALowerDirectory_CopiesItsTreeUp_AndRaisesOneRenamedOnly()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: true, (NotifyFilters)0x17F);
        var seen = new Recorder(watcher);

        overlay.Directory.Move("/w/sub", "/w/moved");

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Renamed, "moved", "sub"));
    }

    [Fact]
    public void Reads_ListingsAndLookups_RaiseNothing()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: true, (NotifyFilters)0x17F);
        var seen = new Recorder(watcher);

        overlay.File.ReadAllText("/w/a.txt");
        overlay.Directory.GetFileSystemEntries("/w", "*", SearchOption.AllDirectories);
        overlay.File.Exists("/w/missing");

        seen.List().Should().BeEmpty();
    }

    // ---- Event arguments

    [Fact]
    public void RenamedEventArgs_AreRelativeToTheWatchedPath()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        watcher.IncludeSubdirectories = true;
        RenamedEventArgs? renamed = null;
        watcher.Renamed += (_, e) => renamed = e;
        watcher.EnableRaisingEvents = true;

        overlay.File.Move("/w/a.txt", "/w/sub/deep/z.txt");

        renamed.Should().NotBeNull();
        renamed!.ChangeType.Should().Be(WatcherChangeTypes.Renamed);
        renamed.Name.Should().Be("sub/deep/z.txt");
        renamed.FullPath.Should().Be("/w/sub/deep/z.txt");
        renamed.OldName.Should().Be("a.txt");
        renamed.OldFullPath.Should().Be("/w/a.txt");
    }

    [Fact]
    public void EventArgs_OfAWatcherOfTheRoot_NameThePathWithoutItsLeadingSlash()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/");
        watcher.IncludeSubdirectories = true;
        var created = new List<FileSystemEventArgs>();
        watcher.Created += (_, e) => created.Add(e);
        watcher.EnableRaisingEvents = true;

        overlay.File.WriteAllText("/w/new.txt", "n");

        created.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "w/new.txt", FullPath = "/w/new.txt" });
    }

    [Fact]
    public void EventArgs_OfAWatcherWithARelativePath_CombineItAsSystemIODoes()
    {
        var overlay = NewOverlay();
        overlay.Directory.SetCurrentDirectory("/w");
        using var watcher = overlay.FileSystemWatcher.New("sub");
        var created = new List<FileSystemEventArgs>();
        watcher.Created += (_, e) => created.Add(e);
        watcher.EnableRaisingEvents = true;

        overlay.File.WriteAllText("/w/sub/new.txt", "n");

        created.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "new.txt", FullPath = "sub/new.txt" });
    }

    // ---- Filter, Filters, IncludeSubdirectories, NotifyFilter

    [Fact]
    public void Filter_MatchesTheFileNameWithSystemIOsWildcards()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w", "*.txt");
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.WriteAllText("/w/x.txt", "x");
        overlay.File.WriteAllText("/w/x.log", "x");
        overlay.File.WriteAllText("/w/x.txt.bak", "x");

        seen.Set().Should().BeEquivalentTo([new Seen(WatcherChangeTypes.Created, "x.txt", null), new Seen(WatcherChangeTypes.Changed, "x.txt", null)]);
    }

    [Fact]
    public void Filter_OfARename_IsMetWhenEitherNameMatches()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w", "*.log");
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.Move("/w/a.txt", "/w/a.log");
        overlay.File.Move("/w/b.log", "/w/b.txt");
        overlay.File.Move("/w/b.txt", "/w/c.txt");

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Renamed, "a.log", "a.txt"), new Seen(WatcherChangeTypes.Renamed, "b.txt", "b.log"));
    }

    [Fact]
    public void Filters_MatchWhenAnyOfThemDoes_AndStarDotStarMeansEverything()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        watcher.Filters.Add("*.log");
        watcher.Filters.Add("n?w.*");
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.Delete("/w/b.log");
        overlay.File.Delete("/w/a.txt");
        overlay.Directory.CreateDirectory("/w/new.d");

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Deleted, "b.log", null), new Seen(WatcherChangeTypes.Created, "new.d", null));

        watcher.Filter = "*.*";
        watcher.Filter.Should().Be("*");
        watcher.Filters.Should().Equal("*");
        overlay.Directory.CreateDirectory("/w/noext");
        seen.List().Should().Contain(new Seen(WatcherChangeTypes.Created, "noext", null));
    }

    [Fact]
    public void Filter_IsCaseSensitive()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w", "*.TXT");
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.WriteAllText("/w/x.txt", "x");

        seen.List().Should().BeEmpty();
    }

    [Fact]
    public void IncludeSubdirectories_False_ReportsOnlyTheWatchedDirectorysOwnEntries()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.WriteAllText("/w/sub/x.txt", "x");
        overlay.File.Delete("/w/sub/deep/d.txt");
        overlay.File.Move("/w/sub/c.txt", "/w/sub/deep/c.txt");
        overlay.File.SetUnixFileMode("/w/sub", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Changed, "sub", null));

        watcher.IncludeSubdirectories = true;
        overlay.File.WriteAllText("/w/sub/y.txt", "y");
        seen.List().Should().Contain(new Seen(WatcherChangeTypes.Created, "sub/y.txt", null));
    }

    [Fact]
    public void ChangesOutsideTheWatchedDirectory_AndOfTheDirectoryItself_RaiseNothing()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w/sub");
        watcher.IncludeSubdirectories = true;
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.WriteAllText("/w/x.txt", "x");
        overlay.File.WriteAllText("/other.txt", "x");
        overlay.File.WriteAllText("/w/subx", "x");
        overlay.File.SetUnixFileMode("/w/sub", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        seen.List().Should().BeEmpty();
    }

    [Fact]
    public void MovesAcrossTheWatchedScope_AreADeletedOrACreated()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w/sub");
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.Move("/w/sub/c.txt", "/w/c.txt");
        overlay.File.Move("/w/a.txt", "/w/sub/a.txt");

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Deleted, "c.txt", null), new Seen(WatcherChangeTypes.Created, "a.txt", null));
    }

    [Fact]
    public void NotifyFilter_FileName_ReportsFileNamesOnly()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: false, NotifyFilters.FileName);
        var seen = new Recorder(watcher);

        overlay.File.WriteAllText("/w/new.txt", "n");
        overlay.File.AppendAllText("/w/a.txt", "+");
        overlay.Directory.CreateDirectory("/w/d");
        overlay.File.SetUnixFileMode("/w/a.txt", UnixFileMode.UserRead);

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Created, "new.txt", null));
    }

    [Fact]
    public void NotifyFilter_DirectoryName_ReportsDirectoryNamesOnly()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: false, NotifyFilters.DirectoryName);
        var seen = new Recorder(watcher);

        overlay.File.WriteAllText("/w/new.txt", "n");
        overlay.Directory.CreateDirectory("/w/d");
        overlay.Directory.Move("/w/d", "/w/e");
        overlay.File.Move("/w/new.txt", "/w/new2.txt");
        overlay.Directory.Delete("/w/e");
        overlay.File.Delete("/w/new2.txt");

        seen.List().Should().Equal(
            new Seen(WatcherChangeTypes.Created, "d", null),
            new Seen(WatcherChangeTypes.Renamed, "e", "d"),
            new Seen(WatcherChangeTypes.Deleted, "e", null));
    }

    [Fact]
    public void NotifyFilter_Attributes_ReportsMetadataButNotData()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: false, NotifyFilters.Attributes);
        var seen = new Recorder(watcher);

        overlay.File.AppendAllText("/w/a.txt", "+");
        overlay.File.SetUnixFileMode("/w/b.log", UnixFileMode.UserRead);

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Changed, "b.log", null));
    }

    [Fact]
    public void NotifyFilter_Size_ReportsDataAndMetadata()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: false, NotifyFilters.Size);
        var seen = new Recorder(watcher);

        overlay.File.AppendAllText("/w/a.txt", "+");
        overlay.File.SetLastWriteTimeUtc("/w/b.log", DateTime.UnixEpoch);

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Changed, "a.txt", null), new Seen(WatcherChangeTypes.Changed, "b.log", null));
    }

    [Fact]
    public void NotifyFilter_OutOfRange_Throws()
    {
        using var watcher = NewOverlay().FileSystemWatcher.New("/w");

        var act = () => watcher.NotifyFilter = (NotifyFilters)0x1000;

        act.Should().Throw<ArgumentException>();
        watcher.NotifyFilter.Should().Be(DefaultFilters);
    }

    [Fact]
    public void StreamWrites_EachRaiseChanged_AndAnEmptyWriteNothing()
    {
        var overlay = NewOverlay();
        using var watcher = Watch(overlay, "/w", includeSubdirectories: false, NotifyFilters.LastWrite);
        var seen = new Recorder(watcher);

        using (var stream = overlay.File.Open("/w/a.txt", FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Write([]);
            seen.List().Should().BeEmpty();
            stream.Write([1, 2]);
            stream.SetLength(1);
        }

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Changed, "a.txt", null), new Seen(WatcherChangeTypes.Changed, "a.txt", null));
    }

    [Fact]
    public void WriteThroughALink_IsReportedOnItsTarget()
    {
        var overlay = NewOverlay();
        overlay.File.CreateSymbolicLink("/w/link", "sub/c.txt");
        using var watcher = Watch(overlay, "/w", includeSubdirectories: true, DefaultFilters);
        var seen = new Recorder(watcher);

        overlay.File.AppendAllText("/w/link", "+");

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Changed, "sub/c.txt", null));
    }

    // ---- EnableRaisingEvents, BeginInit/EndInit, Dispose

    [Fact]
    public void EnableRaisingEvents_False_IsSilent_AndTrueAgainResumes()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        var seen = new Recorder(watcher);

        overlay.File.WriteAllText("/w/before.txt", "x");
        watcher.EnableRaisingEvents = true;
        watcher.EnableRaisingEvents = false;
        overlay.File.WriteAllText("/w/off.txt", "x");
        seen.List().Should().BeEmpty();

        watcher.EnableRaisingEvents = true;
        overlay.File.Delete("/w/off.txt");
        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Deleted, "off.txt", null));
    }

    [Fact]
    public void BeginInit_DefersEnablingUntilEndInit()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        var seen = new Recorder(watcher);

        watcher.BeginInit();
        watcher.EnableRaisingEvents = true;
        overlay.File.Delete("/w/a.txt");
        seen.List().Should().BeEmpty();
        watcher.EndInit();
        overlay.File.Delete("/w/b.log");

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Deleted, "b.log", null));
    }

    [Fact]
    public void Dispose_Unsubscribes_AndEnablingAfterwardsThrows()
    {
        var overlay = NewOverlay();
        var watcher = overlay.FileSystemWatcher.New("/w");
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        watcher.Dispose();
        overlay.File.Delete("/w/a.txt");

        seen.List().Should().BeEmpty();
        watcher.EnableRaisingEvents.Should().BeFalse();
        var act = () => watcher.EnableRaisingEvents = true;
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void TwoWatchers_EachGetTheirEvents_AndDisposingOneLeavesTheOther()
    {
        var overlay = NewOverlay();
        using var first = Watch(overlay, "/w", includeSubdirectories: false, DefaultFilters);
        var second = Watch(overlay, "/w", includeSubdirectories: false, DefaultFilters);
        var firstSeen = new Recorder(first);
        var secondSeen = new Recorder(second);

        overlay.File.Delete("/w/a.txt");
        second.Dispose();
        overlay.File.Delete("/w/b.log");

        firstSeen.List().Should().HaveCount(2);
        secondSeen.List().Should().ContainSingle();
    }

    // ---- WaitForChanged

    [Fact]
    public void WaitForChanged_WithATimeoutAndNoChange_TimesOut()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");

        var result = watcher.WaitForChanged(WatcherChangeTypes.All, 50);
        var bySpan = watcher.WaitForChanged(WatcherChangeTypes.All, TimeSpan.FromMilliseconds(10));

        result.TimedOut.Should().BeTrue();
        result.ChangeType.Should().Be((WatcherChangeTypes)0);
        result.Name.Should().BeNull();
        result.OldName.Should().BeNull();
        bySpan.TimedOut.Should().BeTrue();
        watcher.EnableRaisingEvents.Should().BeFalse();
    }

    [Fact]
    public async Task WaitForChanged_WithoutTimeout_ReturnsTheFirstChangeOfThatType()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        var wait = Task.Run(() => watcher.WaitForChanged(WatcherChangeTypes.Deleted), cancellationToken);

        // The waiter subscribes on its own thread: keep changing until it has seen one.
        for (int i = 0; !wait.IsCompleted && i < 500; i++)
        {
            overlay.File.WriteAllText($"/w/n{i}.txt", "x");
            overlay.File.Delete($"/w/n{i}.txt");
            await Task.Delay(10, cancellationToken);
        }

        var result = await wait.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        result.TimedOut.Should().BeFalse();
        result.ChangeType.Should().Be(WatcherChangeTypes.Deleted);
        result.Name.Should().MatchRegex("^n[0-9]+\\.txt$");
        watcher.EnableRaisingEvents.Should().BeFalse();
    }

    [Fact]
    public async Task WaitForChanged_OfARename_ReturnsBothNames()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        var wait = Task.Run(() => watcher.WaitForChanged(WatcherChangeTypes.Renamed, 10_000), cancellationToken);

        for (int i = 0; !wait.IsCompleted && i < 500; i++)
        {
            overlay.File.Move(i % 2 == 0 ? "/w/a.txt" : "/w/z.txt", i % 2 == 0 ? "/w/z.txt" : "/w/a.txt");
            await Task.Delay(10, cancellationToken);
        }

        var result = await wait.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        result.TimedOut.Should().BeFalse();
        result.ChangeType.Should().Be(WatcherChangeTypes.Renamed);
        new[] { result.Name, result.OldName }.Should().BeEquivalentTo("a.txt", "z.txt");
    }

    // ---- Threading, SynchronizingObject, the rest of the surface

    [Fact]
    public void Events_AreRaisedOnTheOperationsThread_AfterTheLock_SoAHandlerMayUseTheOverlay()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        int? thread = null;
        bool? existed = null;
        watcher.Created += (_, e) =>
        {
            thread = Environment.CurrentManagedThreadId;
            existed = overlay.File.Exists(e.FullPath);
            overlay.File.WriteAllText("/w/from-handler.log", "x");
        };
        watcher.EnableRaisingEvents = true;

        overlay.File.WriteAllText("/w/new.txt", "n");

        thread.Should().Be(Environment.CurrentManagedThreadId);
        existed.Should().BeTrue();
        overlay.File.Exists("/w/from-handler.log").Should().BeTrue();
    }

    [Fact]
    public void SynchronizingObject_ThatRequiresInvoke_GetsTheEvents()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New("/w");
        var synchronizer = new QueueingSynchronizer();
        watcher.SynchronizingObject = synchronizer;
        var seen = new Recorder(watcher);
        watcher.EnableRaisingEvents = true;

        overlay.File.Delete("/w/a.txt");
        overlay.File.Move("/w/b.log", "/w/c.log");
        seen.List().Should().BeEmpty();
        synchronizer.RunAll();

        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Deleted, "a.txt", null), new Seen(WatcherChangeTypes.Renamed, "c.log", "b.log"));
    }

    [Fact]
    public void Factory_NewWithoutPath_WatchesNothingUntilAPathIsSet()
    {
        var overlay = NewOverlay();
        using var watcher = overlay.FileSystemWatcher.New();
        var seen = new Recorder(watcher);

        watcher.Path.Should().BeEmpty();
        watcher.Filter.Should().Be("*");
        watcher.NotifyFilter.Should().Be(DefaultFilters);
        watcher.FileSystem.Should().BeSameAs(overlay);
        watcher.EnableRaisingEvents = true;
        overlay.File.Delete("/w/a.txt");
        seen.List().Should().BeEmpty();

        watcher.Path = "/w";
        overlay.File.Delete("/w/b.log");
        seen.List().Should().Equal(new Seen(WatcherChangeTypes.Deleted, "b.log", null));
    }

    [Fact]
    public void Factory_NewOfAMissingDirectory_ThrowsAsSystemIODoes()
    {
        var overlay = NewOverlay();

        overlay.Invoking(o => o.FileSystemWatcher.New("/missing")).Should().Throw<ArgumentException>()
            .WithMessage("The directory name '/missing' does not exist.*").Which.ParamName.Should().Be("path");
        overlay.Invoking(o => o.FileSystemWatcher.New(string.Empty)).Should().Throw<ArgumentException>();
        overlay.Invoking(o => o.FileSystemWatcher.New(null!)).Should().Throw<ArgumentNullException>();
        using var watcher = overlay.FileSystemWatcher.New();
        watcher.Invoking(w => w.Path = "/w/a.txt").Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Path");
    }

    [Fact]
    public void Factory_WrapOfARealWatcher_IsNotSupported()
    {
        var overlay = NewOverlay();
        using var real = new System.IO.FileSystemWatcher();

        overlay.Invoking(o => o.FileSystemWatcher.Wrap(real)).Should().Throw<NotSupportedException>().WithMessage("*merged view*");
        overlay.FileSystemWatcher.Wrap(null).Should().BeNull();
        overlay.FileSystemWatcher.FileSystem.Should().BeSameAs(overlay);
    }

    [Fact]
    public void InternalBufferSize_IsKeptWithSystemIOsMinimum_AndErrorIsNeverRaised()
    {
        using var watcher = NewOverlay().FileSystemWatcher.New("/w");

        watcher.InternalBufferSize.Should().Be(8192);
        watcher.InternalBufferSize = 10;
        watcher.InternalBufferSize.Should().Be(4096);
        watcher.InternalBufferSize = 65536;
        watcher.InternalBufferSize.Should().Be(65536);
        bool errored = false;
        watcher.Error += (_, _) => errored = true;
        watcher.EnableRaisingEvents = true;
        errored.Should().BeFalse();
    }

    // ---- Helpers

    private static void AssertSameEventsAsReal(string operation, bool includeSubdirectories, NotifyFilters filter)
    {
        var action = Operations[operation];
        var realFs = new System.IO.Abstractions.FileSystem();
        string root = Path.Combine(Path.GetTempPath(), "overlay-watch-" + Guid.NewGuid().ToString("N"));
        try
        {
            Populate(realFs, root);
            using var realWatcher = Watch(realFs, root, includeSubdirectories, filter);
            var realSeen = new Recorder(realWatcher);

            var overlay = NewOverlay();
            using var overlayWatcher = Watch(overlay, "/w", includeSubdirectories, filter);
            var overlaySeen = new Recorder(overlayWatcher);

            action(realFs, root);
            action(overlay, "/w");

            var expected = overlaySeen.Set();

            // inotify delivers on its own thread: wait (bounded) for the same set, then a little more for any extra.
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (!realSeen.Set().SetEquals(expected) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }

            Thread.Sleep(100);
            realSeen.Set().Should().BeEquivalentTo(expected, "{0} (subdirectories: {1}, filter: {2}) should raise on the overlay what it raises on a real directory", operation, includeSubdirectories, filter);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
                {
                    if (!File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint))
                    {
                        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
                    }
                }

                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>The starting tree, in a real directory.</summary>
    private static void Populate(IFileSystem fs, string root)
    {
        fs.Directory.CreateDirectory(fs.Path.Combine(root, "sub", "deep"));
        fs.Directory.CreateDirectory(fs.Path.Combine(root, "empty"));
        fs.File.WriteAllText(fs.Path.Combine(root, "a.txt"), "a");
        fs.File.WriteAllText(fs.Path.Combine(root, "b.log"), "b");
        fs.File.WriteAllText(fs.Path.Combine(root, "sub", "c.txt"), "c");
        fs.File.WriteAllText(fs.Path.Combine(root, "sub", "deep", "d.txt"), "d");
    }

    /// <summary>The same tree in a lower, under an empty upper.</summary>
    private static OverlayFileSystem NewOverlay()
    {
        var lower = new MemoryLayer("lower")
            .AddDirectory("/w")
            .AddDirectory("/w/sub")
            .AddDirectory("/w/sub/deep")
            .AddDirectory("/w/empty")
            .AddFile("/w/a.txt", "a")
            .AddFile("/w/b.log", "b")
            .AddFile("/w/sub/c.txt", "c")
            .AddFile("/w/sub/deep/d.txt", "d");
        return new OverlayFileSystem(new MemoryLayer("upper"), lower);
    }

    private static IFileSystemWatcher Watch(IFileSystem fs, string path, bool includeSubdirectories, NotifyFilters filter)
    {
        var watcher = fs.FileSystemWatcher.New(path);
        watcher.IncludeSubdirectories = includeSubdirectories;
        watcher.NotifyFilter = filter;
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private sealed record Seen(WatcherChangeTypes Type, string? Name, string? OldName);

    /// <summary>Collects what a watcher raises, from whichever thread raises it.</summary>
    private sealed class Recorder
    {
        private readonly ConcurrentQueue<Seen> _seen = new();

        public Recorder(IFileSystemWatcher watcher)
        {
            watcher.Created += (_, e) => _seen.Enqueue(new Seen(e.ChangeType, e.Name, null));
            watcher.Deleted += (_, e) => _seen.Enqueue(new Seen(e.ChangeType, e.Name, null));
            watcher.Changed += (_, e) => _seen.Enqueue(new Seen(e.ChangeType, e.Name, null));
            watcher.Renamed += (_, e) => _seen.Enqueue(new Seen(e.ChangeType, e.Name, e.OldName));
        }

        public List<Seen> List() => [.. _seen];

        public HashSet<Seen> Set() => [.. _seen];
    }

    /// <summary>An <see cref="ISynchronizeInvoke"/> that queues what it is given, to run later.</summary>
    private sealed class QueueingSynchronizer : ISynchronizeInvoke
    {
        private readonly Queue<(Delegate Method, object?[]? Args)> _queue = new();

        public bool InvokeRequired => true;

        public IAsyncResult BeginInvoke(Delegate method, object?[]? args)
        {
            _queue.Enqueue((method, args));
            return Task.CompletedTask;
        }

        public object? EndInvoke(IAsyncResult result) => null;

        public object? Invoke(Delegate method, object?[]? args) => method.DynamicInvoke(args);

        public void RunAll()
        {
            while (_queue.TryDequeue(out var item))
            {
                item.Method.DynamicInvoke(item.Args);
            }
        }
    }
}
