using System.Runtime.Versioning;
using System.IO.Abstractions;
using System.Text;
using Overlay.MergedView;
using Overlay.Union;

namespace Overlay.Tests.MergedView.Handles;

/// <summary>
/// Asynchronous I/O on host-directory layers: streams opened asynchronously and the File.*Async
/// members reach the host file's own FileStream (real asynchronous I/O), honour cancellation, and
/// give what the disk gives.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class AsyncHostIoTests : IDisposable
{
    private readonly HostOverlay _host = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>The stream the overlay's stream finally reads or writes: past its own wrappers.</summary>
    private static Stream Innermost(FileSystemStream stream)
    {
        Stream inner = ((OverlayFileStream)stream).Inner;
        while (inner is LowerReadStream lower)
        {
            inner = lower.Current;
        }

        return inner;
    }

    [Theory]
    [InlineData("/lower.txt", FileAccess.Read)]
    [InlineData("/lower.txt", FileAccess.ReadWrite)]
    [InlineData("/new.txt", FileAccess.Write)]
    public void AsynchronousStream_OnAHostLayer_IsTheHostFilesFileStream(string path, FileAccess access)
    {
        using var stream = _host.Overlay.FileStream.New(path, FileMode.OpenOrCreate, access, FileShare.Read, 4096, useAsync: true);
        stream.IsAsync.Should().BeTrue();
        Innermost(stream).Should().BeOfType<FileStream>();
    }

    [Fact]
    public async Task ReadAsync_OfALowerFile_ReadsTheLowerAndHonoursCancellation()
    {
        await using var stream = _host.Overlay.FileStream.New("/lower.txt", FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        var buffer = new byte[16];
        int read = await stream.ReadAsync(buffer.AsMemory(), _ct);
        Encoding.UTF8.GetString(buffer, 0, read).Should().Be("lower");

        var cancelled = async () => await stream.ReadAsync(buffer.AsMemory(), new CancellationToken(canceled: true));
        await cancelled.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task FileAsyncMembers_GiveWhatTheDiskGives()
    {
        string disk = Path.Combine(_host.Root, "disk");
        Directory.CreateDirectory(disk);
        var file = _host.Overlay.File;
        string[] lines = ["one", "two", "three"];

        await file.WriteAllTextAsync("/t.txt", "text", _ct);
        await File.WriteAllTextAsync(Path.Combine(disk, "t.txt"), "text", _ct);
        await file.AppendAllTextAsync("/t.txt", "more".AsMemory(), _ct);
        await File.AppendAllTextAsync(Path.Combine(disk, "t.txt"), "more".AsMemory(), _ct);
        await file.WriteAllBytesAsync("/b.bin", new byte[] { 1, 2 }.AsMemory(), _ct);
        await File.WriteAllBytesAsync(Path.Combine(disk, "b.bin"), new byte[] { 1, 2 }.AsMemory(), _ct);
        await file.AppendAllBytesAsync("/b.bin", new byte[] { 3 }, _ct);
        await File.AppendAllBytesAsync(Path.Combine(disk, "b.bin"), new byte[] { 3 }, _ct);
        await file.WriteAllLinesAsync("/l.txt", lines, Encoding.UTF8, _ct);
        await File.WriteAllLinesAsync(Path.Combine(disk, "l.txt"), lines, Encoding.UTF8, _ct);
        await file.AppendAllLinesAsync("/l.txt", lines, _ct);
        await File.AppendAllLinesAsync(Path.Combine(disk, "l.txt"), lines, _ct);

        (await file.ReadAllTextAsync("/t.txt", _ct)).Should().Be(await File.ReadAllTextAsync(Path.Combine(disk, "t.txt"), _ct));
        (await file.ReadAllBytesAsync("/b.bin", _ct)).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(disk, "b.bin"), _ct));
        (await file.ReadAllBytesAsync("/l.txt", _ct)).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(disk, "l.txt"), _ct));
        (await file.ReadAllLinesAsync("/l.txt", _ct)).Should().Equal(await File.ReadAllLinesAsync(Path.Combine(disk, "l.txt"), _ct));
        (await file.ReadAllTextAsync("/lower.txt", Encoding.UTF8, _ct)).Should().Be("lower");
        File.ReadAllText(Path.Combine(_host.UpperRoot, "t.txt")).Should().Be("textmore");
    }

    [Fact]
    public async Task ReadLinesAsync_CancelledAfterTheFirstLine_StopsWithOperationCanceled()
    {
        await _host.Overlay.File.WriteAllLinesAsync("/lines.txt", Enumerable.Range(0, 1000).Select(i => "line " + i), _ct);
        using var cancellation = new CancellationTokenSource();
        var seen = new List<string>();

        var enumerate = async () =>
        {
            await foreach (var line in _host.Overlay.File.ReadLinesAsync("/lines.txt", cancellation.Token))
            {
                seen.Add(line);
                await cancellation.CancelAsync();
            }
        };

        await enumerate.Should().ThrowAsync<OperationCanceledException>();
        seen.Should().HaveCountLessThan(1000).And.StartWith("line 0");
    }

    [Fact]
    public async Task WriteAsync_WithACancelledToken_WritesNothing()
    {
        var write = () => _host.Overlay.File.WriteAllTextAsync("/never.txt", "x", new CancellationToken(canceled: true));
        await write.Should().ThrowAsync<OperationCanceledException>();
        _host.Overlay.File.Exists("/never.txt").Should().BeFalse();
        var append = () => _host.Overlay.File.AppendAllTextAsync("/lower.txt", "x", new CancellationToken(canceled: true));
        await append.Should().ThrowAsync<OperationCanceledException>();
        File.Exists(Path.Combine(_host.UpperRoot, "lower.txt")).Should().BeFalse("a cancelled append copies nothing up");
    }

    [Fact]
    public async Task ReadAllTextAsync_OfAMissingFile_ThrowsFileNotFound()
    {
        var read = () => _host.Overlay.File.ReadAllTextAsync("/missing.txt");
        await read.Should().ThrowAsync<FileNotFoundException>();
    }

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}
