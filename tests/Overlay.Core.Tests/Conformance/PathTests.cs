using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>
/// IPath: the overlay's behaves as System.IO.Path on Linux for every member that does not depend
/// on the current directory (<see cref="CurrentDirectoryTests"/> has those), and Path.Exists,
/// GetTempPath and GetTempFileName look at the merged view.
/// </summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class PathTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Theory]
    [InlineData("a", "b", "a/b")]
    [InlineData("/a", "/b", "/b")]
    [InlineData("a/", "b", "a/b")]
    [InlineData("", "b", "b")]
    [InlineData("a", "", "a")]
    public void Combine_AsSystemIO(string first, string second, string expected) =>
        Fs.Path.Combine(first, second).Should().Be(expected).And.Be(Path.Combine(first, second));

    [Fact]
    public void Combine_OfFourParts_AsSystemIO() =>
        Fs.Path.Combine("a", "b", "/c", "d").Should().Be("/c/d");

    [Fact]
    public void Combine_OfAnArray_AsSystemIO() =>
        Fs.Path.Combine(["x", "y", "z"]).Should().Be("x/y/z");

    [Fact]
    public void Combine_WithNull_ThrowsArgumentNull() =>
        Of(() => Fs.Path.Combine("a", null!)).Should().Be("EX ArgumentNullException hr=0x80004003");

    [Theory]
    [InlineData("a", "/b", "a/b")]
    [InlineData("a//", "b", "a//b")]
    [InlineData("a/", "b", "a/b")]
    [InlineData("", "b", "b")]
    public void Join_AsSystemIO(string first, string second, string expected) =>
        Fs.Path.Join(first, second).Should().Be(expected);

    [Fact]
    public void Join_OfSpansAndFourParts_AsSystemIO()
    {
        Fs.Path.Join("a".AsSpan(), "b".AsSpan(), "c".AsSpan()).Should().Be("a/b/c");
        Fs.Path.Join("a", "b", "c", "d").Should().Be("a/b/c/d");
        Fs.Path.Join(["p", "q"]).Should().Be("p/q");
    }

    [Fact]
    public void TryJoin_WritesIntoTheBuffer()
    {
        Span<char> buffer = stackalloc char[8];
        Fs.Path.TryJoin("ab", "cd", buffer, out int written).Should().BeTrue();
        buffer[..written].ToString().Should().Be("ab/cd");
        Fs.Path.TryJoin("abcd", "efgh", buffer, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("/a/b/../c/./d", "/a/c/d")]
    [InlineData("/a//b", "/a/b")]
    [InlineData("/a/b/", "/a/b/")]
    [InlineData("/..", "/")]
    [InlineData("/", "/")]
    public void GetFullPath_OfARootedPath_Normalises(string path, string expected) =>
        Fs.Path.GetFullPath(path).Should().Be(expected);

    [Fact]
    public void GetFullPath_WithABase_ResolvesAgainstIt() =>
        Fs.Path.GetFullPath("x/../y", "/base").Should().Be("/base/y");

    [Fact]
    public void GetFullPath_OfEmpty_ThrowsArgument() =>
        Of(() => Fs.Path.GetFullPath(string.Empty)).Should().Be("EX ArgumentException hr=0x80070057");

    [Fact]
    public void GetFullPath_OfNull_ThrowsArgumentNull() =>
        Of(() => Fs.Path.GetFullPath(null!)).Should().Be("EX ArgumentNullException hr=0x80004003");

    [Fact]
    public void GetFullPath_WithANullCharacter_ThrowsArgument() =>
        Of(() => Fs.Path.GetFullPath("/a\0b")).Should().Be("EX ArgumentException hr=0x80070057");

    [Theory]
    [InlineData("/a/b", "/a/b/c/d", "c/d")]
    [InlineData("/a/b/c", "/a/x", "../../x")]
    [InlineData("/a", "/a", ".")]
    [InlineData("/a/b", "/A/b", "../../A/b")]
    public void GetRelativePath_OfRootedPaths_AsSystemIO(string relativeTo, string path, string expected) =>
        Fs.Path.GetRelativePath(relativeTo, path).Should().Be(expected);

    [Fact]
    public void GetRelativePath_OfEmptyOrNull_ThrowsArgument()
    {
        Of(() => Fs.Path.GetRelativePath(string.Empty, "/a")).Should().Be("EX ArgumentException hr=0x80070057");
        Of(() => Fs.Path.GetRelativePath("/a", null!)).Should().Be("EX ArgumentNullException hr=0x80004003");
    }

    [Theory]
    [InlineData("/a/b.txt", "b.txt", "b", ".txt", "/a", true)]
    [InlineData("/a/b.tar.gz", "b.tar.gz", "b.tar", ".gz", "/a", true)]
    [InlineData("/a/", "", "", "", "/a", false)]
    [InlineData("noext", "noext", "noext", "", "", false)]
    [InlineData("/.hidden", ".hidden", "", ".hidden", "/", true)]
    public void NameParts_AsSystemIO(string path, string fileName, string withoutExtension, string extension, string directory, bool hasExtension)
    {
        Fs.Path.GetFileName(path).Should().Be(fileName);
        Fs.Path.GetFileNameWithoutExtension(path).Should().Be(withoutExtension);
        Fs.Path.GetExtension(path).Should().Be(extension);
        (Fs.Path.GetDirectoryName(path) ?? string.Empty).Should().Be(directory);
        Fs.Path.HasExtension(path).Should().Be(hasExtension);
    }

    [Fact]
    public void GetDirectoryName_OfTheRoot_IsNull() => Fs.Path.GetDirectoryName("/").Should().BeNull();

    [Fact]
    public void ChangeExtension_AsSystemIO()
    {
        Fs.Path.ChangeExtension("/a/b.txt", ".md").Should().Be("/a/b.md");
        Fs.Path.ChangeExtension("/a/b.txt", null).Should().Be("/a/b");
    }

    [Fact]
    public void Rooting_AsSystemIO()
    {
        Fs.Path.IsPathRooted("/a").Should().BeTrue();
        Fs.Path.IsPathRooted("a").Should().BeFalse();
        Fs.Path.IsPathFullyQualified("/a").Should().BeTrue();
        Fs.Path.IsPathFullyQualified("a/b").Should().BeFalse();
        Fs.Path.GetPathRoot("/a/b").Should().Be("/");
        Fs.Path.GetPathRoot("a/b").Should().BeEmpty();
    }

    [Fact]
    public void Separators_AreLinuxs()
    {
        Fs.Path.DirectorySeparatorChar.Should().Be('/');
        Fs.Path.AltDirectorySeparatorChar.Should().Be('/');
        Fs.Path.PathSeparator.Should().Be(':');
        Fs.Path.VolumeSeparatorChar.Should().Be('/');
        Fs.Path.GetInvalidPathChars().Should().Equal('\0');
        Fs.Path.GetInvalidFileNameChars().Should().Equal('\0', '/');
    }

    [Fact]
    public void TrailingSeparators_AsSystemIO()
    {
        Fs.Path.EndsInDirectorySeparator("/a/").Should().BeTrue();
        Fs.Path.TrimEndingDirectorySeparator("/a/").Should().Be("/a");
        Fs.Path.TrimEndingDirectorySeparator("/").Should().Be("/");
    }

    [Fact]
    public void GetRandomFileName_IsAnEightDotThreeName()
    {
        string name = Fs.Path.GetRandomFileName();
        name.Should().MatchRegex("^[a-z0-9]{8}\\.[a-z0-9]{3}$");
        Fs.Path.GetRandomFileName().Should().NotBe(name);
    }

    [Fact]
    public void GetTempPath_IsTheProcessOnesOnTheDiskAndSlashTmpOnAnOverlay() =>
        // Intended difference (docs/conformance.md): an overlay does not read TMPDIR.
        Fs.Path.GetTempPath().Should().Be(IsDisk ? Path.GetTempPath() : "/tmp/");

    [Fact]
    public void GetTempFileName_CreatesAnEmptyFileInTheTempPath()
    {
#pragma warning disable CS0618 // The member under test is obsolete.
        string file = Fs.Path.GetTempFileName();
#pragma warning restore CS0618
        try
        {
            Fs.Path.GetDirectoryName(file).Should().Be(Fs.Path.TrimEndingDirectorySeparator(Fs.Path.GetTempPath()));
            Fs.Path.GetExtension(file).Should().Be(".tmp");
            Fs.File.ReadAllBytes(file).Should().BeEmpty();
            Fs.File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        finally
        {
            Fs.File.Delete(file);
        }
    }

    [Theory]
    [InlineData("/d/a.txt", true)]
    [InlineData("/d", true)]
    [InlineData("/d/", true)]
    [InlineData("/link", true)]
    [InlineData("/dirlink", true)]
    [InlineData("/dangling", true)]
    [InlineData("/nope", false)]
    [InlineData("/f.txt/", false)]
    public void Exists_LooksAtTheMergedView(string path, bool expected) =>
        Fs.Path.Exists(P(path)).Should().Be(expected);

    [Fact]
    public void Exists_AfterADelete_IsFalse()
    {
        Fs.File.Delete(P("/d/a.txt"));
        Fs.Path.Exists(P("/d/a.txt")).Should().BeFalse();
    }

    [Fact]
    public void Exists_OfNullOrEmpty_IsFalse()
    {
        Fs.Path.Exists(null).Should().BeFalse();
        Fs.Path.Exists(string.Empty).Should().BeFalse();
    }
}
