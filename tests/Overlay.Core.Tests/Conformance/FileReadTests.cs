using System.Runtime.Versioning;
using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>The File read family: ReadAll*, ReadLines, OpenRead, OpenText, Exists, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class FileReadTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void ReadAllText_OfASeededFile_ReturnsItsText() =>
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha");

    [Fact]
    public void ReadAllText_WithAnEncoding_DecodesWithIt() =>
        Fs.File.ReadAllText(P("/d/a.txt"), Encoding.Latin1).Should().Be("alpha");

    [Fact]
    public void ReadAllText_ThroughASymbolicLink_ReadsTheTarget() =>
        Fs.File.ReadAllText(P("/link")).Should().Be("hello world");

    [Fact]
    public void ReadAllText_ThroughALinkedDirectory_ReadsTheFile() =>
        Fs.File.ReadAllText(P("/dirlink/sub/c.txt")).Should().Be("gamma\n");

    [Fact]
    public void ReadAllText_ThroughADanglingLink_ThrowsFileNotFound() =>
        Of(() => Fs.File.ReadAllText(P("/dangling"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void ReadAllText_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.ReadAllText(P("/nope.txt"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void ReadAllText_InAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.ReadAllText(P("/nope/a.txt"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void ReadAllText_OfADirectory_ThrowsUnauthorizedAccess() =>
        Of(() => Fs.File.ReadAllText(P("/d"))).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void ReadAllText_BelowAFile_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.ReadAllText(P("/f.txt/x"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void ReadAllText_WithATrailingSlash_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.ReadAllText(P("/f.txt/"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void ReadAllText_OfAReadOnlyFile_Reads() =>
        Fs.File.ReadAllText(P("/ro.txt")).Should().Be("read-only");

    [Fact]
    public void ReadAllBytes_ReturnsEveryByte() =>
        Fs.File.ReadAllBytes(P("/d/b.bin")).Should().Equal(ConformanceSeed.Binary);

    [Fact]
    public void ReadAllBytes_OfAnEmptyNewFile_ReturnsNothing()
    {
        Fs.File.Create(P("/new")).Dispose();
        Fs.File.ReadAllBytes(P("/new")).Should().BeEmpty();
    }

    [Fact]
    public void ReadAllLines_SplitsOnNewlines() =>
        Fs.File.ReadAllLines(P("/lines.txt")).Should().Equal("one", "two", "three");

    [Fact]
    public void ReadAllLines_WithAnEncoding_SplitsOnNewlines() =>
        Fs.File.ReadAllLines(P("/lines.txt"), Encoding.ASCII).Should().Equal("one", "two", "three");

    [Fact]
    public void ReadLines_IsLazyAndComplete() =>
        Fs.File.ReadLines(P("/lines.txt")).Take(2).Should().Equal("one", "two");

    [Fact]
    public void ReadLines_WithAnEncoding_ReturnsEveryLine() =>
        Fs.File.ReadLines(P("/lines.txt"), Encoding.UTF8).Should().Equal("one", "two", "three");

    [Fact]
    public void ReadLines_OfAMissingFile_ThrowsAtOnce() =>
        Of(() => Fs.File.ReadLines(P("/nope.txt"))).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void OpenRead_ReadsTheBytesAndCannotWrite()
    {
        using var stream = Fs.File.OpenRead(P("/d/b.bin"));
        stream.CanRead.Should().BeTrue();
        stream.CanWrite.Should().BeFalse();
        stream.CanSeek.Should().BeTrue();
        stream.Length.Should().Be(256);
        stream.Seek(10, SeekOrigin.Begin);
        stream.ReadByte().Should().Be(10);
        Of(() => stream.WriteByte(1)).Should().Be("EX NotSupportedException hr=0x80131515");
    }

    [Fact]
    public void OpenRead_OfADirectory_ThrowsUnauthorizedAccess() =>
        Of(() => Fs.File.OpenRead(P("/d")).Dispose()).Should().Be(Outcome.AccessDenied);

    [Fact]
    public void OpenRead_NameIsTheFullPath()
    {
        using var stream = Fs.File.OpenRead(P("/d/a.txt"));
        U(stream.Name).Should().Be("/d/a.txt");
    }

    [Fact]
    public void OpenText_ReadsText()
    {
        using var reader = Fs.File.OpenText(P("/lines.txt"));
        reader.ReadLine().Should().Be("one");
        reader.ReadToEnd().Should().Be("two\nthree\n");
    }

    [Fact]
    public void OpenText_OfAMissingFile_ThrowsFileNotFound() =>
        Of(() => Fs.File.OpenText(P("/nope.txt")).Dispose()).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void Exists_OfAFile_IsTrue() => Fs.File.Exists(P("/d/a.txt")).Should().BeTrue();

    [Fact]
    public void Exists_OfADirectory_IsFalse() => Fs.File.Exists(P("/d")).Should().BeFalse();

    [Fact]
    public void Exists_OfALinkToAFile_IsTrue() => Fs.File.Exists(P("/link")).Should().BeTrue();

    [Fact]
    public void Exists_OfALinkToADirectory_IsFalse() => Fs.File.Exists(P("/dirlink")).Should().BeFalse();

    [Fact]
    public void Exists_OfADanglingLink_IsTrue() => Fs.File.Exists(P("/dangling")).Should().BeTrue();

    [Fact]
    public void Exists_OfAMissingName_IsFalse() => Fs.File.Exists(P("/nope")).Should().BeFalse();

    [Fact]
    public void Exists_WithATrailingSlash_IsFalse() => Fs.File.Exists(P("/f.txt/")).Should().BeFalse();

    [Fact]
    public void Exists_OfNullOrEmpty_IsFalse()
    {
        Fs.File.Exists(null).Should().BeFalse();
        Fs.File.Exists(string.Empty).Should().BeFalse();
    }

    [Fact]
    public void Exists_BelowAFile_IsFalse() => Fs.File.Exists(P("/f.txt/x")).Should().BeFalse();

    [Fact]
    public void ReadAllText_AfterAWriteElsewhere_IsUnchanged()
    {
        Fs.File.WriteAllText(P("/d/sub/c.txt"), "changed");
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha");
        Fs.File.ReadAllText(P("/d/sub/c.txt")).Should().Be("changed");
    }
}
