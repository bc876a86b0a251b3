using System.Runtime.Versioning;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>Directory.Enumerate*/Get* with search patterns and EnumerationOptions, compared as sets, on every target.</summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class EnumerationTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void GetFiles_ListsTheFilesOfOneDirectory() =>
        Set(Fs.Directory.GetFiles(P("/d"))).Should().Equal("/d/a.txt", "/d/b.bin", "/d/x.log", "/d/y.LOG");

    [Fact]
    public void GetDirectories_ListsTheSubdirectories() =>
        Set(Fs.Directory.GetDirectories(P("/d"))).Should().Equal("/d/sub");

    [Fact]
    public void GetFileSystemEntries_ListsBoth() =>
        Set(Fs.Directory.GetFileSystemEntries(P("/d"))).Should().Equal("/d/a.txt", "/d/b.bin", "/d/sub", "/d/x.log", "/d/y.LOG");

    [Fact]
    public void GetFileSystemEntries_OfTheRoot_ListsEverySeededName() =>
        Set(Fs.Directory.GetFileSystemEntries(P("/"))).Should().Equal("/d", "/dangling", "/dirlink", "/empty", "/exec.sh", "/f.txt", "/lines.txt", "/link", "/ro.txt");

    [Fact]
    public void GetFiles_OfAnEmptyDirectory_IsEmpty() => Fs.Directory.GetFiles(P("/empty")).Should().BeEmpty();

    [Theory]
    [InlineData("*", "/d/a.txt,/d/b.bin,/d/sub,/d/x.log,/d/y.LOG")]
    [InlineData("*.*", "/d/a.txt,/d/b.bin,/d/sub,/d/x.log,/d/y.LOG")]
    [InlineData("*.txt", "/d/a.txt")]
    [InlineData("*.log", "/d/x.log")]
    [InlineData("*.LOG", "/d/y.LOG")]
    [InlineData("?.txt", "/d/a.txt")]
    [InlineData("??.txt", "/d/a.txt")]
    [InlineData("???.txt", "/d/a.txt")]
    [InlineData("?", "")]
    [InlineData("a*", "/d/a.txt")]
    [InlineData("*b*", "/d/b.bin,/d/sub")]
    [InlineData("s?b", "/d/sub")]
    [InlineData("a.txt", "/d/a.txt")]
    [InlineData("A.TXT", "")]
    [InlineData("*.t", "")]
    [InlineData("*.*t", "/d/a.txt")]
    [InlineData("", "/d/a.txt,/d/b.bin,/d/sub,/d/x.log,/d/y.LOG")]
    public void EnumerateFileSystemEntries_WithAPattern_MatchesAsSystemIO(string pattern, string expected) =>
        Set(Fs.Directory.EnumerateFileSystemEntries(P("/d"), pattern)).Should().Equal(Split(expected));

    [Theory]
    [InlineData(MatchType.Simple, MatchCasing.PlatformDefault, "*.log", "/d/x.log")]
    [InlineData(MatchType.Simple, MatchCasing.CaseInsensitive, "*.log", "/d/x.log,/d/y.LOG")]
    [InlineData(MatchType.Simple, MatchCasing.CaseSensitive, "*.LOG", "/d/y.LOG")]
    [InlineData(MatchType.Win32, MatchCasing.PlatformDefault, "*.*", "/d/a.txt,/d/b.bin,/d/sub,/d/x.log,/d/y.LOG")]
    [InlineData(MatchType.Simple, MatchCasing.PlatformDefault, "*.*", "/d/a.txt,/d/b.bin,/d/x.log,/d/y.LOG")]
    [InlineData(MatchType.Win32, MatchCasing.CaseInsensitive, "A<", "")]
    [InlineData(MatchType.Win32, MatchCasing.CaseInsensitive, "A*", "/d/a.txt")]
    [InlineData(MatchType.Simple, MatchCasing.PlatformDefault, "?.txt", "/d/a.txt")]
    public void EnumerateFileSystemEntries_WithMatchOptions_MatchesAsSystemIO(MatchType type, MatchCasing casing, string pattern, string expected) =>
        Set(Fs.Directory.EnumerateFileSystemEntries(P("/d"), pattern, new EnumerationOptions { MatchType = type, MatchCasing = casing })).Should().Equal(Split(expected));

    [Fact]
    public void GetFiles_AllDirectories_Recurses() =>
        Set(Fs.Directory.GetFiles(P("/d"), "*.txt", SearchOption.AllDirectories)).Should().Equal("/d/a.txt", "/d/sub/c.txt", "/d/sub/deep/e.txt");

    [Fact]
    public void GetDirectories_AllDirectories_Recurses() =>
        Set(Fs.Directory.GetDirectories(P("/d"), "*", SearchOption.AllDirectories)).Should().Equal("/d/sub", "/d/sub/deep");

    [Fact]
    public void EnumerateFiles_RecurseWithMaxDepth_StopsThere() =>
        Set(Fs.Directory.EnumerateFiles(P("/d"), "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1 })).Should().Equal("/d/a.txt", "/d/b.bin", "/d/sub/c.txt", "/d/x.log", "/d/y.LOG");

    [Fact]
    public void EnumerateFiles_RecursesThroughDirectoryLinks() =>
        Set(Fs.Directory.EnumerateFiles(P("/"), "c.txt", SearchOption.AllDirectories)).Should().Equal("/d/sub/c.txt", "/dirlink/sub/c.txt");

    [Fact]
    public void EnumerateFiles_SkippingReparsePoints_DoesNotRecurseThroughDirectoryLinks() =>
        Set(Fs.Directory.EnumerateFiles(P("/"), "c.txt", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })).Should().Equal("/d/sub/c.txt");

    [Fact]
    public void EnumerateFileSystemEntries_SkipsHiddenOnlyWhenAsked()
    {
        Fs.File.WriteAllText(P("/empty/.h"), "x");
        Fs.File.WriteAllText(P("/empty/v"), "x");
        Set(Fs.Directory.EnumerateFileSystemEntries(P("/empty"))).Should().Equal("/empty/.h", "/empty/v");
        Set(Fs.Directory.EnumerateFileSystemEntries(P("/empty"), "*", new EnumerationOptions())).Should().Equal("/empty/v");
    }

    [Fact]
    public void EnumerationOptions_AttributesToSkipReparsePoints_SkipsLinks() =>
        Set(Fs.Directory.EnumerateFileSystemEntries(P("/"), "*", new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint })).Should().Equal("/d", "/empty", "/exec.sh", "/f.txt", "/lines.txt", "/ro.txt");

    [Fact]
    public void EnumerationOptions_AttributesToSkipReadOnly_SkipsReadOnlyFiles() =>
        Set(Fs.Directory.EnumerateFiles(P("/"), "*.txt", new EnumerationOptions { AttributesToSkip = FileAttributes.ReadOnly })).Should().Equal("/f.txt", "/lines.txt");

    [Fact]
    public void EnumerationOptions_ReturnSpecialDirectories_AddsDotAndDotDot() =>
        Set(Fs.Directory.EnumerateFileSystemEntries(P("/d/sub"), "*", new EnumerationOptions { ReturnSpecialDirectories = true }))
            .Should().Equal("/d/sub/.", "/d/sub/..", "/d/sub/c.txt", "/d/sub/deep");

    [Fact]
    public void EnumerateDirectories_OfAMissingDirectory_ThrowsDirectoryNotFound() =>
        Of(() => Fs.Directory.EnumerateDirectories(P("/nope")).ToList()).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void EnumerateFiles_OfAFile_ThrowsIOExceptionENotDir() =>
        Of(() => Fs.Directory.EnumerateFiles(P("/f.txt")).ToList()).Should().Be(Outcome.DirectoryNotFound);

    [Fact]
    public void EnumerateFiles_ThroughADirectoryLink_ListsTheTarget() =>
        Set(Fs.Directory.EnumerateFiles(P("/dirlink/sub"))).Should().Equal("/dirlink/sub/c.txt");

    [Fact]
    public void EnumerateFiles_WithAPatternHoldingADirectory_SearchesThere() =>
        Set(Fs.Directory.EnumerateFiles(P("/d"), "sub/*.txt")).Should().Equal("/d/sub/c.txt");

    [Fact]
    public void EnumerateFiles_WithAPatternGoingUp_ListsTheParent() =>
        Set(Fs.Directory.EnumerateFiles(P("/d/sub"), "../*.log")).Should().Equal("/d/sub/../x.log");

    [Fact]
    public void EnumerateFiles_WithANullPattern_ThrowsArgumentNull() =>
        Of(() => Fs.Directory.EnumerateFiles(P("/d"), null!)).Should().Be("EX ArgumentNullException hr=0x80004003");

    [Fact]
    public void Enumeration_AfterChanges_ShowsTheChanges()
    {
        Fs.File.Delete(P("/d/a.txt"));
        Fs.File.WriteAllText(P("/d/new.txt"), "n");
        Fs.Directory.Delete(P("/d/sub"), true);
        Set(Fs.Directory.EnumerateFileSystemEntries(P("/d"))).Should().Equal("/d/b.bin", "/d/new.txt", "/d/x.log", "/d/y.LOG");
    }

    [Fact]
    public void Enumeration_WithARelativeLookingPath_KeepsTheCallersForm()
    {
        Set(Fs.Directory.GetFiles(P("/d/sub/"))).Should().Equal("/d/sub/c.txt");
        Set(Fs.Directory.GetFiles(P("/d/./sub"))).Should().Equal("/d/./sub/c.txt");
    }

    [Fact]
    public void EnumerateFiles_IsLazy_ASnapshotOfNamesAtTheStart()
    {
        using var e = Fs.Directory.EnumerateFiles(P("/d/sub/deep")).GetEnumerator();
        e.MoveNext().Should().BeTrue();
        U(e.Current).Should().Be("/d/sub/deep/e.txt");
        e.MoveNext().Should().BeFalse();
    }

    [Fact]
    public void DirectoryInfoEnumerateFileSystemInfos_GivesTypedInfos()
    {
        var infos = Fs.DirectoryInfo.New(P("/d")).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        infos.Select(i => i.Name).Should().Equal("a.txt", "b.bin", "sub", "x.log", "y.LOG");
        infos.Select(i => i is System.IO.Abstractions.IDirectoryInfo).Should().Equal(false, false, true, false, false);
        infos[1].Should().BeAssignableTo<System.IO.Abstractions.IFileInfo>().Which.Length.Should().Be(256);
    }

    [Fact]
    public void DirectoryInfoGetFiles_WithAPatternAndOption_Recurses() =>
        Set(Fs.DirectoryInfo.New(P("/d")).GetFiles("e*", SearchOption.AllDirectories).Select(f => f.FullName)).Should().Equal("/d/sub/deep/e.txt");

    [Fact]
    public void DirectoryInfoGetDirectories_WithOptions_Recurses() =>
        Set(Fs.DirectoryInfo.New(P("/")).GetDirectories("*", new EnumerationOptions { RecurseSubdirectories = true }).Select(f => f.FullName)).Should().Equal("/d", "/d/sub", "/d/sub/deep", "/dirlink", "/dirlink/sub", "/dirlink/sub/deep", "/empty");

    [Fact]
    public void DirectoryInfoGetFileSystemInfos_WithAPattern_Filters() =>
        Fs.DirectoryInfo.New(P("/")).GetFileSystemInfos("*link").Select(i => i.Name).Order(StringComparer.Ordinal).Should().Equal("dirlink", "link");

    // A link to an ancestor makes the tree endless: System.IO walks it, building each deeper path
    // by name, until stat(2) of such a path meets more than 40 links (ELOOP). That entry then is
    // no directory, so it is listed as a file and not entered, and the walk ends without an error.
    // "/dirlink" adds one link to every path under it, so the chain there is one name shorter.

    [Fact]
    public void EnumerateFileSystemEntries_AllDirectoriesThroughALinkToAnAncestor_StopsAtTheLinkLimitWithoutAnError()
    {
        Fs.Directory.CreateSymbolicLink(P("/d/sub/deep/a"), ".");
        var all = Set(Fs.Directory.EnumerateFileSystemEntries(P("/"), "*", SearchOption.AllDirectories));
        LongestChain(all, "/d/sub/deep").Should().Be(41);
        LongestChain(all, "/dirlink/sub/deep").Should().Be(40);
        all.Should().Contain("/d/sub/deep" + Chain(40) + "/e.txt").And.NotContain("/d/sub/deep" + Chain(41) + "/e.txt");
        all.Should().HaveCount(185);
    }

    [Fact]
    public void GetFilesAndGetDirectories_AllDirectoriesThroughALinkToAnAncestor_ListTheLastLinkAsAFile()
    {
        Fs.Directory.CreateSymbolicLink(P("/d/sub/deep/a"), ".");
        var files = Set(Fs.Directory.GetFiles(P("/d/sub"), "a", SearchOption.AllDirectories));
        var directories = Set(Fs.Directory.GetDirectories(P("/d/sub"), "a", SearchOption.AllDirectories));
        files.Should().Equal("/d/sub/deep" + Chain(41));
        directories.Should().HaveCount(40).And.Contain("/d/sub/deep" + Chain(40));
    }

    [Fact]
    public void EnumerateFiles_ThroughTwoLinksToAncestors_WithAMaxRecursionDepth_ListsEveryPathToThatDepth()
    {
        // Two such links make System.IO's walk branch at every level (2^40 paths): a depth bound
        // is what keeps such a walk finite, on the disk as on the overlay.
        Fs.Directory.CreateSymbolicLink(P("/d/sub/deep/a"), ".");
        Fs.Directory.CreateSymbolicLink(P("/d/sub/deep/b"), "..");
        var files = Set(Fs.Directory.EnumerateFiles(P("/d/sub"), "*.txt", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4 }));
        files.Should().HaveCount(12).And.Contain("/d/sub/deep/b/deep/a/e.txt", "/d/sub/deep/a/a/b/c.txt");
        files.Should().Contain("/d/sub/deep/a/a/a/e.txt").And.NotContain("/d/sub/deep/a/a/a/a/e.txt");
    }

    [Fact]
    public void EnumerationOptions_AttributesToSkipReadOnly_SkipsALinkToAReadOnlyFile()
    {
        // System.IO takes a listed link's write bits from its target, as for File.GetAttributes.
        Fs.File.CreateSymbolicLink(P("/empty/rolink"), "../ro.txt");
        Fs.File.CreateSymbolicLink(P("/empty/link"), "../f.txt");
        Fs.File.CreateSymbolicLink(P("/empty/dangling"), "nowhere");
        Set(Fs.Directory.EnumerateFiles(P("/empty"), "*", new EnumerationOptions { AttributesToSkip = FileAttributes.ReadOnly })).Should().Equal("/empty/dangling", "/empty/link");
    }

    private static string Chain(int links) => string.Concat(Enumerable.Repeat("/a", links));

    private static int LongestChain(IEnumerable<string> paths, string directory) =>
        paths.Where(p => p.StartsWith(directory + "/a", StringComparison.Ordinal))
            .Select(p => p[directory.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).TakeWhile(n => n == "a").Count())
            .Max();

    private static string[] Split(string expected) => expected.Length == 0 ? [] : expected.Split(',');
}
