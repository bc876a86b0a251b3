using System.Runtime.Versioning;
using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>
/// IFileStreamFactory: every path overload, FileStreamOptions, the FileMode × FileAccess matrix on
/// an existing file, a missing one and a directory, Seek/SetLength/Position, FileShare, on every
/// target. The outcome of each open is recorded with what the stream can do and what the file
/// holds after it is closed.
/// </summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class FileStreamTests(ConformanceTarget target) : ConformanceTests(target)
{
    private const string ArgumentInvalid = "EX ArgumentException hr=0x80070057";
    private const string ArgumentOutOfRange = "EX ArgumentOutOfRangeException hr=0x80131502";

    public static TheoryData<FileMode, FileAccess, string, string> ModeAccessMatrix()
    {
        // The outcome on an existing file ("hello world") and on a missing one, as System.IO gives them on Linux.
        var data = new TheoryData<FileMode, FileAccess, string, string>
        {
            { FileMode.CreateNew, FileAccess.Read, ArgumentInvalid, ArgumentInvalid },
            { FileMode.CreateNew, FileAccess.Write, Outcome.Io(17), "ok RW=-W pos=0 len=0 -> ''" },
            { FileMode.CreateNew, FileAccess.ReadWrite, Outcome.Io(17), "ok RW=RW pos=0 len=0 -> ''" },
            { FileMode.Create, FileAccess.Read, ArgumentInvalid, ArgumentInvalid },
            { FileMode.Create, FileAccess.Write, "ok RW=-W pos=0 len=0 -> ''", "ok RW=-W pos=0 len=0 -> ''" },
            { FileMode.Create, FileAccess.ReadWrite, "ok RW=RW pos=0 len=0 -> ''", "ok RW=RW pos=0 len=0 -> ''" },
            { FileMode.Open, FileAccess.Read, "ok RW=R- pos=0 len=11 -> 'hello world'", Outcome.FileNotFound },
            { FileMode.Open, FileAccess.Write, "ok RW=-W pos=0 len=11 -> 'hello world'", Outcome.FileNotFound },
            { FileMode.Open, FileAccess.ReadWrite, "ok RW=RW pos=0 len=11 -> 'hello world'", Outcome.FileNotFound },
            { FileMode.OpenOrCreate, FileAccess.Read, "ok RW=R- pos=0 len=11 -> 'hello world'", "ok RW=R- pos=0 len=0 -> ''" },
            { FileMode.OpenOrCreate, FileAccess.Write, "ok RW=-W pos=0 len=11 -> 'hello world'", "ok RW=-W pos=0 len=0 -> ''" },
            { FileMode.OpenOrCreate, FileAccess.ReadWrite, "ok RW=RW pos=0 len=11 -> 'hello world'", "ok RW=RW pos=0 len=0 -> ''" },
            { FileMode.Truncate, FileAccess.Read, ArgumentInvalid, ArgumentInvalid },
            { FileMode.Truncate, FileAccess.Write, "ok RW=-W pos=0 len=0 -> ''", Outcome.FileNotFound },
            { FileMode.Truncate, FileAccess.ReadWrite, "ok RW=RW pos=0 len=0 -> ''", Outcome.FileNotFound },
            { FileMode.Append, FileAccess.Read, ArgumentInvalid, ArgumentInvalid },
            { FileMode.Append, FileAccess.Write, "ok RW=-W pos=11 len=11 -> 'hello world'", "ok RW=-W pos=0 len=0 -> ''" },
            { FileMode.Append, FileAccess.ReadWrite, ArgumentInvalid, ArgumentInvalid },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(ModeAccessMatrix))]
    public void Open_OfAnExistingFile_AsSystemIO(FileMode mode, FileAccess access, string existing, string missing)
    {
        _ = missing;
        Open("/f.txt", mode, access).Should().Be(existing);
    }

    [Theory]
    [MemberData(nameof(ModeAccessMatrix))]
    public void Open_OfAMissingFile_AsSystemIO(FileMode mode, FileAccess access, string existing, string missing)
    {
        _ = existing;
        Open("/empty/new", mode, access).Should().Be(missing);
        Fs.File.Exists(P("/empty/new")).Should().Be(missing.StartsWith("ok", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FileMode.Open, FileAccess.Read)]
    [InlineData(FileMode.Open, FileAccess.Write)]
    [InlineData(FileMode.OpenOrCreate, FileAccess.ReadWrite)]
    [InlineData(FileMode.Create, FileAccess.Write)]
    [InlineData(FileMode.Append, FileAccess.Write)]
    public void Open_OfADirectory_ThrowsUnauthorizedAccess(FileMode mode, FileAccess access) =>
        Open("/d", mode, access).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void Open_CreateNewOverADirectory_ThrowsEExist() =>
        Open("/d", FileMode.CreateNew, FileAccess.Write).Should().Be(Outcome.Io(17));

    [Fact]
    public void Open_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        Open("/nope/x", FileMode.OpenOrCreate, FileAccess.ReadWrite).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void New_WithModeOnly_OpensReadWrite()
    {
        using var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Open);
        stream.CanRead.Should().BeTrue();
        stream.CanWrite.Should().BeTrue();
    }

    [Fact]
    public void New_WithAppendModeOnly_OpensWriteOnly()
    {
        using var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Append);
        stream.CanRead.Should().BeFalse();
        stream.Position.Should().Be(11);
    }

    [Fact]
    public void New_WithBufferSizeAndAsync_Opens()
    {
        using (var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true))
        {
            stream.IsAsync.Should().BeTrue();
            stream.ReadByte().Should().Be('h');
        }

        using (var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Open, FileAccess.Read, FileShare.Read, 0))
        {
            stream.IsAsync.Should().BeFalse();
        }
    }

    [Fact]
    public void New_WithANegativeBufferSize_ThrowsArgumentOutOfRange() =>
        Of(() => Fs.FileStream.New(P("/f.txt"), FileMode.Open, FileAccess.Read, FileShare.Read, -1).Dispose()).Should().Be(ArgumentOutOfRange);

    [Fact]
    public void New_WithAnInvalidMode_ThrowsArgumentOutOfRange() =>
        Of(() => Fs.FileStream.New(P("/f.txt"), (FileMode)42).Dispose()).Should().Be(ArgumentOutOfRange);

    [Fact]
    public void New_WithAnInvalidShare_ThrowsArgumentOutOfRange() =>
        Of(() => Fs.FileStream.New(P("/f.txt"), FileMode.Open, FileAccess.Read, (FileShare)64).Dispose()).Should().Be(ArgumentOutOfRange);

    [Fact]
    public void New_WithFileStreamOptions_Opens()
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.WriteThrough };
        using (var stream = Fs.FileStream.New(P("/f.txt"), options))
        {
            stream.Write("!"u8);
        }

        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello world!");
    }

    [Fact]
    public void New_WithFileStreamOptionsUnixCreateMode_CreatesWithIt()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute };
        Fs.FileStream.New(P("/empty/x"), options).Dispose();
        Fs.File.GetUnixFileMode(P("/empty/x")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void New_WithUnixCreateModeOnAReadOnlyOpen_ThrowsArgument()
    {
        var options = new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, UnixCreateMode = UnixFileMode.UserRead };
        Of(() => Fs.FileStream.New(P("/f.txt"), options).Dispose()).Should().Be(ArgumentInvalid);
    }

    [Fact]
    public void New_WithFileStreamOptionsPreallocation_KeepsTheLengthZero()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = 4096 };
        using (var stream = Fs.FileStream.New(P("/empty/pre"), options))
        {
            stream.Length.Should().Be(0);
        }

        Fs.FileInfo.New(P("/empty/pre")).Length.Should().Be(0);
    }

    [Fact]
    public void New_WithNullOptions_ThrowsArgumentNull() =>
        Of(() => Fs.FileStream.New(P("/f.txt"), (FileStreamOptions)null!).Dispose()).Should().Be("EX ArgumentNullException hr=0x80004003");

    [Fact]
    public void New_OfAnEmptyPath_ThrowsArgument() =>
        Of(() => Fs.FileStream.New(string.Empty, FileMode.Open).Dispose()).Should().Be(ArgumentInvalid);

    [Fact]
    public void Seek_FromEveryOrigin_MovesThePosition()
    {
        using var stream = Fs.FileStream.New(P("/d/b.bin"), FileMode.Open, FileAccess.Read);
        stream.Seek(10, SeekOrigin.Begin).Should().Be(10);
        stream.Seek(5, SeekOrigin.Current).Should().Be(15);
        stream.Seek(-1, SeekOrigin.End).Should().Be(255);
        stream.ReadByte().Should().Be(255);
        stream.ReadByte().Should().Be(-1);
    }

    [Fact]
    public void Seek_BeforeTheStart_ThrowsIOExceptionEInval()
    {
        using var stream = Fs.FileStream.New(P("/d/b.bin"), FileMode.Open, FileAccess.Read);
        Of(() => stream.Seek(-1, SeekOrigin.Begin)).Should().Be(Outcome.Io(22));
    }

    [Fact]
    public void Position_PastTheEnd_ThenWrite_FillsWithZeros()
    {
        using (var stream = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 7;
            stream.WriteByte((byte)'!');
            stream.Length.Should().Be(8);
        }

        Fs.File.ReadAllBytes(P("/d/a.txt")).Should().Equal((byte)'a', (byte)'l', (byte)'p', (byte)'h', (byte)'a', 0, 0, (byte)'!');
    }

    [Fact]
    public void Position_Negative_ThrowsArgumentOutOfRange()
    {
        using var stream = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Read);
        Of(() => stream.Position = -1).Should().Be(ArgumentOutOfRange);
    }

    [Fact]
    public void SetLength_Shrinks_AndKeepsThePositionAtTheEnd()
    {
        using (var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Seek(0, SeekOrigin.End);
            stream.SetLength(5);
            stream.Position.Should().Be(5);
            stream.Length.Should().Be(5);
        }

        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello");
    }

    [Fact]
    public void SetLength_Grows_WithZeros()
    {
        using (var stream = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(7);
        }

        Fs.File.ReadAllBytes(P("/d/a.txt")).Should().Equal((byte)'a', (byte)'l', (byte)'p', (byte)'h', (byte)'a', 0, 0);
    }

    [Fact]
    public void SetLength_OnAReadOnlyStream_ThrowsNotSupported()
    {
        using var stream = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Read);
        Of(() => stream.SetLength(1)).Should().Be("EX NotSupportedException hr=0x80131515");
    }

    [Fact]
    public void Read_OnAWriteOnlyStream_ThrowsNotSupported()
    {
        using var stream = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Write);
        Of(() => stream.ReadByte()).Should().Be("EX NotSupportedException hr=0x80131515");
    }

    [Fact]
    public void Write_InTheMiddle_Overwrites()
    {
        using (var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 6;
            stream.Write(Encoding.ASCII.GetBytes("WORLD"));
        }

        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello WORLD");
    }

    [Fact]
    public void AppendStream_SeekBeforeTheAppendPoint_ThrowsIOException()
    {
        using var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Append, FileAccess.Write);
        Of(() => stream.Seek(0, SeekOrigin.Begin)).Should().Be("EX IOException hr=0x80131620");
    }

    [Fact]
    public void AppendStream_SetLengthBeforeTheAppendPoint_ThrowsIOException()
    {
        using var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Append, FileAccess.Write);
        Of(() => stream.SetLength(3)).Should().Be(Outcome.PlainIo);
        stream.Length.Should().Be(11);
    }

    [Fact]
    public void AppendStream_SeekAfterTheAppendPoint_Works()
    {
        using (var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Append, FileAccess.Write))
        {
            stream.Write("!!"u8);
            stream.Seek(11, SeekOrigin.Begin).Should().Be(11);
            stream.WriteByte((byte)'?');
        }

        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello world?!");
    }

    [Fact]
    public async Task ReadAsyncAndWriteAsync_RoundTrip()
    {
        var token = TestContext.Current.CancellationToken;
        await using (var stream = Fs.FileStream.New(P("/empty/async"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync("async data"u8.ToArray(), token);
            stream.Position = 0;
            var buffer = new byte[5];
            (await stream.ReadAsync(buffer, token)).Should().Be(5);
            Encoding.ASCII.GetString(buffer).Should().Be("async");
            await stream.FlushAsync(token);
        }

        Fs.File.ReadAllText(P("/empty/async")).Should().Be("async data");
    }

    [Fact]
    public void TwoStreams_SeeEachOthersWrites()
    {
        using var writer = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        using var reader = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        writer.Write("ALPHA"u8);
        writer.Flush();
        var buffer = new byte[5];
        reader.ReadExactly(buffer);
        Encoding.ASCII.GetString(buffer).Should().Be("ALPHA");
    }

    [Fact]
    public void ShareNone_BlocksASecondOpen()
    {
        using var first = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Read, FileShare.None);
        Of(() => Fs.File.ReadAllText(P("/d/a.txt"))).Should().Be(Outcome.Io(11));
    }

    [Fact]
    public void ShareRead_DoesNotBlockAWriter()
    {
        using var first = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Read, FileShare.Read);
        Of(() => Fs.File.WriteAllText(P("/d/a.txt"), "w")).Should().Be("ok");
    }

    [Fact]
    public void Name_IsTheFullPath()
    {
        using var stream = Fs.FileStream.New(P("/d/../f.txt"), FileMode.Open, FileAccess.Read);
        U(stream.Name).Should().Be("/f.txt");
    }

    [Fact]
    public void Dispose_Twice_IsFine()
    {
        var stream = Fs.FileStream.New(P("/f.txt"), FileMode.Open, FileAccess.Read);
        stream.Dispose();
        Of(() => stream.Dispose()).Should().Be("ok");
        Of(() => stream.ReadByte()).Should().Be("EX ObjectDisposedException hr=0x80131622");
    }

    [Fact]
    public void AWriteThroughAStream_UpdatesTheMtime()
    {
        var before = DateTime.UtcNow.AddSeconds(-2);
        using (var stream = Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.Write))
        {
            stream.WriteByte(1);
        }

        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().BeOnOrAfter(before);
    }

    [Fact]
    public void AnOpenForWriteWithoutAWrite_KeepsTheMtime()
    {
        Fs.FileStream.New(P("/d/a.txt"), FileMode.Open, FileAccess.ReadWrite).Dispose();
        Fs.File.GetLastWriteTimeUtc(P("/d/a.txt")).Should().Be(ConformanceSeed.FileTime);
    }

    private string Open(string path, FileMode mode, FileAccess access)
    {
        string opened = Of(() =>
        {
            using var stream = Fs.FileStream.New(P(path), mode, access);
            return $"RW={(stream.CanRead ? 'R' : '-')}{(stream.CanWrite ? 'W' : '-')} pos={stream.Position} len={stream.Length}";
        });
        if (!opened.StartsWith("ok", StringComparison.Ordinal))
        {
            return opened;
        }

        return "ok " + opened["ok: '".Length..^1] + " -> '" + Fs.File.ReadAllText(P(path)) + "'";
    }
}
