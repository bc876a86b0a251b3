using System.Runtime.Versioning;
using System.Text;
using Overlay.Layers;

namespace Overlay.Tests.MergedView.Handles;

/// <summary>
/// SafeFileHandle members: real host handles on host-directory layers (a write opens the upper copy
/// after copy-up, a read of a lower file opens the lower read-only), NotSupportedException on
/// in-memory layers, and System.IO's own behaviour for every member that takes a handle.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class SafeFileHandleTests : IDisposable
{
    private readonly HostOverlay _host = new();

    [Fact]
    public void OpenHandle_ForReadingALowerFile_ReadsTheLowerAndCopiesNothingUp()
    {
        var before = _host.LowerFile();
        using (var handle = _host.Overlay.File.OpenHandle("/lower.txt"))
        {
            var buffer = new byte[16];
            int read = _host.Overlay.RandomAccess.Read(handle, buffer, 0);
            Encoding.UTF8.GetString(buffer, 0, read).Should().Be("lower");
            _host.Overlay.RandomAccess.GetLength(handle).Should().Be(5);
        }

        File.Exists(Path.Combine(_host.UpperRoot, "lower.txt")).Should().BeFalse();
        _host.LowerFile().Should().Be(before);
    }

    [Fact]
    public void OpenHandle_ForReadingALowerFile_CannotWrite()
    {
        var before = _host.LowerFile();
        using (var handle = _host.Overlay.File.OpenHandle("/lower.txt"))
        {
            var write = () => _host.Overlay.RandomAccess.Write(handle, "XX"u8, 0);
            write.Should().Throw<UnauthorizedAccessException>();
        }

        _host.LowerFile().Should().Be(before);
    }

    [Fact]
    public void OpenHandle_ForWritingALowerFile_CopiesUpAndWritesTheUpperCopy()
    {
        var before = _host.LowerFile();
        using (var handle = _host.Overlay.File.OpenHandle("/lower.txt", FileMode.Open, FileAccess.ReadWrite))
        {
            _host.Overlay.RandomAccess.Write(handle, "LOW"u8, 0);
        }

        File.ReadAllText(Path.Combine(_host.UpperRoot, "lower.txt")).Should().Be("LOWer");
        _host.Overlay.File.ReadAllText("/lower.txt").Should().Be("LOWer");
        _host.LowerFile().Should().Be(before);
    }

    [Fact]
    public void OpenHandle_WithCreate_CreatesTheFileInTheUpper()
    {
        using (var handle = _host.Overlay.File.OpenHandle("/dir/new.txt", FileMode.CreateNew, FileAccess.Write))
        {
            _host.Overlay.RandomAccess.Write(handle, "new"u8, 0);
        }

        File.ReadAllText(Path.Combine(_host.UpperRoot, "dir", "new.txt")).Should().Be("new");
        _host.Overlay.File.ReadAllText("/dir/new.txt").Should().Be("new");
        Directory.GetFiles(Path.Combine(_host.LowerRoot, "dir")).Should().BeEmpty();
    }

    [Fact]
    public void OpenHandle_WithTruncate_EmptiesTheUpperCopyOnly()
    {
        using (_host.Overlay.File.OpenHandle("/lower.txt", FileMode.Truncate, FileAccess.Write))
        {
        }

        _host.Overlay.File.ReadAllText("/lower.txt").Should().BeEmpty();
        _host.LowerFile().Text.Should().Be("lower");
    }

    [Fact]
    public void OpenHandle_OfAMissingFile_ThrowsFileNotFound()
    {
        var open = () => _host.Overlay.File.OpenHandle("/missing.txt");
        open.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be("/missing.txt");
    }

    [Fact]
    public void OpenHandle_OfADirectory_ThrowsUnauthorizedAccess()
    {
        var open = () => _host.Overlay.File.OpenHandle("/dir");
        open.Should().Throw<UnauthorizedAccessException>();
    }

    [Fact]
    public void OpenHandle_WhileAStreamHoldsFileShareNone_ThrowsIOException()
    {
        using var stream = _host.Overlay.File.Open("/lower.txt", FileMode.Open, FileAccess.Read, FileShare.None);
        var open = () => _host.Overlay.File.OpenHandle("/lower.txt");
        open.Should().Throw<IOException>().Which.Should().NotBeOfType<FileNotFoundException>();
    }

    [Fact]
    public void OpenHandle_ThroughALinkPointingOutOfTheLayer_StaysInsideTheMergedView()
    {
        // The link's target is resolved in the merged view, never on the host: the host file is not reached.
        string outside = Path.Combine(_host.Root, "outside.txt");
        File.WriteAllText(outside, "secret");
        File.CreateSymbolicLink(Path.Combine(_host.LowerRoot, "escape"), outside);
        _host.Overlay.InvalidateIndex();

        var open = () => _host.Overlay.File.OpenHandle("/escape");
        open.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void SetUnixFileMode_OnAReadHandleOfALowerFile_CopiesUpAndLeavesTheLowerAlone()
    {
        var before = _host.LowerFile();
        using (var handle = _host.Overlay.File.OpenHandle("/lower.txt"))
        {
            _host.Overlay.File.SetUnixFileMode(handle, (UnixFileMode)0b111_000_000);
            _host.Overlay.File.GetUnixFileMode(handle).Should().Be((UnixFileMode)0b111_000_000);
        }

        File.GetUnixFileMode(Path.Combine(_host.UpperRoot, "lower.txt")).Should().Be((UnixFileMode)0b111_000_000);
        _host.LowerFile().Should().Be(before);
    }

    [Fact]
    public void SetLastWriteTimeUtc_OnAReadHandleOfALowerFile_StampsTheUpperCopy()
    {
        var before = _host.LowerFile();
        var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        using (var handle = _host.Overlay.File.OpenHandle("/lower.txt"))
        {
            _host.Overlay.File.SetLastWriteTimeUtc(handle, stamp);
            _host.Overlay.File.GetLastWriteTimeUtc(handle).Should().Be(stamp);
        }

        _host.Overlay.File.GetLastWriteTimeUtc("/lower.txt").Should().Be(stamp);
        _host.LowerFile().Should().Be(before);
    }

    [Fact]
    public void HandleMembers_OnAHandleOfAnUpperFile_AreSystemIOsOnTheHostFile()
    {
        _host.Overlay.File.WriteAllText("/up.txt", "up");
        string host = Path.Combine(_host.UpperRoot, "up.txt");
        var stamp = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        using (var handle = _host.Overlay.File.OpenHandle("/up.txt", FileMode.Open, FileAccess.ReadWrite))
        {
            _host.Overlay.RandomAccess.SetLength(handle, 1);
            _host.Overlay.RandomAccess.FlushToDisk(handle);
            _host.Overlay.File.SetUnixFileMode(handle, (UnixFileMode)0b110_000_000);
            _host.Overlay.File.SetLastWriteTimeUtc(handle, stamp);
            _host.Overlay.File.GetAttributes(handle).Should().Be(File.GetAttributes(handle));
        }

        File.GetUnixFileMode(host).Should().Be((UnixFileMode)0b110_000_000);
        File.GetLastWriteTimeUtc(host).Should().Be(stamp);
        File.ReadAllText(host).Should().Be("u");
    }

    [Fact]
    public async Task FileStreamFromHandle_ReadsAndWritesTheHostFile()
    {
        using (var handle = _host.Overlay.File.OpenHandle("/lower.txt", FileMode.Open, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous))
        {
            handle.IsAsync.Should().BeTrue();
            await using var stream = _host.Overlay.FileStream.New(handle, FileAccess.ReadWrite, 4096, isAsync: true);
            stream.IsAsync.Should().BeTrue();
            stream.Seek(0, SeekOrigin.End);
            await stream.WriteAsync("!"u8.ToArray(), TestContext.Current.CancellationToken);
        }

        _host.Overlay.File.ReadAllText("/lower.txt").Should().Be("lower!");
        _host.LowerFile().Text.Should().Be("lower");
    }

    [Fact]
    public async Task RandomAccess_Async_ReadsAndWritesAndHonoursCancellation()
    {
        using var handle = _host.Overlay.File.OpenHandle("/lower.txt", FileMode.Open, FileAccess.ReadWrite);
        await _host.Overlay.RandomAccess.WriteAsync(handle, "L"u8.ToArray(), 0, TestContext.Current.CancellationToken);
        var buffer = new byte[5];
        (await _host.Overlay.RandomAccess.ReadAsync(handle, buffer, 0, TestContext.Current.CancellationToken)).Should().Be(5);
        Encoding.UTF8.GetString(buffer).Should().Be("Lower");

        var cancelled = async () => await _host.Overlay.RandomAccess.ReadAsync(handle, buffer, 0, new CancellationToken(canceled: true));
        await cancelled.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void InMemoryLayers_OpenHandle_ThrowsNotSupportedSayingWhy()
    {
        var lower = new MemoryLayer("lower");
        lower.AddFile("/f", string.Empty);
        var overlay = new OverlayFileSystem(new MemoryLayer("upper"), lower);

        var read = () => overlay.File.OpenHandle("/f");
        read.Should().Throw<NotSupportedException>().WithMessage("*host disk*");
        var create = () => overlay.File.OpenHandle("/g", FileMode.Create, FileAccess.Write);
        create.Should().Throw<NotSupportedException>().WithMessage("*host disk*");
        overlay.File.Exists("/g").Should().BeFalse("a refused open creates nothing");
    }

    [Fact]
    public void InMemoryOverlay_HandleTakingMembers_WorkOnAnyRealHandle()
    {
        var overlay = new OverlayFileSystem(new MemoryLayer("upper"), new MemoryLayer("lower"));
        string real = Path.Combine(_host.Root, "real.bin");
        File.WriteAllBytes(real, [1, 2, 3]);
        using var handle = File.OpenHandle(real, FileMode.Open, FileAccess.ReadWrite);

        overlay.RandomAccess.GetLength(handle).Should().Be(3);
        overlay.File.GetUnixFileMode(handle).Should().Be(File.GetUnixFileMode(real));
        using var stream = overlay.FileStream.New(handle, FileAccess.Read);
        stream.ReadByte().Should().Be(1);
    }

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}
