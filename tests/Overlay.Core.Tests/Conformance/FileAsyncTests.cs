using System.Runtime.Versioning;
using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>The asynchronous File members (Read*/Write*/Append*Async, ReadLinesAsync, ReadOnlyMemory overloads), on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class FileAsyncTests(ConformanceTarget target) : ConformanceTests(target)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAllTextAsync_ReturnsTheText() =>
        (await Fs.File.ReadAllTextAsync(P("/d/a.txt"), Token)).Should().Be("alpha");

    [Fact]
    public async Task ReadAllTextAsync_WithAnEncoding_ReturnsTheText() =>
        (await Fs.File.ReadAllTextAsync(P("/d/a.txt"), Encoding.ASCII, Token)).Should().Be("alpha");

    [Fact]
    public async Task ReadAllTextAsync_OfAMissingFile_ThrowsFileNotFound() =>
        (await OfAsync(() => Fs.File.ReadAllTextAsync(P("/nope"), Token))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public async Task ReadAllTextAsync_OfADirectory_ThrowsUnauthorizedAccess() =>
        (await OfAsync(() => Fs.File.ReadAllTextAsync(P("/d"), Token))).Should().Be(Outcome.AccessDenied);

    [Fact]
    public async Task ReadAllTextAsync_WhenCancelled_ThrowsTaskCanceled() =>
        (await OfAsync(() => Fs.File.ReadAllTextAsync(P("/d/a.txt"), new CancellationToken(canceled: true)))).Should().Be("EX TaskCanceledException hr=0x8013153B");

    [Fact]
    public async Task ReadAllBytesAsync_ReturnsTheBytes() =>
        (await Fs.File.ReadAllBytesAsync(P("/d/b.bin"), Token)).Should().Equal(ConformanceSeed.Binary);

    [Fact]
    public async Task ReadAllBytesAsync_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        (await OfAsync(() => Fs.File.ReadAllBytesAsync(P("/nope/x"), Token))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public async Task ReadAllLinesAsync_ReturnsTheLines() =>
        (await Fs.File.ReadAllLinesAsync(P("/lines.txt"), Token)).Should().Equal("one", "two", "three");

    [Fact]
    public async Task ReadAllLinesAsync_WithAnEncoding_ReturnsTheLines() =>
        (await Fs.File.ReadAllLinesAsync(P("/lines.txt"), Encoding.UTF8, Token)).Should().Equal("one", "two", "three");

    [Fact]
    public async Task ReadLinesAsync_EnumeratesTheLines()
    {
        var lines = new List<string>();
        await foreach (string line in Fs.File.ReadLinesAsync(P("/lines.txt"), Token))
        {
            lines.Add(line);
        }

        lines.Should().Equal("one", "two", "three");
    }

    [Fact]
    public async Task ReadLinesAsync_WithAnEncoding_EnumeratesTheLines()
    {
        var lines = new List<string>();
        await foreach (string line in Fs.File.ReadLinesAsync(P("/d/sub/c.txt"), Encoding.ASCII, Token))
        {
            lines.Add(line);
        }

        lines.Should().Equal("gamma");
    }

    [Fact]
    public async Task ReadLinesAsync_OfAMissingFile_ThrowsFileNotFound() =>
        (await OfAsync(async () =>
        {
            await foreach (string unused in Fs.File.ReadLinesAsync(P("/nope"), Token))
            {
            }
        })).Should().Be(Outcome.FileNotFound);

    [Fact]
    public async Task WriteAllTextAsync_ReplacesTheText()
    {
        await Fs.File.WriteAllTextAsync(P("/d/a.txt"), "async", Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("async");
    }

    [Fact]
    public async Task WriteAllTextAsync_WithAnEncoding_Encodes()
    {
        await Fs.File.WriteAllTextAsync(P("/d/a.txt"), "é", Encoding.Latin1, Token);
        Fs.File.ReadAllBytes(P("/d/a.txt")).Should().Equal(0xE9);
    }

    [Fact]
    public async Task WriteAllTextAsync_OfMemory_Writes()
    {
        await Fs.File.WriteAllTextAsync(P("/d/a.txt"), "memory".AsMemory(0, 3), Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("mem");
    }

    [Fact]
    public async Task WriteAllTextAsync_OfMemoryWithAnEncoding_Writes()
    {
        await Fs.File.WriteAllTextAsync(P("/d/a.txt"), "ab".AsMemory(), Encoding.Unicode, Token);
        Fs.File.ReadAllBytes(P("/d/a.txt")).Should().Equal(0xFF, 0xFE, (byte)'a', 0, (byte)'b', 0);
    }

    [Fact]
    public async Task WriteAllTextAsync_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        (await OfAsync(() => Fs.File.WriteAllTextAsync(P("/nope/x"), "x", Token))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public async Task WriteAllBytesAsync_Writes()
    {
        await Fs.File.WriteAllBytesAsync(P("/d/b.bin"), new byte[] { 5, 6 }, Token);
        Fs.File.ReadAllBytes(P("/d/b.bin")).Should().Equal(5, 6);
    }

    [Fact]
    public async Task WriteAllBytesAsync_OfMemory_Writes()
    {
        await Fs.File.WriteAllBytesAsync(P("/d/b.bin"), new ReadOnlyMemory<byte>([7, 8, 9]), Token);
        Fs.File.ReadAllBytes(P("/d/b.bin")).Should().Equal(7, 8, 9);
    }

    [Fact]
    public async Task WriteAllLinesAsync_Writes()
    {
        await Fs.File.WriteAllLinesAsync(P("/f.txt"), ["x", "y"], Token);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("x\ny\n");
    }

    [Fact]
    public async Task WriteAllLinesAsync_WithAnEncoding_Writes()
    {
        await Fs.File.WriteAllLinesAsync(P("/f.txt"), ["x"], Encoding.ASCII, Token);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("x\n");
    }

    [Fact]
    public async Task AppendAllTextAsync_Appends()
    {
        await Fs.File.AppendAllTextAsync(P("/d/a.txt"), "+", Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha+");
    }

    [Fact]
    public async Task AppendAllTextAsync_WithAnEncoding_Appends()
    {
        await Fs.File.AppendAllTextAsync(P("/d/a.txt"), "+", Encoding.ASCII, Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha+");
    }

    [Fact]
    public async Task AppendAllTextAsync_OfMemory_Appends()
    {
        await Fs.File.AppendAllTextAsync(P("/d/a.txt"), "-=".AsMemory(0, 1), Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha-");
    }

    [Fact]
    public async Task AppendAllTextAsync_OfMemoryWithAnEncoding_Appends()
    {
        await Fs.File.AppendAllTextAsync(P("/d/a.txt"), "=".AsMemory(), Encoding.ASCII, Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha=");
    }

    [Fact]
    public async Task AppendAllBytesAsync_Appends()
    {
        await Fs.File.AppendAllBytesAsync(P("/d/a.txt"), new byte[] { (byte)'#' }, Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha#");
    }

    [Fact]
    public async Task AppendAllBytesAsync_OfMemory_Appends()
    {
        await Fs.File.AppendAllBytesAsync(P("/d/a.txt"), new ReadOnlyMemory<byte>([(byte)'%']), Token);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha%");
    }

    [Fact]
    public async Task AppendAllLinesAsync_Appends()
    {
        await Fs.File.AppendAllLinesAsync(P("/lines.txt"), ["four"], Token);
        Fs.File.ReadAllLines(P("/lines.txt")).Should().HaveCount(4);
    }

    [Fact]
    public async Task AppendAllLinesAsync_WithAnEncoding_Appends()
    {
        await Fs.File.AppendAllLinesAsync(P("/empty/new"), ["only"], Encoding.ASCII, Token);
        Fs.File.ReadAllText(P("/empty/new")).Should().Be("only\n");
    }

    [Fact]
    public async Task AppendAllBytesAsync_ToADirectory_ThrowsUnauthorizedAccess() =>
        (await OfAsync(() => Fs.File.AppendAllBytesAsync(P("/d"), new byte[] { 1 }, Token))).Should().Be(Outcome.AccessDenied);

    private static async Task<string> OfAsync(Func<Task> action)
    {
        try
        {
            await action();
            return "ok";
        }
#pragma warning disable CA1031 // The outcome of any exception is what is being recorded.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Outcome.Exception(e.GetType().Name, e.HResult);
        }
    }
}
