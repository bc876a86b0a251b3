using System.Runtime.Versioning;
using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>The File write family: WriteAll*, AppendAll*, span and text overloads, Create/CreateText/AppendText/OpenWrite, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class FileWriteTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void WriteAllText_OverASeededFile_ReplacesIt()
    {
        Fs.File.WriteAllText(P("/d/a.txt"), "new");
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("new");
    }

    [Fact]
    public void WriteAllText_OfANewFile_CreatesIt()
    {
        Fs.File.WriteAllText(P("/d/sub/new.txt"), "fresh");
        Fs.File.ReadAllText(P("/d/sub/new.txt")).Should().Be("fresh");
    }

    [Fact]
    public void WriteAllText_WithAnEncoding_EncodesWithIt()
    {
        Fs.File.WriteAllText(P("/f.txt"), "é", Encoding.Latin1);
        Fs.File.ReadAllBytes(P("/f.txt")).Should().Equal(0xE9);
    }

    [Fact]
    public void WriteAllText_WithUtf8_WritesNoPreamble()
    {
        Fs.File.WriteAllText(P("/f.txt"), "é");
        Fs.File.ReadAllBytes(P("/f.txt")).Should().Equal(0xC3, 0xA9);
    }

    [Fact]
    public void WriteAllText_WithUtf8Encoding_WritesAPreamble()
    {
        Fs.File.WriteAllText(P("/f.txt"), "a", Encoding.UTF8);
        Fs.File.ReadAllBytes(P("/f.txt")).Should().Equal(0xEF, 0xBB, 0xBF, (byte)'a');
    }

    [Fact]
    public void WriteAllText_OfASpan_WritesIt()
    {
        Fs.File.WriteAllText(P("/f.txt"), "span text".AsSpan(0, 4));
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("span");
    }

    [Fact]
    public void WriteAllText_OfASpanWithAnEncoding_WritesIt()
    {
        Fs.File.WriteAllText(P("/f.txt"), "ü".AsSpan(), Encoding.Latin1);
        Fs.File.ReadAllBytes(P("/f.txt")).Should().Equal(0xFC);
    }

    [Fact]
    public void WriteAllText_ThroughASymbolicLink_WritesTheTargetAndKeepsTheLink()
    {
        Fs.File.WriteAllText(P("/link"), "via link");
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("via link");
        Fs.File.ResolveLinkTarget(P("/link"), false)!.Name.Should().Be("f.txt");
    }

    [Fact]
    public void WriteAllText_ThroughADanglingLink_CreatesTheTarget()
    {
        Fs.File.WriteAllText(P("/dangling"), "made");
        Fs.File.ReadAllText(P("/missing")).Should().Be("made");
    }

    [Fact]
    public void WriteAllText_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.WriteAllText(P("/nope/x.txt"), "x")).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void WriteAllText_OntoADirectory_ThrowsUnauthorizedAccess() =>
        Of(() => Fs.File.WriteAllText(P("/d"), "x")).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void WriteAllText_OfAReadOnlyFile_WritesAsRoot()
    {
        Fs.File.WriteAllText(P("/ro.txt"), "root writes");
        Fs.File.ReadAllText(P("/ro.txt")).Should().Be("root writes");
    }

    [Fact]
    public void WriteAllText_KeepsTheFileMode()
    {
        Fs.File.WriteAllText(P("/d/b.bin"), "x");
        Fs.File.GetUnixFileMode(P("/d/b.bin")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void WriteAllBytes_ReplacesTheBytes()
    {
        Fs.File.WriteAllBytes(P("/d/b.bin"), [9, 8, 7]);
        Fs.File.ReadAllBytes(P("/d/b.bin")).Should().Equal(9, 8, 7);
    }

    [Fact]
    public void WriteAllBytes_OfASpan_WritesIt()
    {
        Fs.File.WriteAllBytes(P("/d/b.bin"), new ReadOnlySpan<byte>([1, 2]));
        Fs.File.ReadAllBytes(P("/d/b.bin")).Should().Equal(1, 2);
    }

    [Fact]
    public void WriteAllBytes_OfNothing_Truncates()
    {
        Fs.File.WriteAllBytes(P("/f.txt"), []);
        Fs.File.ReadAllBytes(P("/f.txt")).Should().BeEmpty();
        Fs.FileInfo.New(P("/f.txt")).Length.Should().Be(0);
    }

    [Fact]
    public void WriteAllBytes_OfNull_ThrowsArgumentNull() =>
        Of(() => Fs.File.WriteAllBytes(P("/f.txt"), (byte[])null!)).Should().Be("EX ArgumentNullException hr=0x80004003");

    [Fact]
    public void WriteAllLines_WritesEveryLineWithANewline()
    {
        Fs.File.WriteAllLines(P("/f.txt"), ["a", "b"]);
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("a\nb\n");
    }

    [Fact]
    public void WriteAllLines_OfAnEnumerableWithAnEncoding_WritesThem()
    {
        Fs.File.WriteAllLines(P("/f.txt"), Enumerable.Range(1, 3).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Encoding.ASCII);
        Fs.File.ReadAllLines(P("/f.txt")).Should().Equal("1", "2", "3");
    }

    [Fact]
    public void AppendAllText_AppendsToASeededFile()
    {
        Fs.File.AppendAllText(P("/d/a.txt"), "+beta");
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha+beta");
    }

    [Fact]
    public void AppendAllText_OfAMissingFile_CreatesIt()
    {
        Fs.File.AppendAllText(P("/empty/new"), "first");
        Fs.File.ReadAllText(P("/empty/new")).Should().Be("first");
    }

    [Fact]
    public void AppendAllText_OfASpanWithAnEncoding_Appends()
    {
        Fs.File.AppendAllText(P("/d/a.txt"), "!?".AsSpan(0, 1), Encoding.ASCII);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha!");
    }

    [Fact]
    public void AppendAllText_OfASpan_Appends()
    {
        Fs.File.AppendAllText(P("/d/a.txt"), "xyz".AsSpan(1));
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alphayz");
    }

    [Fact]
    public void AppendAllText_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.AppendAllText(P("/nope/x"), "x")).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void AppendAllBytes_Appends()
    {
        Fs.File.AppendAllBytes(P("/d/a.txt"), [(byte)'!']);
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha!");
    }

    [Fact]
    public void AppendAllBytes_OfASpan_Appends()
    {
        Fs.File.AppendAllBytes(P("/d/a.txt"), new ReadOnlySpan<byte>([(byte)'?']));
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha?");
    }

    [Fact]
    public void AppendAllLines_AppendsLines()
    {
        Fs.File.AppendAllLines(P("/lines.txt"), ["four"]);
        Fs.File.ReadAllLines(P("/lines.txt")).Should().Equal("one", "two", "three", "four");
    }

    [Fact]
    public void AppendAllLines_WithAnEncoding_AppendsLines()
    {
        Fs.File.AppendAllLines(P("/lines.txt"), ["five"], Encoding.ASCII);
        Fs.File.ReadAllLines(P("/lines.txt")).Should().EndWith("five");
    }

    [Fact]
    public void AppendText_AppendsThroughAWriter()
    {
        using (var writer = Fs.File.AppendText(P("/f.txt")))
        {
            writer.Write("!");
        }

        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello world!");
    }

    [Fact]
    public void CreateText_TruncatesAndWrites()
    {
        using (var writer = Fs.File.CreateText(P("/f.txt")))
        {
            writer.Write("new");
        }

        Fs.File.ReadAllText(P("/f.txt")).Should().Be("new");
    }

    [Fact]
    public void Create_TruncatesAnExistingFile()
    {
        using (var stream = Fs.File.Create(P("/f.txt")))
        {
            stream.Length.Should().Be(0);
            stream.CanRead.Should().BeTrue();
            stream.CanWrite.Should().BeTrue();
        }

        Fs.File.ReadAllBytes(P("/f.txt")).Should().BeEmpty();
    }

    [Fact]
    public void Create_WithABufferSizeAndOptions_CreatesAFile()
    {
        using (var stream = Fs.File.Create(P("/empty/n"), 16, FileOptions.None))
        {
            stream.Write([1, 2, 3]);
        }

        Fs.File.ReadAllBytes(P("/empty/n")).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Create_WithDeleteOnClose_LeavesNothing()
    {
        using (var stream = Fs.File.Create(P("/empty/tmp"), 16, FileOptions.DeleteOnClose))
        {
            stream.WriteByte(1);
            Fs.File.Exists(P("/empty/tmp")).Should().BeTrue();
        }

        Fs.File.Exists(P("/empty/tmp")).Should().BeFalse();
    }

    [Fact]
    public void OpenWrite_OverwritesFromTheStartWithoutTruncating()
    {
        using (var stream = Fs.File.OpenWrite(P("/f.txt")))
        {
            stream.Write("HELLO"u8);
        }

        Fs.File.ReadAllText(P("/f.txt")).Should().Be("HELLO world");
    }

    [Fact]
    public void OpenWrite_OfAMissingFile_CreatesIt()
    {
        using (var stream = Fs.File.OpenWrite(P("/empty/w")))
        {
            stream.CanRead.Should().BeFalse();
        }

        Fs.File.Exists(P("/empty/w")).Should().BeTrue();
    }

    [Fact]
    public void NewFile_GetsTheUmaskedDefaultMode()
    {
        Fs.File.WriteAllText(P("/empty/m"), "x");
        Fs.File.GetUnixFileMode(P("/empty/m")).Should().Be(((UnixFileMode)0b110_110_110) & ~ProcessUmask.Value);
    }
}
