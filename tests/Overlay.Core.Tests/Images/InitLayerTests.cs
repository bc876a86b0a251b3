using Overlay.Images;
using Overlay.Layers;

namespace Overlay.Tests.Images;

/// <summary>The init layer's rules on images other than the fixtures' base.</summary>
public sealed class InitLayerTests
{
    [Fact]
    public void Build_WhereTheImageHasTheMountPoints_MakesNoDirectories()
    {
        var image = new MemoryLayer("image").AddDirectory("/proc").AddDirectory("/sys").AddDirectory("/dev/pts").AddDirectory("/dev/shm").AddDirectory("/etc");
        var init = new MemoryLayer("init");

        InitLayer.Build(init, [image]);

        DockerFixtures.LayerTree(init).Select(l => l.Split(' ')[0]).Should().Equal(
            ".dockerenv", "dev", "dev/console", "etc", "etc/hostname", "etc/hosts", "etc/mtab", "etc/resolv.conf");
    }

    [Fact]
    public void Build_WhereTheImageHasFiles_ReplacesThemWithEmptyOnes()
    {
        var image = new MemoryLayer("image")
            .AddFile("/etc/hosts", "10.1.1.1 old\n")
            .AddSymbolicLink("/etc/mtab", "/somewhere")
            .AddFile("/sys", "a file where a directory belongs\n");
        var init = new MemoryLayer("init");

        InitLayer.Build(init, [image]);
        var merged = new OverlayFileSystem([init, image], null);

        merged.File.ReadAllText("/etc/hosts").Should().BeEmpty();
        merged.FileInfo.New("/etc/mtab").LinkTarget.Should().Be("/proc/mounts");
        merged.Directory.Exists("/sys").Should().BeTrue();
        init.TryGetEntry("/sys", out var sys).Should().BeTrue();
        sys.IsOpaque.Should().BeTrue("a directory made where a whiteout hid a lower file is opaque");
        image.ReadAllBytes("/etc/hosts").Should().NotBeEmpty();
    }
}
