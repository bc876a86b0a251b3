using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.Reliability;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// A name of a host upper that is not a directory is removed with one <c>unlink</c> and no second
/// look at it: the engine's lookup has already told it from a directory, and a file the overlay
/// made itself is not looked at at all. A directory, a link and a copied-up file over a lower one
/// still go the way they went (a tree removed, the link and not its target, a whiteout left).
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
[Collection(SyscallFaultCollection.Name)]
public sealed class HostUpperDeleteCallsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-delete-calls-").FullName;

    public void Dispose()
    {
        LinuxSyscalls.Fault = null;
        Directory.Delete(_root, recursive: true);
    }

    private string Upper => Path.Combine(_root, "upper");

    private string Lower => Path.Combine(_root, "lower");

    [Theory]
    [InlineData(WhiteoutForm.Oci)]
    [InlineData(WhiteoutForm.Kernel)]
    public void DeletingAnUpperFileTheOverlayMade_UnlinksItOnce_WithoutLookingAtIt(WhiteoutForm form)
    {
        SkipUnlessLinux();
        var overlay = Overlay(form);
        overlay.Directory.CreateDirectory("/new");
        overlay.File.WriteAllText("/new/a", "a");
        overlay.File.WriteAllText("/new/b", "b");
        string host = Path.Combine(Upper, "new/a");

        var calls = SyscallRecorder.Record(() => overlay.File.Delete("/new/a"));

        calls.Where(c => c.Path == host).Select(c => c.Call).Should().Equal(["unlink"], "the upper knows it made a file there");
        File.Exists(host).Should().BeFalse();
        overlay.File.Exists("/new/a").Should().BeFalse();
        overlay.Directory.GetFiles("/new").Select(Path.GetFileName).Should().Equal("b");
    }

    [Theory]
    [InlineData(WhiteoutForm.Oci)]
    [InlineData(WhiteoutForm.Kernel)]
    public void DeletingAnUpperFileTheOverlayDidNotMake_UnlinksItOnce_AndStatsItOnce(WhiteoutForm form)
    {
        SkipUnlessLinux();
        Directory.CreateDirectory(Path.Combine(Upper, "new"));
        File.WriteAllText(Path.Combine(Upper, "new/a"), "a");
        var overlay = Overlay(form);
        string host = Path.Combine(Upper, "new/a");

        var calls = SyscallRecorder.Record(() => overlay.File.Delete("/new/a"));

        calls.Where(c => c.Path == host && c.Call == "unlink").Should().HaveCount(1);
        calls.Where(c => c.Path == host && c.Call == "statx").Should().HaveCount(1, "the lookup's look is the only one");
        File.Exists(host).Should().BeFalse();
        overlay.File.Exists("/new/a").Should().BeFalse();
    }

    [Fact]
    public void AFileTheOverlayMade_ReplacedOutsideByADirectory_IsLookedAtAgainAfterInvalidateIndex()
    {
        SkipUnlessLinux();
        var overlay = Overlay(WhiteoutForm.Oci);
        overlay.File.WriteAllText("/f", "f");
        File.Delete(Path.Combine(Upper, "f"));
        Directory.CreateDirectory(Path.Combine(Upper, "f"));
        overlay.InvalidateIndex();

        FluentActions.Invoking(() => overlay.File.Delete("/f")).Should().Throw<UnauthorizedAccessException>();

        Directory.Exists(Path.Combine(Upper, "f")).Should().BeTrue("a directory is not removed as a file");
        overlay.Directory.Exists("/f").Should().BeTrue();
    }

    [Fact]
    public void AFileTheLayerMade_IsKnownAsAFile_UntilItsNameOrAttributesChange()
    {
        SkipUnlessLinux();
        Directory.CreateDirectory(Upper);
        using var layer = new HostDirectoryLayer(Upper, new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work") });
        var cache = (IUpperEntryCache)layer;
        layer.CreateDirectory("/d", (UnixFileMode)0x1ED);
        layer.CreateFile("/d/f", (UnixFileMode)0x1A4);
        cache.IsKnownFile("/d/f").Should().BeFalse("nothing is kept before the cache starts");

        cache.Start();
        layer.CreateFile("/d/g", (UnixFileMode)0x1A4);
        layer.CreateFile("/d/h", (UnixFileMode)0x1A4);
        layer.CreateFile("/d/x", (UnixFileMode)0x1A4);
        layer.CreateDirectory("/d/sub", (UnixFileMode)0x1ED);
        cache.IsKnownFile("/d/g").Should().BeTrue();
        cache.IsKnownFile("/d/f").Should().BeFalse("made before the cache started");
        cache.IsKnownFile("/d/sub").Should().BeFalse("a directory");

        layer.Rename("/d/g", "/d/g2");
        cache.IsKnownFile("/d/g").Should().BeFalse("renamed away");
        cache.IsKnownFile("/d/g2").Should().BeFalse("only what the layer made at the name is known");
        ((IUnixMetadataWrites)layer).SetExtendedAttribute("/d/x", "user.test", [1]);
        cache.IsKnownFile("/d/x").Should().BeFalse("an attribute can make a file read as another kind");
        cache.IsKnownFile("/d/h").Should().BeTrue();
        layer.Delete("/d/h");
        cache.IsKnownFile("/d/h").Should().BeFalse("deleted");

        layer.CreateFile("/d/h", (UnixFileMode)0x1A4);
        cache.IsKnownFile("/d/h").Should().BeTrue("made again");
        cache.Clear();
        cache.IsKnownFile("/d/h").Should().BeFalse("forgotten with everything else");
    }

    [Theory]
    [InlineData(WhiteoutForm.Oci)]
    [InlineData(WhiteoutForm.Kernel)]
    public void DirectoriesLinksAndCopiedUpFiles_AreRemovedAsBefore(WhiteoutForm form)
    {
        SkipUnlessLinux();
        Directory.CreateDirectory(Path.Combine(Lower, "etc"));
        File.WriteAllText(Path.Combine(Lower, "etc/conf"), "lower");
        var lowerBefore = Tree(Lower);
        var overlay = Overlay(form);
        overlay.Directory.CreateDirectory("/dir/sub");
        overlay.File.WriteAllText("/dir/sub/f", "f");
        overlay.File.WriteAllText("/target", "target");
        overlay.File.CreateSymbolicLink("/link", "/target");
        overlay.File.AppendAllText("/etc/conf", " and upper");

        overlay.Directory.Delete("/dir", recursive: true);
        overlay.File.Delete("/link");
        overlay.File.Delete("/etc/conf");

        Directory.Exists(Path.Combine(Upper, "dir")).Should().BeFalse();
        overlay.Directory.Exists("/dir").Should().BeFalse();
        overlay.File.Exists("/link").Should().BeFalse();
        overlay.File.ReadAllText("/target").Should().Be("target", "the link went, not what it pointed to");
        overlay.File.Exists("/etc/conf").Should().BeFalse("the copied-up file's lower copy is hidden");
        overlay.Directory.GetFileSystemEntries("/etc").Should().BeEmpty();
        Tree(Lower).Should().Equal(lowerBefore);
    }

    [Fact]
    public void AnUpperDirectoryDeletedAsAFile_IsRefusedAndKept()
    {
        SkipUnlessLinux();
        var overlay = Overlay(WhiteoutForm.Oci);
        overlay.Directory.CreateDirectory("/d");

        FluentActions.Invoking(() => overlay.File.Delete("/d")).Should().Throw<UnauthorizedAccessException>();

        Directory.Exists(Path.Combine(Upper, "d")).Should().BeTrue();
        overlay.Directory.Exists("/d").Should().BeTrue();
    }

    private OverlayFileSystem Overlay(WhiteoutForm form)
    {
        Directory.CreateDirectory(Lower);
        Directory.CreateDirectory(Upper);
        var upper = new HostDirectoryLayer(Upper, new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work"), WhiteoutForm = form });
        return new OverlayFileSystem([new HostDirectoryLayer(Lower, new HostDirectoryLayerOptions { WhiteoutForm = form })], upper);
    }

    private static List<string> Tree(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => $"{Path.GetRelativePath(root, p)} {(File.Exists(p) ? File.ReadAllText(p) : "/")}")
            .Order(StringComparer.Ordinal)];

    private static void SkipUnlessLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Host-directory layers call Linux directly only on Linux.");
        }
    }
}
