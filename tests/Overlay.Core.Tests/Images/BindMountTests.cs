using Overlay.Images;

namespace Overlay.Tests.Images;

/// <summary>/etc/hostname, /etc/hosts and /etc/resolv.conf as Docker's bind mounts: the container's own files, outside its layer.</summary>
public sealed class BindMountTests
{
    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void BindFiles_HoldTheContainersContent(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag, new ContainerOptions { Hostname = "web", ResolvConf = "nameserver 10.0.0.1\n" });

        c1.FileSystem.File.ReadAllText("/etc/hostname").Should().Be("web\n");
        c1.FileSystem.File.ReadAllText("/etc/resolv.conf").Should().Be("nameserver 10.0.0.1\n");
        c1.FileSystem.File.ReadAllText("/etc/hosts").Should().StartWith("127.0.0.1\tlocalhost\n");
        c1.FileSystem.Directory.EnumerateFileSystemEntries("/etc").Should().BeEquivalentTo(
            "/etc/group", "/etc/passwd", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab");
        c1.HostnamePath.Should().Be($"{harness.Store.GraphRoot}/containers/{c1.Id}/hostname");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void WriteToABindFile_NeverReachesTheUpperTheDiffOrACommit(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        var defaultHostname = c1.Hostname;

        c1.FileSystem.File.WriteAllText("/etc/hosts", "10.0.0.2\tc1\n");
        c1.FileSystem.File.AppendAllText("/etc/hostname", "more\n");

        c1.FileSystem.File.ReadAllText("/etc/hosts").Should().Be("10.0.0.2\tc1\n");
        c1.FileSystem.File.ReadAllText("/etc/hostname").Should().Be(defaultHostname + "\nmore\n");
        DockerFixtures.LayerTree(c1.Upper).Should().BeEmpty();
        c1.Diff(TestContext.Current.CancellationToken).Should().BeEmpty();
        if (kind == StoreKind.Disk)
        {
            File.ReadAllText(c1.HostsPath).Should().Be("10.0.0.2\tc1\n");
        }

        var image = c1.Commit("committed:1", cancellationToken: TestContext.Current.CancellationToken);
        using var c2 = harness.Store.CreateContainer(image.Id);
        DockerFixtures.LayerTree(c2.LowersTopFirst[1]).Should().BeEmpty();
        c2.FileSystem.File.ReadAllText("/etc/hosts").Should().StartWith("127.0.0.1\tlocalhost\n");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void BindFiles_KeepTheirContentAcrossARestart(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        string id;
        using (var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag))
        {
            id = c1.Id;
            c1.FileSystem.File.WriteAllText("/etc/resolv.conf", "nameserver 10.9.9.9\n");
        }

        harness.Reopen();
        using var again = harness.Store.OpenContainer(id);
        again.FileSystem.File.ReadAllText("/etc/resolv.conf").Should().Be("nameserver 10.9.9.9\n");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void DeleteOrRenameOfABindFile_FailsWithEbusy(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);
        c1.FileSystem.File.WriteAllText("/tmp/new-hosts", "x\n");

        c1.FileSystem.Invoking(fs => fs.File.Delete("/etc/hosts")).Should().Throw<IOException>().Where(e => e.HResult == 16);
        c1.FileSystem.Invoking(fs => fs.File.Move("/tmp/new-hosts", "/etc/hosts", overwrite: true)).Should().Throw<IOException>().Where(e => e.HResult == 16);
        c1.FileSystem.Invoking(fs => fs.Directory.Delete("/etc", recursive: true)).Should().Throw<IOException>();

        c1.FileSystem.File.Exists("/etc/hosts").Should().BeTrue();
        c1.Diff(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().NotContain(c => c.Contains("/etc/hosts"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Disk)]
    public void NewFileInEtc_CopiesEtcUpAndShowsInTheDiff(StoreKind kind)
    {
        using var harness = StoreHarness.Create(kind);
        using var c1 = harness.Store.CreateContainer(StoreHarness.BaseTag);

        c1.FileSystem.File.WriteAllText("/etc/motd", "hello\n");
        c1.FileSystem.File.AppendAllText("/etc/passwd", "app:x:1000:1000::/:/bin/sh\n");

        c1.Diff(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Equal("C /etc", "A /etc/motd", "C /etc/passwd");
        DockerFixtures.LayerTree(c1.Upper).Select(l => l.Split(' ')[0]).Should().Equal("etc", "etc/motd", "etc/passwd");
        c1.FileSystem.File.ReadAllText("/etc/hostname").Should().Be(c1.Hostname + "\n");
    }

    [Fact]
    public void TwoContainers_HaveTheirOwnBindFiles()
    {
        using var harness = StoreHarness.Create(StoreKind.Memory);
        using var a = harness.Store.CreateContainer(StoreHarness.BaseTag);
        using var b = harness.Store.CreateContainer(StoreHarness.BaseTag);

        a.FileSystem.File.WriteAllText("/etc/hosts", "a\n");

        b.FileSystem.File.ReadAllText("/etc/hosts").Should().NotBe("a\n");
        a.FileSystem.File.ReadAllText("/etc/hostname").Should().Be(a.Id[..12] + "\n");
        b.FileSystem.File.ReadAllText("/etc/hostname").Should().Be(b.Id[..12] + "\n");
    }
}
