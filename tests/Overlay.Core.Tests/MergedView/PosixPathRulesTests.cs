using Overlay.Layers;

namespace Overlay.Tests.MergedView;

/// <summary>
/// The overlay's path arithmetic is POSIX by construction, not the host's System.IO.Path: these
/// rules hold as they are on every operating system ('\' is a name character, "C:" is a name,
/// '/' the only separator and the only root). On Linux the same inputs are also run through
/// System.IO.Path, which is the ground truth of the rules there.
/// </summary>
public sealed class PosixPathRulesTests
{
    private static readonly string[] Inputs =
    [
        "/", "//", "/a", "/a/", "/a//b", "a", "a/b", "a/", ".", "..", "/a/./b", "/a/../b", "/..", "/../..", "/a/b/..", "/a/b/../",
        "C:", "C:\\x", "\\\\server\\share", "/a\\b", "a\\b\\c", "/x/.hidden", "/x/file.tar.gz", "/x/file.", "/x.d/file", "/a/b/.", "a/..",
    ];

    private static OverlayFileSystem Overlay() =>
        new([new MemoryLayer("lower").AddDirectory("/home/user")], new MemoryLayer("upper"), new OverlayOptions { CurrentDirectory = "/home/user" });

    [Fact]
    public void Separators_AreSlashOnly()
    {
        var path = Overlay().Path;

        path.DirectorySeparatorChar.Should().Be('/');
        path.AltDirectorySeparatorChar.Should().Be('/');
        path.VolumeSeparatorChar.Should().Be('/');
        path.PathSeparator.Should().Be(':');
        path.GetInvalidFileNameChars().Should().BeEquivalentTo(['\0', '/']);
    }

    [Fact]
    public void ABackslash_IsANameCharacter()
    {
        var path = Overlay().Path;

        path.GetFileName("/a/b\\c").Should().Be("b\\c");
        path.GetDirectoryName("/a/b\\c").Should().Be("/a");
        path.Combine("/a", "b\\c").Should().Be("/a/b\\c");
        path.GetFullPath("x\\..\\y").Should().Be("/home/user/x\\..\\y", "'..' between backslashes is part of one name");
        path.IsPathRooted("\\\\server\\share").Should().BeFalse();
    }

    [Fact]
    public void ADriveLetter_IsAName()
    {
        var path = Overlay().Path;

        path.IsPathRooted("C:").Should().BeFalse();
        path.IsPathRooted("C:\\x").Should().BeFalse();
        path.GetPathRoot("C:\\x").Should().BeEmpty();
        path.GetFullPath("C:").Should().Be("/home/user/C:");
        path.Combine("/a", "C:\\b").Should().Be("/a/C:\\b");
        path.GetRelativePath("/home", "C:").Should().Be("user/C:");
    }

    [Fact]
    public void FilesNamedWithABackslashOrADriveLetter_AreOneName()
    {
        var fs = Overlay();

        fs.File.WriteAllText("C:", "drive");
        fs.File.WriteAllText("/home/user/a\\b", "one name");

        fs.Directory.GetFileSystemEntries("/home/user").Order(StringComparer.Ordinal).Should().Equal("/home/user/C:", "/home/user/a\\b");
        fs.File.ReadAllText("/home/user/C:").Should().Be("drive");
        fs.FileInfo.New("a\\b").Name.Should().Be("a\\b");
        fs.FileInfo.New("a\\b").DirectoryName.Should().Be("/home/user");
        fs.Directory.Exists("/home/user/a").Should().BeFalse();
    }

    [Fact]
    public void OnLinux_TheRulesAreSystemIOPaths()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "System.IO.Path is the ground truth of POSIX rules on Linux only.");
        var path = Overlay().Path;
        foreach (var input in Inputs)
        {
            path.GetFileName(input).Should().Be(Path.GetFileName(input), input);
            path.GetDirectoryName(input).Should().Be(Path.GetDirectoryName(input), input);
            path.GetExtension(input).Should().Be(Path.GetExtension(input), input);
            path.GetFileNameWithoutExtension(input).Should().Be(Path.GetFileNameWithoutExtension(input), input);
            path.HasExtension(input).Should().Be(Path.HasExtension(input), input);
            path.ChangeExtension(input, "md").Should().Be(Path.ChangeExtension(input, "md"), input);
            path.ChangeExtension(input, null).Should().Be(Path.ChangeExtension(input, null), input);
            path.IsPathRooted(input).Should().Be(Path.IsPathRooted(input), input);
            path.GetPathRoot(input).Should().Be(Path.GetPathRoot(input), input);
            path.EndsInDirectorySeparator(input).Should().Be(Path.EndsInDirectorySeparator(input), input);
            path.TrimEndingDirectorySeparator(input).Should().Be(Path.TrimEndingDirectorySeparator(input), input);
            path.GetFullPath(input, "/base/dir").Should().Be(Path.GetFullPath(input, "/base/dir"), input);
            path.Combine("/base", input).Should().Be(Path.Combine("/base", input), input);
            path.Combine("rel/", input, "x").Should().Be(Path.Combine("rel/", input, "x"), input);
            path.Join("/base", input).Should().Be(Path.Join("/base", input), input);
            path.Join(input, "/x", string.Empty, "y").Should().Be(Path.Join(input, "/x", string.Empty, "y"), input);
            foreach (var other in Inputs.Where(i => i.StartsWith('/')))
            {
                path.GetRelativePath(other, "/base" + input).Should().Be(Path.GetRelativePath(other, Path.GetFullPath("/base" + input)), other + " -> " + input);
            }
        }
    }
}
