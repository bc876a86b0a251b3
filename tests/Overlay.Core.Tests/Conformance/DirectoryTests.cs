using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>Directory: CreateDirectory, Delete (recursive), Move, Exists, times, GetParent, GetDirectoryRoot, CreateTempSubdirectory, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class DirectoryTests(ConformanceTarget target) : ConformanceTests(target)
{
    private static readonly DateTime Then = new(2012, 12, 12, 12, 12, 12, DateTimeKind.Utc);

    [Fact]
    public void CreateDirectory_MakesEveryMissingParent()
    {
        var info = Fs.Directory.CreateDirectory(P("/n1/n2/n3"));
        U(info.FullName).Should().Be("/n1/n2/n3");
        info.Exists.Should().BeTrue();
        Fs.Directory.Exists(P("/n1/n2")).Should().BeTrue();
    }

    [Fact]
    public void CreateDirectory_OfAnExistingDirectory_ChangesNothing()
    {
        Fs.Directory.CreateDirectory(P("/d/sub"));
        Fs.Directory.GetLastWriteTimeUtc(P("/d/sub")).Should().Be(ConformanceSeed.DirectoryTime);
        Fs.File.GetUnixFileMode(P("/d/sub")).Should().Be((UnixFileMode)0b111_101_000);
    }

    [Fact]
    public void CreateDirectory_OverAFile_ThrowsEExist() =>
        Of(() => Fs.Directory.CreateDirectory(P("/f.txt"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void CreateDirectory_BelowAFile_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.CreateDirectory(P("/f.txt/sub"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void CreateDirectory_ThroughADirectoryLink_MakesItInTheTarget()
    {
        Fs.Directory.CreateDirectory(P("/dirlink/viaLink"));
        Fs.Directory.Exists(P("/d/viaLink")).Should().BeTrue();
    }

    [Fact]
    public void CreateDirectory_OverADanglingLink_ThrowsEExist() =>
        Of(() => Fs.Directory.CreateDirectory(P("/dangling"))).Should().Be(Outcome.Io(17));

    [Fact]
    public void CreateDirectory_WithAMode_AppliesItUnderTheUmask()
    {
        Fs.Directory.CreateDirectory(P("/moded"), (UnixFileMode)0b111_111_111);
        Fs.File.GetUnixFileMode(P("/moded")).Should().Be((UnixFileMode)0b111_111_111 & ~ProcessUmask.Value);
    }

    [Fact]
    public void CreateDirectory_WithATrailingSlash_Works()
    {
        U(Fs.Directory.CreateDirectory(P("/slashed/")).FullName).Should().Be("/slashed/");
        Fs.Directory.Exists(P("/slashed")).Should().BeTrue();
    }

    [Fact]
    public void CreateDirectory_WithDotSegments_Normalises() =>
        U(Fs.Directory.CreateDirectory(P("/d/./sub/../made")).FullName).Should().Be("/d/made");

    [Fact]
    public void Delete_OfAnEmptyDirectory_RemovesIt()
    {
        Fs.Directory.Delete(P("/empty"));
        Fs.Directory.Exists(P("/empty")).Should().BeFalse();
    }

    [Fact]
    public void Delete_OfANonEmptyDirectory_ThrowsENotEmpty() =>
        Of(() => Fs.Directory.Delete(P("/d"))).Should().Be(Outcome.Io(39));

    [Fact]
    public void Delete_Recursive_RemovesTheTree()
    {
        Fs.Directory.Delete(P("/d"), recursive: true);
        Fs.Directory.Exists(P("/d")).Should().BeFalse();
        Fs.File.Exists(P("/d/sub/c.txt")).Should().BeFalse();
        Set(Fs.Directory.GetFileSystemEntries(P("/"))).Should().NotContain("/d");
    }

    [Fact]
    public void Delete_OfAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.Delete(P("/nope"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Delete_OfAFile_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.Delete(P("/f.txt"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Delete_OfADirectoryLink_RemovesTheLink()
    {
        Fs.Directory.Delete(P("/dirlink"));
        Fs.Directory.Exists(P("/d")).Should().BeTrue();
        Fs.File.Exists(P("/dirlink")).Should().BeFalse();
    }

    [Fact]
    public void Delete_AfterEmptyingIt_Works()
    {
        foreach (string file in Fs.Directory.GetFiles(P("/d/sub/deep")))
        {
            Fs.File.Delete(file);
        }

        Fs.Directory.Delete(P("/d/sub/deep"));
        Fs.Directory.Exists(P("/d/sub/deep")).Should().BeFalse();
    }

    [Fact]
    public void DeleteThenCreate_GivesAnEmptyDirectory()
    {
        Fs.Directory.Delete(P("/d"), true);
        Fs.Directory.CreateDirectory(P("/d"));
        Fs.Directory.GetFileSystemEntries(P("/d")).Should().BeEmpty();
    }

    [Fact]
    public void Move_ToANewName_MovesTheTree()
    {
        Fs.Directory.Move(P("/d"), P("/moved"));
        Fs.Directory.Exists(P("/d")).Should().BeFalse();
        Fs.File.ReadAllText(P("/moved/sub/c.txt")).Should().Be("gamma\n");
        Set(Fs.Directory.GetFiles(P("/moved"))).Should().Equal("/moved/a.txt", "/moved/b.bin", "/moved/x.log", "/moved/y.LOG");
    }

    [Fact]
    public void Move_IntoAnotherDirectory_MovesIt()
    {
        Fs.Directory.Move(P("/d/sub"), P("/empty/sub"));
        Fs.File.Exists(P("/empty/sub/deep/e.txt")).Should().BeTrue();
        Fs.Directory.Exists(P("/d/sub")).Should().BeFalse();
    }

    [Fact]
    public void Move_KeepsTheMode()
    {
        Fs.Directory.Move(P("/d/sub"), P("/sub2"));
        Fs.File.GetUnixFileMode(P("/sub2")).Should().Be((UnixFileMode)0b111_101_000);
    }

    [Fact]
    public void Move_OntoAnExistingDirectory_ThrowsIOException() =>
        Of(() => Fs.Directory.Move(P("/d/sub"), P("/empty"))).Should().Be(Outcome.PlainIo);

    [Fact]
    public void Move_OntoAFile_ThrowsIOException() =>
        Of(() => Fs.Directory.Move(P("/empty"), P("/f.txt"))).Should().Be(Outcome.PlainIo);

    [Fact]
    public void Move_OfAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.Move(P("/nope"), P("/x"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Move_IntoItself_ThrowsIOException() =>
        Of(() => Fs.Directory.Move(P("/d"), P("/d/sub/inner"))).Should().Be(Outcome.Io(22));

    [Fact]
    public void Move_OntoItself_ThrowsIOException() =>
        Of(() => Fs.Directory.Move(P("/d"), P("/d"))).Should().Be(Outcome.PlainIo);

    [Fact]
    public void Move_OfAFile_MovesIt()
    {
        Fs.Directory.Move(P("/f.txt"), P("/g.txt"));
        Fs.File.ReadAllText(P("/g.txt")).Should().Be("hello world");
    }

    [Fact]
    public void Move_IntoAMissingParent_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.Move(P("/empty"), P("/nope/x"))).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void Exists_OfADirectory_IsTrue() => Fs.Directory.Exists(P("/d/sub")).Should().BeTrue();

    [Fact]
    public void Exists_OfAFile_IsFalse() => Fs.Directory.Exists(P("/f.txt")).Should().BeFalse();

    [Fact]
    public void Exists_OfALinkToADirectory_IsTrue() => Fs.Directory.Exists(P("/dirlink")).Should().BeTrue();

    [Fact]
    public void Exists_WithATrailingSlash_IsTrue() => Fs.Directory.Exists(P("/d/")).Should().BeTrue();

    [Fact]
    public void Exists_OfNullOrEmpty_IsFalse()
    {
        Fs.Directory.Exists(null).Should().BeFalse();
        Fs.Directory.Exists(string.Empty).Should().BeFalse();
    }

    [Fact]
    public void Exists_OfTheRoot_IsTrue() => Fs.Directory.Exists(P("/")).Should().BeTrue();

    [Fact]
    public void GetLastWriteTimeUtc_IsTheSeededTime() =>
        Fs.Directory.GetLastWriteTimeUtc(P("/d/sub")).Should().Be(ConformanceSeed.DirectoryTime);

    [Fact]
    public void SetLastWriteTimeUtc_SetsIt()
    {
        Fs.Directory.SetLastWriteTimeUtc(P("/d"), Then);
        Fs.Directory.GetLastWriteTimeUtc(P("/d")).Should().Be(Then);
        Fs.Directory.GetLastWriteTime(P("/d")).Should().Be(Then.ToLocalTime());
    }

    [Fact]
    public void SetLastAccessTimeUtc_SetsIt()
    {
        Fs.Directory.SetLastAccessTimeUtc(P("/d"), Then);
        Fs.Directory.GetLastAccessTimeUtc(P("/d")).Should().Be(Then);
    }

    [Fact]
    public void SetCreationTime_BeforeTheMtime_SetsTheMtime()
    {
        Fs.Directory.SetCreationTime(P("/d"), Then.ToLocalTime());
        Fs.Directory.GetLastWriteTimeUtc(P("/d")).Should().Be(Then);
    }

    [Fact]
    public void SetLastWriteTime_OfAMissingDirectory_ThrowsFileNotFound() =>
        Of(() => Fs.Directory.SetLastWriteTime(P("/nope"), Then)).Should().Be(Outcome.FileNotFound);

    [Fact]
    public void GetLastWriteTimeUtc_OfAMissingDirectory_IsTheEpoch() =>
        Fs.Directory.GetLastWriteTimeUtc(P("/nope")).Should().Be(DateTime.FromFileTimeUtc(0));

    [Fact]
    public void GetParent_ReturnsTheParent() =>
        U(Fs.Directory.GetParent(P("/d/sub"))!.FullName).Should().Be("/d");

    [Fact]
    public void GetParent_WithATrailingSlash_ReturnsTheDirectoryItself() =>
        U(Fs.Directory.GetParent(P("/d/sub/"))!.FullName).Should().Be("/d/sub");

    [Fact]
    public void GetParent_OfAnEmptyPath_ThrowsArgument() =>
        Of(() => Fs.Directory.GetParent(string.Empty)).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void GetDirectoryRoot_IsSlash() => Fs.Directory.GetDirectoryRoot(P("/d/sub")).Should().Be("/");

    [Fact]
    public void GetLogicalDrives_IsTheRoot() => Fs.Directory.GetLogicalDrives().Should().Contain("/");

    [Fact]
    public void CreateTempSubdirectory_MakesANewDirectoryUnderTheTempPath()
    {
        var made = Fs.Directory.CreateTempSubdirectory("conf-");
        try
        {
            made.Exists.Should().BeTrue();
            made.Name.Should().StartWith("conf-");
            (made.Parent!.FullName + "/").Should().Be(Fs.Path.GetTempPath());
            Fs.Directory.GetFileSystemEntries(made.FullName).Should().BeEmpty();
            Fs.File.GetUnixFileMode(made.FullName).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        finally
        {
            Fs.Directory.Delete(made.FullName);
        }
    }

    [Fact]
    public void CreateTempSubdirectory_WithoutAPrefix_MakesADistinctDirectoryEachTime()
    {
        var first = Fs.Directory.CreateTempSubdirectory();
        var second = Fs.Directory.CreateTempSubdirectory();
        try
        {
            first.FullName.Should().NotBe(second.FullName);
        }
        finally
        {
            Fs.Directory.Delete(first.FullName);
            Fs.Directory.Delete(second.FullName);
        }
    }

    [Fact]
    public void CreateTempSubdirectory_WithASlashInThePrefix_ThrowsArgument() =>
        Of(() => Fs.Directory.CreateTempSubdirectory("a/b")).Should().Be("EX ArgumentException hr=0x80070057");
}
