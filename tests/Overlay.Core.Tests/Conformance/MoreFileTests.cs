using System.Runtime.Versioning;
using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>Further File, Directory and info cases: encodings, copies and moves across directories, read-only directories, case, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class MoreFileTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void ReadAllText_DetectsAUtf16Preamble()
    {
        Fs.File.WriteAllText(P("/u16"), "hé", Encoding.Unicode);
        Fs.File.ReadAllText(P("/u16")).Should().Be("hé");
    }

    [Fact]
    public void ReadAllText_StripsAUtf8Preamble()
    {
        Fs.File.WriteAllBytes(P("/bom"), [0xEF, 0xBB, 0xBF, (byte)'x']);
        Fs.File.ReadAllText(P("/bom")).Should().Be("x");
    }

    [Fact]
    public void ReadAllLines_HandlesCarriageReturns()
    {
        Fs.File.WriteAllText(P("/crlf"), "a\r\nb\rc");
        Fs.File.ReadAllLines(P("/crlf")).Should().Equal("a", "b", "c");
    }

    [Fact]
    public void Names_AreCaseSensitive()
    {
        Fs.File.Exists(P("/D/A.TXT")).Should().BeFalse();
        Fs.File.WriteAllText(P("/F.TXT"), "upper");
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello world");
        Fs.File.ReadAllText(P("/F.TXT")).Should().Be("upper");
    }

    [Fact]
    public void Names_MayHoldSpacesAndUnicode()
    {
        Fs.File.WriteAllText(P("/d/ sp ace "), "s");
        Fs.File.WriteAllText(P("/d/ünï☃"), "u");
        Set(Fs.Directory.GetFiles(P("/d"), "*n*")).Should().Contain("/d/ünï☃");
        Fs.File.ReadAllText(P("/d/ sp ace ")).Should().Be("s");
    }

    [Fact]
    public void ABackslash_IsAnOrdinaryNameCharacter()
    {
        Fs.File.WriteAllText(P("/d/back\\slash"), "b");
        Fs.Path.GetFileName(P("/d/back\\slash")).Should().Be("back\\slash");
        Set(Fs.Directory.GetFiles(P("/d"), "back*")).Should().Equal("/d/back\\slash");
    }

    [Fact]
    public void Copy_OfALargeFile_CopiesEveryByte()
    {
        byte[] data = new byte[300_000];
        new Random(5).NextBytes(data);
        Fs.File.WriteAllBytes(P("/d/big"), data);
        Fs.File.Copy(P("/d/big"), P("/empty/big"));
        Fs.File.ReadAllBytes(P("/empty/big")).Should().Equal(data);
    }

    [Fact]
    public void Copy_OfAnEmptyFile_MakesAnEmptyFile()
    {
        Fs.File.Create(P("/e0")).Dispose();
        Fs.File.Copy(P("/e0"), P("/e1"));
        Fs.FileInfo.New(P("/e1")).Length.Should().Be(0);
    }

    [Fact]
    public void Copy_OntoADanglingLinkWithOverwrite_WritesTheTarget()
    {
        Fs.File.Copy(P("/d/a.txt"), P("/dangling"), overwrite: true);
        Fs.File.ReadAllText(P("/missing")).Should().Be("alpha");
        Fs.FileInfo.New(P("/dangling")).LinkTarget.Should().Be("missing");
    }

    [Fact]
    public void Move_WithOverwrite_OntoALink_ReplacesTheLink()
    {
        Fs.File.Move(P("/d/a.txt"), P("/link"), overwrite: true);
        Fs.FileInfo.New(P("/link")).LinkTarget.Should().BeNull();
        Fs.File.ReadAllText(P("/f.txt")).Should().Be("hello world");
    }

    [Fact]
    public void Move_ThenMoveBack_RestoresTheView()
    {
        Fs.File.Move(P("/d/a.txt"), P("/a-away"));
        Fs.File.Move(P("/a-away"), P("/d/a.txt"));
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha");
        Set(Fs.Directory.GetFiles(P("/d"))).Should().Equal("/d/a.txt", "/d/b.bin", "/d/x.log", "/d/y.LOG");
    }

    [Fact]
    public void DirectoryMove_ThenWriteInside_Works()
    {
        Fs.Directory.Move(P("/d/sub"), P("/sub-moved"));
        Fs.File.WriteAllText(P("/sub-moved/deep/new"), "n");
        Set(Fs.Directory.GetFiles(P("/sub-moved"), "*", SearchOption.AllDirectories)).Should().Equal("/sub-moved/c.txt", "/sub-moved/deep/e.txt", "/sub-moved/deep/new");
    }

    [Fact]
    public void DirectoryMove_OfALinkToADirectory_MovesTheLink()
    {
        Fs.Directory.Move(P("/dirlink"), P("/dirlink2"));
        Fs.DirectoryInfo.New(P("/dirlink2")).LinkTarget.Should().Be("d");
        Fs.Directory.Exists(P("/d")).Should().BeTrue();
    }

    [Fact]
    public void DeleteRecursive_OfADirectoryHoldingAReadOnlyFile_Works()
    {
        Fs.File.WriteAllText(P("/empty/ro"), "r");
        Fs.File.SetAttributes(P("/empty/ro"), FileAttributes.ReadOnly);
        Fs.Directory.Delete(P("/empty"), true);
        Fs.Directory.Exists(P("/empty")).Should().BeFalse();
    }

    [Fact]
    public void DeleteRecursive_OfADirectoryHoldingALinkToADirectory_KeepsTheTarget()
    {
        Fs.Directory.CreateSymbolicLink(P("/empty/to-d"), "../d");
        Fs.Directory.Delete(P("/empty"), true);
        Fs.File.Exists(P("/d/a.txt")).Should().BeTrue();
    }

    [Fact]
    public void ReadOnlyDirectory_StillTakesNewFilesAsRoot()
    {
        Fs.File.SetUnixFileMode(P("/empty"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Of(() => Fs.File.WriteAllText(P("/empty/x"), "x")).Should().Be("ok");
    }

    [Fact]
    public void WriteAllText_ReplacingAFileWithALongerOne_ThenShorter_KeepsOnlyTheLast()
    {
        Fs.File.WriteAllText(P("/d/a.txt"), "a much longer text");
        Fs.File.WriteAllText(P("/d/a.txt"), "s");
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("s");
    }

    [Fact]
    public void GetFiles_OfADirectoryWithManyEntries_ListsAll()
    {
        for (int i = 0; i < 50; i++)
        {
            Fs.File.WriteAllText(P($"/empty/n{i:D2}"), "x");
        }

        Fs.Directory.GetFiles(P("/empty")).Should().HaveCount(50);
        Fs.Directory.GetFiles(P("/empty"), "n4?").Should().HaveCount(10);
    }

    [Fact]
    public void FileSetAttributes_Directory_OnAFile_IsIgnored()
    {
        Fs.File.SetAttributes(P("/f.txt"), FileAttributes.Directory);
        Fs.File.GetAttributes(P("/f.txt")).Should().Be(FileAttributes.Normal);
    }

    [Fact]
    public void Exists_OfAPathWithDotDotThroughAMissingDirectory_IsTrueAsThePathIsNormalisedFirst() =>
        Fs.File.Exists(P("/nope/../f.txt")).Should().BeTrue();

    [Fact]
    public void Exists_OfAPathWithDotDotThroughAFile_IsTrueAsThePathIsNormalisedFirst() =>
        Fs.File.Exists(P("/f.txt/../d/a.txt")).Should().BeTrue();

    [Fact]
    public void ReadAllText_ThroughDotDotAfterALinkedDirectory_NormalisesLexically() =>
        Fs.File.ReadAllText(P("/dirlink/../f.txt")).Should().Be("hello world");

    [Fact]
    public void Replace_OfAFileBySelf_ThrowsIOException() =>
        Of(() => Fs.File.Replace(P("/f.txt"), P("/f.txt"), null)).Should().Be(Outcome.PlainIo);

    [Fact]
    public void Replace_WithABackupInAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.File.Replace(P("/d/a.txt"), P("/f.txt"), P("/nope/bak"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Replace_KeepsTheSourcesMode()
    {
        Fs.File.Replace(P("/d/b.bin"), P("/f.txt"), null);
        Fs.File.GetUnixFileMode(P("/f.txt")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
