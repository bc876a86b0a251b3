using Overlay.Images;
using Overlay.Tests.Differential;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Images;

/// <summary>The store's directories mount under the real kernel, as Docker mounts them, and show the container's file system.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Trait("Category", "KernelMount")]
[Trait("Category", "Disk")]
public sealed class KernelMountTests
{
    [Fact]
    public void ContainerDirectories_MountedAsDockerMountsThem_ShowWhatExportWrites()
    {
        if (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0)
        {
            KernelOracle.SkipOrFail("the store's kernel-form layers and the mount need root on Linux");
        }

        KernelOracle.RequireOrSkip();
        using var harness = StoreHarness.Create(StoreKind.Disk);
        string id;
        GraphDriverData data;
        string[] exported;
        using (var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag))
        {
            DockerFixtures.ReplayC1(c1.FileSystem);
            (id, data) = (c1.Id, c1.GraphDriver);
            using var tar = new MemoryStream();
            c1.Export(tar, TestContext.Current.CancellationToken);
            tar.Position = 0;
            exported = DockerFixtures.TarTree(tar);
        }

        string merged = Directory.CreateDirectory(data.MergedDir).FullName;
        int errno = LinuxNative.Mount("overlay", merged, "overlay", $"lowerdir={data.LowerDir},upperdir={data.UpperDir},workdir={data.WorkDir},{KernelOracle.MountOptions}");
        errno.Should().Be(0, "the kernel should mount the store's directories with Docker's options");
        try
        {
            DockerFixtures.MergedTree(new System.IO.Abstractions.FileSystem(), merged).Should().Equal(exported);
            DockerFixtures.MergedTree(new System.IO.Abstractions.FileSystem(), merged).Should().Equal(DockerFixtures.TarTree("c1-export.tar"));
        }
        finally
        {
            LinuxNative.Unmount(merged);
        }

        using var again = harness.Store.OpenContainer(id);
        again.FileSystem.File.ReadAllText("/olddir/fresh.txt").Should().Be("fresh\n");
    }
}
