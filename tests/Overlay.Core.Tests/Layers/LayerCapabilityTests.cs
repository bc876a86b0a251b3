using Microsoft.Win32.SafeHandles;
using Overlay.Images;
using Overlay.Layers;
using Overlay.Tests.Images;
using Overlay.Tests.Support;

namespace Overlay.Tests.Layers;

/// <summary>
/// What a layer can do beyond the interface (host handles, staging beside other calls, ...) is asked
/// of the layer (<see cref="ILayer.GetCapability{TCapability}"/>), never inferred from its type: a
/// layer written outside the library that wraps a host-directory upper and forwards its
/// capabilities gets what the upper itself gets, and so does a container's upper (its bind mounts
/// wrap the store's upper). The waits only detect a hang (30 s); nothing is timed.
/// </summary>
public sealed class LayerCapabilityTests : IDisposable
{
    private const int LargeLength = 64 << 20;
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-capabilities-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Upper => Path.Combine(_root, "upper");

    private string Work => Path.Combine(_root, "work");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void OpenHandle_ThroughADecoratorThatForwardsItsCapabilities_OpensTheUppersFile()
    {
        using var upper = HostUpper();
        var overlay = new OverlayFileSystem([new MemoryLayer("image").AddFile("/etc/motd", "hello")], new ForwardingLayer(upper));

        using (var handle = overlay.File.OpenHandle("/etc/motd", FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, "HE"u8, 0);
        }

        File.ReadAllText(Path.Combine(Upper, "etc", "motd")).Should().Be("HEllo", "the write handle is the upper's copied-up file");
        overlay.File.ReadAllText("/etc/motd").Should().Be("HEllo");
    }

    [Fact]
    public void OpenHandle_ThroughADecoratorThatOffersNothing_ThrowsNotSupported()
    {
        using var upper = HostUpper();
        var overlay = new OverlayFileSystem([new MemoryLayer("image").AddFile("/etc/motd", "hello")], new OpaqueLayer(upper));

        var act = () => overlay.File.OpenHandle("/etc/motd", FileMode.Open, FileAccess.ReadWrite);

        act.Should().Throw<NotSupportedException>().WithMessage("*host disk*");
        overlay.File.ReadAllText("/etc/motd").Should().Be("hello", "nothing was copied up");
    }

    [Fact]
    public async Task ALargeCopyUpThroughADecorator_DoesNotBlockAReaderOfAnotherFile()
    {
        using var upper = HostUpper();
        var lower = new GatedLower(LargeImage(), "/data/big.db");
        var overlay = new OverlayFileSystem([lower], new ForwardingLayer(upper));

        await CopyUpWhileOthersRead(overlay, lower);

        upper.StagedCount.Should().Be(0);
        new FileInfo(Path.Combine(Upper, "data", "big.db")).Length.Should().Be(LargeLength + 1);
    }

    [Fact]
    public async Task ALargeCopyUpThroughAContainersBindMounts_DoesNotBlockAReaderOfAnotherFile()
    {
        using var upper = HostUpper();
        var lower = new GatedLower(LargeImage(), "/data/big.db");
        var files = new MemoryContainerFiles(Path.Combine(_root, "container"));
        files.Write("hosts", "127.0.0.1\tlocalhost\n");
        var overlay = new OverlayFileSystem([lower], new BindMountedUpper(upper, [lower], files));

        await CopyUpWhileOthersRead(overlay, lower);

        upper.StagedCount.Should().Be(0);
        overlay.File.ReadAllText("/etc/hosts").Should().Be("127.0.0.1\tlocalhost\n", "the bind mount still answers");
    }

    [Fact]
    public void AContainerOfADiskStore_OpensHandlesAndStagesItsCopyUps()
    {
        using var harness = StoreHarness.Create(StoreKind.Disk);
        using var container = harness.Store.CreateContainer(StoreHarness.BaseTag);
        var fs = container.FileSystem;

        fs.Upper!.GetCapability<IConcurrentStaging>().Should().NotBeNull("the container's upper stages as the store's upper does");
        using (var read = fs.File.OpenHandle("/etc/passwd"))
        {
            RandomAccess.GetLength(read).Should().BeGreaterThan(0);
        }

        using (var write = fs.File.OpenHandle("/etc/passwd", FileMode.Append, FileAccess.Write))
        {
            RandomAccess.Write(write, "extra:x:1:1::/:/bin/sh\n"u8, RandomAccess.GetLength(write));
        }

        fs.File.ReadAllText("/etc/passwd").Should().EndWith("extra:x:1:1::/:/bin/sh\n");
        container.Diff(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Contain("C /etc/passwd");
        var bindMount = () => fs.File.OpenHandle("/etc/hosts");
        bindMount.Should().Throw<NotSupportedException>().WithMessage("*'/etc/hosts'*bind mount*");
    }

    [Fact]
    public void ADecoratorThatForwardsItsCapabilities_StoresRedirectsForTheRedirectPolicy()
    {
        var memory = new MemoryLayer("upper");
        var lower = new MemoryLayer("image").AddFile("/a/f", "f");
        var options = new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.Redirect };
        var overlay = new OverlayFileSystem([lower], new ForwardingLayer(memory), options);

        overlay.Directory.Move("/a", "/b");

        memory.TryGetEntry("/b", out var moved).Should().BeTrue();
        moved.RedirectPath.Should().Be("a", "a rename in the same parent stores the old name, as the kernel does");
        var refused = () => new OverlayFileSystem([lower], new OpaqueLayer(memory), options);
        refused.Should().Throw<ArgumentException>().WithMessage("*redirect*");
    }

