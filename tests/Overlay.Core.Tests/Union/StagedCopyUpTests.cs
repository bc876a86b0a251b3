using Overlay.Layers;
using Overlay.Tests.Reliability;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// A lower file of 1 MiB or more opened for writing is copied into the upper's work area with the
/// overlay's lock released, and published under the lock: other operations go on while the data is
/// copied, and an open whose file changed meanwhile acts on what is there when it publishes. A
/// lower whose large file blocks its reader holds a copy-up in the middle of its data. The waits
/// below only detect a hang (30 s); nothing is timed.
/// </summary>
public sealed class StagedCopyUpTests
{
    private const int LargeLength = (1 << 20) + 123;
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);
    private static readonly byte[] LargeData = [.. Enumerable.Range(0, LargeLength).Select(i => (byte)(i * 7))];

    private static MemoryLayer Image() => new MemoryLayer("image")
        .AddFile("/data/big.db", LargeData)
        .AddFile("/data/small.txt", "small")
        .AddFile("/etc/motd", "hello");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("memory")]
    [InlineData("host")]
    public async Task WhileALargeFileIsCopiedUp_OtherReadsAndWritesGoOn(string upperKind)
    {
        var lower = new GatedLower(Image(), "/data/big.db");
        using var scratch = new ScratchDirectory();
        IWritableLayer upper = upperKind == "memory"
            ? new MemoryLayer("upper")
            : new HostDirectoryLayer(scratch.Upper, new HostDirectoryLayerOptions { WorkDirectory = scratch.Work });
        var overlay = new OverlayFileSystem([lower], upper);

        var append = Task.Run(() => overlay.File.AppendAllText("/data/big.db", "!"), Token);
        lower.Entered.Wait(Hang, Token).Should().BeTrue("the copy-up reads the lower file");

        // The copy is half done and holds no lock: the rest of the overlay answers.
        var others = Task.Run(() =>
        {
            overlay.File.ReadAllText("/etc/motd").Should().Be("hello");
            overlay.File.Exists("/data/big.db").Should().BeTrue();
            overlay.File.ReadAllBytes("/data/big.db").Should().Equal(LargeData, "a reader sees the file before its copy-up");
            overlay.File.WriteAllText("/etc/motd", "changed");
        }, Token);
        await others.WaitAsync(Hang, Token); // nothing waits for the copy-up's data
        append.IsCompleted.Should().BeFalse();

        lower.Release.Set();
        await append.WaitAsync(Hang, Token);
        overlay.File.ReadAllBytes("/data/big.db").Should().Equal([.. LargeData, (byte)'!']);
        overlay.File.ReadAllText("/etc/motd").Should().Be("changed");
        StagedCount(upper).Should().Be(0);
        Image().ReadAllBytes("/data/big.db").Should().Equal(lower.Inner.ReadAllBytes("/data/big.db"), "the lower is unchanged");
        (upper as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task WithATraceHandlerAndAWatcher_ALargeCopyUpIsStillStaged()
    {
        var lower = new GatedLower(Image(), "/data/big.db");
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper);
        var traced = new System.Collections.Concurrent.ConcurrentQueue<OverlayEventKind>();
        overlay.Trace += (_, e) => traced.Enqueue(e.Kind);
        var changed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var watcher = overlay.FileSystemWatcher.New("/data");
        watcher.Changed += (_, e) => changed.Enqueue(e.FullPath);
        watcher.EnableRaisingEvents = true;

        var append = Task.Run(() => overlay.File.AppendAllText("/data/big.db", "!"), Token);
        lower.Entered.Wait(Hang, Token).Should().BeTrue("the copy-up reads the lower file");
        var others = Task.Run(() => overlay.File.ReadAllText("/etc/motd").Should().Be("hello"), Token);
        await others.WaitAsync(Hang, Token); // not behind the copy-up's lock
        append.IsCompleted.Should().BeFalse();

        lower.Release.Set();
        await append.WaitAsync(Hang, Token);
        traced.Should().Contain(OverlayEventKind.CopyUp);
        changed.Should().Contain("/data/big.db");
        upper.StagedCount.Should().Be(0);
    }

    [Fact]
    public void ALargeHostLowerFile_IsCopiedUpWholeIntoAHostUpper()
    {
        using var scratch = new ScratchDirectory();
        string lowerDir = Path.Combine(scratch.Root, "lower");
        Directory.CreateDirectory(Path.Combine(lowerDir, "data"));
        File.WriteAllBytes(Path.Combine(lowerDir, "data", "big.db"), LargeData);
        using var lower = new HostDirectoryLayer(lowerDir);
        using var upper = new HostDirectoryLayer(scratch.Upper, new HostDirectoryLayerOptions { WorkDirectory = scratch.Work });
        var overlay = new OverlayFileSystem([lower], upper);

        overlay.File.AppendAllText("/data/big.db", "!");

        File.ReadAllBytes(Path.Combine(scratch.Upper, "data", "big.db")).Should().Equal([.. LargeData, (byte)'!']);
        File.ReadAllBytes(Path.Combine(lowerDir, "data", "big.db")).Should().Equal(LargeData);
        upper.StagedCount.Should().Be(0);
        Directory.EnumerateFileSystemEntries(Path.Combine(scratch.Work, "work")).Should().BeEmpty();
    }

    private static int StagedCount(IWritableLayer upper) => upper switch
    {
        MemoryLayer memory => memory.StagedCount,
        FileSystemLayer host => host.StagedCount,
        _ => throw new ArgumentException("Not a layer of the library.", nameof(upper)),
    };

    /// <summary>A temporary directory with an upper and a work directory beside each other, deleted at the end.</summary>
    private sealed class ScratchDirectory : IDisposable
    {
        public ScratchDirectory()
        {
            Directory.CreateDirectory(Upper);
        }

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "overlay-tests", "staged-" + Guid.NewGuid().ToString("N"));

        public string Upper => Path.Combine(Root, "upper");

        public string Work => Path.Combine(Root, "work");

        public void Dispose()
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
    }

    [Fact]
    public async Task AFileDeletedWhileItsCopyIsStaged_IsNotBroughtBack()
    {
        var lower = new GatedLower(Image(), "/data/big.db");
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper);

        var open = Task.Run(() => overlay.File.Open("/data/big.db", FileMode.Open, FileAccess.ReadWrite).Dispose(), Token);
        lower.Entered.Wait(Hang, Token).Should().BeTrue();
        overlay.File.Delete("/data/big.db");
        lower.Release.Set();

        await FluentActions.Awaiting(() => open.WaitAsync(Hang, Token)).Should().ThrowAsync<FileNotFoundException>();
        overlay.File.Exists("/data/big.db").Should().BeFalse();
        upper.StagedCount.Should().Be(0, "the staged copy is discarded");
        overlay.Changes(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Contain("D /data/big.db");
    }

    [Fact]
    public async Task AFileReplacedWhileItsCopyIsStaged_OpensTheNewFile()
    {
        var lower = new GatedLower(Image(), "/data/big.db");
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper);

        var append = Task.Run(() => overlay.File.AppendAllText("/data/big.db", "+tail"), Token);
        lower.Entered.Wait(Hang, Token).Should().BeTrue();
        overlay.File.WriteAllText("/data/big.db", "new content");
        lower.Release.Set();

        await append.WaitAsync(Hang, Token);
        overlay.File.ReadAllText("/data/big.db").Should().Be("new content+tail");
        upper.StagedCount.Should().Be(0);
    }

    [Fact]
    public async Task TwoWritersOfOneLargeFile_BothWritesLandOnOneCopy()
    {
        var lower = new GatedLower(Image(), "/data/big.db");
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper);

        var first = Task.Run(() => WriteAt(overlay, 0, 0xAA), Token);
        var second = Task.Run(() => WriteAt(overlay, 1, 0xBB), Token);
        lower.Entered.Wait(Hang, Token).Should().BeTrue();
        lower.Release.Set();
        await Task.WhenAll(first, second).WaitAsync(Hang, Token);

        var data = overlay.File.ReadAllBytes("/data/big.db");
        data.Length.Should().Be(LargeLength);
        data[0].Should().Be(0xAA);
        data[1].Should().Be(0xBB);
        data[2..].Should().Equal(LargeData[2..]);
        upper.StagedCount.Should().Be(0, "the copy that lost the race is discarded");
    }

    public static TheoryData<int, FaultTiming> FailingCalls()
    {
        var data = new TheoryData<int, FaultTiming>();
        for (int call = 1; call <= 6; call++)
        {
            data.Add(call, FaultTiming.Before);
            data.Add(call, FaultTiming.After);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FailingCalls))]
    public void AFailingUpperCall_LeavesTheFileWholeAndNothingStaged(int failingCall, FaultTiming timing)
    {
        var memory = new MemoryLayer("upper");
        var plan = new FaultPlan(failingCall, timing, FaultPlan.EIO);
        var overlay = new OverlayFileSystem([Image()], new FaultingLayer(memory, plan));
        plan.Arm();

        var failure = Record.Exception(() => overlay.File.AppendAllText("/data/big.db", "!"));

        plan.Disarm();
        if (plan.Failed is not null)
        {
            // The copy-up did not happen, or happened whole; the append did not.
            failure.Should().BeAssignableTo<IOException>();
            overlay.File.ReadAllBytes("/data/big.db").Should().Equal(LargeData);
        }
        else
        {
            failure.Should().BeNull();
            overlay.File.ReadAllBytes("/data/big.db").Should().Equal([.. LargeData, (byte)'!']);
        }

        memory.StagedCount.Should().Be(0);
    }

    private static void WriteAt(OverlayFileSystem overlay, long position, byte value)
    {
        using var stream = overlay.File.Open("/data/big.db", FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        stream.Position = position;
        stream.WriteByte(value);
    }
}