    private static async Task CopyUpWhileOthersRead(OverlayFileSystem overlay, GatedLower lower)
    {
        var append = Task.Run(() => overlay.File.AppendAllText("/data/big.db", "!"), Token);
        lower.Entered.Wait(Hang, Token).Should().BeTrue("the copy-up reads the lower file");

        // The copy is half done: a reader of another file, and a writer, get their answers now.
        var others = Task.Run(() =>
        {
            overlay.File.ReadAllText("/etc/motd").Should().Be("hello");
            overlay.File.WriteAllText("/etc/motd", "changed");
        }, Token);
        await others.WaitAsync(Hang, Token);
        append.IsCompleted.Should().BeFalse("its copy-up is still held");

        lower.Release.Set();
        await append.WaitAsync(Hang, Token);
        var data = overlay.File.ReadAllBytes("/data/big.db");
        data.Length.Should().Be(LargeLength + 1);
        data[^1].Should().Be((byte)'!');
        data.AsSpan(0, LargeLength).SequenceEqual(lower.Inner.ReadAllBytes("/data/big.db")).Should().BeTrue();
        overlay.File.ReadAllText("/etc/motd").Should().Be("changed");
    }

    private static MemoryLayer LargeImage()
    {
        var data = new byte[LargeLength];
        new Random(17).NextBytes(data);
        return new MemoryLayer("image").AddFile("/data/big.db", data).AddFile("/etc/motd", "hello");
    }

    private HostDirectoryLayer HostUpper()
    {
        Directory.CreateDirectory(Upper);
        return new HostDirectoryLayer(Upper, new HostDirectoryLayerOptions { WorkDirectory = Work });
    }

    /// <summary>A user's decorator: every call forwarded, and every capability too, as it changes none.</summary>
    private class ForwardingLayer(IWritableLayer inner) : IWritableLayer
    {
        public string Name => "forwarding " + inner.Name;

        public TCapability? GetCapability<TCapability>()
            where TCapability : class => inner.GetCapability<TCapability>();

        public bool TryGetEntry(string path, out LayerEntry entry) => inner.TryGetEntry(path, out entry);

        public IReadOnlyList<LayerEntry> ListDirectory(string path) => inner.ListDirectory(path);

        public Stream OpenRead(string path) => inner.OpenRead(path);

        public void CreateDirectory(string path, UnixFileMode mode) => inner.CreateDirectory(path, mode);

        public void CreateFile(string path, UnixFileMode mode) => inner.CreateFile(path, mode);

        public void CreateSymbolicLink(string path, string target) => inner.CreateSymbolicLink(path, target);

        public Stream OpenFile(string path, FileAccess access) => inner.OpenFile(path, access);

        public void Delete(string path) => inner.Delete(path);

        public void Rename(string sourcePath, string destinationPath) => inner.Rename(sourcePath, destinationPath);

        public void SetUnixFileMode(string path, UnixFileMode mode) => inner.SetUnixFileMode(path, mode);

        public void SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc) => inner.SetTimes(path, lastAccessTimeUtc, lastWriteTimeUtc);

        public void SetOpaque(string path, bool opaque) => inner.SetOpaque(path, opaque);

        public string StageFile(Stream? content, LayerMetadata metadata) => inner.StageFile(content, metadata);

        public string StageDirectory(LayerMetadata metadata, bool opaque) => inner.StageDirectory(metadata, opaque);

        public string StageSymbolicLink(string target, LayerMetadata metadata) => inner.StageSymbolicLink(target, metadata);

        public string StageWhiteout() => inner.StageWhiteout();

        public void Publish(string token, string path, bool keepParentTimes) => inner.Publish(token, path, keepParentTimes);

        public void Discard(string token) => inner.Discard(token);
    }

    /// <summary>The same decorator without its capabilities: the interface's default answers null to every one.</summary>
    private sealed class OpaqueLayer(IWritableLayer inner) : IWritableLayer
    {
        private readonly ForwardingLayer _calls = new(inner);

        public string Name => _calls.Name;

        public bool TryGetEntry(string path, out LayerEntry entry) => _calls.TryGetEntry(path, out entry);

        public IReadOnlyList<LayerEntry> ListDirectory(string path) => _calls.ListDirectory(path);

        public Stream OpenRead(string path) => _calls.OpenRead(path);

        public void CreateDirectory(string path, UnixFileMode mode) => _calls.CreateDirectory(path, mode);

        public void CreateFile(string path, UnixFileMode mode) => _calls.CreateFile(path, mode);

        public void CreateSymbolicLink(string path, string target) => _calls.CreateSymbolicLink(path, target);

        public Stream OpenFile(string path, FileAccess access) => _calls.OpenFile(path, access);

        public void Delete(string path) => _calls.Delete(path);

        public void Rename(string sourcePath, string destinationPath) => _calls.Rename(sourcePath, destinationPath);

        public void SetUnixFileMode(string path, UnixFileMode mode) => _calls.SetUnixFileMode(path, mode);

        public void SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc) => _calls.SetTimes(path, lastAccessTimeUtc, lastWriteTimeUtc);

        public void SetOpaque(string path, bool opaque) => _calls.SetOpaque(path, opaque);

        public string StageFile(Stream? content, LayerMetadata metadata) => _calls.StageFile(content, metadata);

        public string StageDirectory(LayerMetadata metadata, bool opaque) => _calls.StageDirectory(metadata, opaque);

        public string StageSymbolicLink(string target, LayerMetadata metadata) => _calls.StageSymbolicLink(target, metadata);

        public string StageWhiteout() => _calls.StageWhiteout();

        public void Publish(string token, string path, bool keepParentTimes) => _calls.Publish(token, path, keepParentTimes);

        public void Discard(string token) => _calls.Discard(token);
    }
}
