using System.Text;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;

namespace Overlay.Tests.Oci;

/// <summary>
/// A root file system with every kind of unix metadata — non-root owners, a setgid directory and
/// binary, a capability, a POSIX ACL, a hard-linked pair, devices and a FIFO — read in place by a
/// tar layer, exported, extracted in both forms and exported again: nothing is lost or changed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnixRoundTripTests
{
    private static readonly byte[] NetRawCapability = [1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    // system.posix_acl_access: version 2, user::rw-, group::r--, group:8:rw-, mask::rw-, other::r--.
    private static readonly byte[] Acl =
    [
        2, 0, 0, 0,
        1, 0, 6, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        4, 0, 4, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        8, 0, 6, 0, 8, 0, 0, 0,
        0x10, 0, 6, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        0x20, 0, 4, 0, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static KeyValuePair<string, byte[]> Record(string key, string value) => new(key, Encoding.UTF8.GetBytes(value));

    private static KeyValuePair<string, byte[]>[] Owner(int uid, int gid) => [Record("uid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture)), Record("gid", gid.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    internal static byte[] Rootfs() => new TestTar()
        .Directory("./")
        .Directory("etc/")
        .Pax(Owner(0, 42)).File("etc/shadow", "root:*", 0b110_100_000)
        .Pax([.. Owner(0, 0), new("SCHILY.xattr.system.posix_acl_access", Acl)]).File("etc/acl", "acl", 0b110_110_100)
        .Directory("usr/").Directory("usr/bin/")
        .Pax(Owner(0, 42)).File("usr/bin/chage", "elf", Convert.ToInt32("2755", 8))
        .Pax([new("SCHILY.xattr.security.capability", NetRawCapability)]).File("usr/bin/ping", "elf", Convert.ToInt32("755", 8))
        .File("usr/bin/perl", "perl", Convert.ToInt32("755", 8))
        .HardLink("usr/bin/perl5.36.0", "usr/bin/perl")
        .Directory("var/")
        .Pax(Owner(0, 8)).Directory("var/mail/", Convert.ToInt32("2775", 8))
        .Directory("dev/")
        .Device("dev/null", '3', 1, 3)
        .Device("dev/sda", '4', 8, 0)
        .Device("dev/initctl", '6')
        .ToArray();

    private static TarLayer Open(TempDirectory dir, byte[] tar, string name = "rootfs.tar")
    {
        File.WriteAllBytes(dir[name], tar);
        return TarLayer.Open(dir[name], null, null, Cancel);
    }

    private static Dictionary<string, TarMember> Entries(byte[] tar)
    {
        using var reader = new LayerTarReader(new MemoryStream(tar));
        var entries = new Dictionary<string, TarMember>(StringComparer.Ordinal);
        while (reader.GetNextMember(Cancel) is { } entry)
        {
            entries[entry.Name.TrimEnd('/')] = entry;
        }

        return entries;
    }

    private static byte[] Export(ILayer layer)
    {
        var output = new MemoryStream();
        LayerTarExporter.Export(layer, output, null, null, Cancel);
        return output.ToArray();
    }

    [Fact]
    public void TarLayer_ReadsOwnersXattrsLinksAndDevicesInPlace()
    {
        using var dir = new TempDirectory();
        using var layer = Open(dir, Rootfs());
        var unix = (IUnixMetadata)layer;

        unix.GetOwner("/etc/shadow").Should().Be(new UnixOwner(0, 42));
        unix.GetOwner("/var/mail").Should().Be(new UnixOwner(0, 8));
        unix.GetExtendedAttributes("/usr/bin/ping")["security.capability"].Should().Equal(NetRawCapability);
        unix.GetIdentity("/usr/bin/perl").Should().Be(unix.GetIdentity("/usr/bin/perl5.36.0"));
        unix.GetIdentity("/usr/bin/perl").LinkCount.Should().Be(2);
        layer.TryGetEntry("/dev/sda", out var sda).Should().BeTrue();
        sda.Kind.Should().Be(LayerEntryKind.BlockDevice);
        unix.GetDeviceNumber("/dev/sda").Should().Be(new UnixDeviceNumber(8, 0));
        layer.TryGetEntry("/dev/initctl", out var fifo).Should().BeTrue();
        fifo.Kind.Should().Be(LayerEntryKind.Fifo);
    }

    [Fact]
    public void Export_OfATarLayer_WritesOwnersXattrsLinkEntriesAndDevices()
    {
        using var dir = new TempDirectory();
        using var layer = Open(dir, Rootfs());

        var entries = Entries(Export(layer));

        entries["etc/shadow"].Gid.Should().Be(42);
        entries["usr/bin/chage"].Mode.Should().Be((UnixFileMode)Convert.ToInt32("2755", 8));
        entries["usr/bin/chage"].Gid.Should().Be(42);
        entries["usr/bin/ping"].ExtendedAttributes["security.capability"].Should().Equal(NetRawCapability);
        entries["etc/acl"].ExtendedAttributes["system.posix_acl_access"].Should().Equal(Acl);
        entries["usr/bin/perl"].Type.Should().Be(TarMemberType.RegularFile, "the first name carries the data");
        entries["usr/bin/perl5.36.0"].Type.Should().Be(TarMemberType.HardLink);
        entries["usr/bin/perl5.36.0"].LinkName.Should().Be("usr/bin/perl");
        entries["var/mail"].Gid.Should().Be(8);
        entries["var/mail"].Mode.Should().Be((UnixFileMode)Convert.ToInt32("2775", 8));
        entries["dev/null"].Type.Should().Be(TarMemberType.CharacterDevice);
        (entries["dev/null"].DeviceMajor, entries["dev/null"].DeviceMinor).Should().Be((1, 3));
        entries["dev/sda"].Type.Should().Be(TarMemberType.BlockDevice);
        entries["dev/initctl"].Type.Should().Be(TarMemberType.Fifo);
    }

    [Theory]
    [InlineData(WhiteoutForm.Oci)]
    [InlineData(WhiteoutForm.Kernel)]
    public void Extraction_AppliesEverything_AndReExportGivesTheSameDiffId(WhiteoutForm form)
    {
        if (LinuxSyscalls.EffectiveUserId() != 0)
        {
            Assert.Skip("Owners, capabilities and device nodes are made on disk as root.");
        }

        using var dir = new TempDirectory();
        using var layer = Open(dir, Rootfs());
        string target = dir["extracted"];
        layer.ExtractTo(target, form, null, Cancel);

        LinuxSyscalls.LStat(Path.Combine(target, "usr/bin/chage"), out var chage).Should().Be(0);
        (chage.Uid, chage.Gid, (int)chage.Permissions).Should().Be((0u, 42u, Convert.ToInt32("2755", 8)));
        LinuxSyscalls.LStat(Path.Combine(target, "usr/bin/perl5.36.0"), out var perl5).Should().Be(0);
        LinuxSyscalls.LStat(Path.Combine(target, "usr/bin/perl"), out var perl).Should().Be(0);
        perl5.Inode.Should().Be(perl.Inode);
        perl.LinkCount.Should().Be(2u);
        LinuxSyscalls.GetXattr(Path.Combine(target, "usr/bin/ping"), "security.capability", out var capability).Should().Be(0);
        capability.Should().Equal(NetRawCapability);
        LinuxSyscalls.LStat(Path.Combine(target, "dev/null"), out var devNull).Should().Be(0);
        (devNull.Type, devNull.RdevMajor, devNull.RdevMinor).Should().Be((LinuxSyscalls.S_IFCHR, 1u, 3u));
        LinuxSyscalls.LStat(Path.Combine(target, "var/mail"), out var mail).Should().Be(0);
        (mail.Gid, (int)mail.Permissions).Should().Be((8u, Convert.ToInt32("2775", 8)));

        using var extracted = new HostDirectoryLayer(target, new HostDirectoryLayerOptions { WhiteoutForm = form });
        Export(extracted).Should().Equal(Export(layer), "a layer extracted and exported again is the same tar");
    }

    [Fact]
    public void ContainerCommitAndExport_KeepWhatTheImageAndTheWritesHold()
    {
        using var dir = new TempDirectory();
        using var layer = Open(dir, Rootfs());
        using var store = Overlay.Images.ImageStore.CreateInMemory();
        var image = store.AddImage([layer], tag: "rootfs:1", cancellationToken: Cancel);
        Overlay.Images.Image committed;
        byte[] exported;
        using (var container = store.CreateContainer("rootfs:1"))
        {
            container.FileSystem.File.WriteAllText("/var/mail/root", "mail");
            container.FileSystem.File.SetUnixFileMode("/usr/bin/chage", (UnixFileMode)Convert.ToInt32("2750", 8));
            container.FileSystem.File.AppendAllText("/usr/bin/perl", "+");
            container.FileSystem.Unix.CreateFifo("/run-pipe", (UnixFileMode)Convert.ToInt32("644", 8));
            container.FileSystem.Unix.GetOwner("/etc/hosts").Should().Be(UnixOwner.Root, "a bind-mounted file is the container's, owned by root");
            committed = container.Commit("rootfs:2", cancellationToken: Cancel);
            using var output = new MemoryStream();
            container.Export(output, Cancel);
            exported = output.ToArray();
        }

        var flat = Entries(exported);
        flat["usr/bin/chage"].Gid.Should().Be(42);
        flat["usr/bin/chage"].Mode.Should().Be((UnixFileMode)Convert.ToInt32("2750", 8));
        flat["var/mail/root"].Gid.Should().Be(8, "a file created in the setgid /var/mail takes its group");
        flat["usr/bin/ping"].ExtendedAttributes["security.capability"].Should().Equal(NetRawCapability);
        flat["usr/bin/perl5.36.0"].Type.Should().Be(TarMemberType.RegularFile, "after the copy-up the two names are two files");
        flat["dev/null"].Type.Should().Be(TarMemberType.CharacterDevice);
        flat["run-pipe"].Type.Should().Be(TarMemberType.Fifo);

        using var next = store.CreateContainer("rootfs:2");
        var top = next.LowersTopFirst[1];
        var diff = Entries(Export(top));
        diff["usr/bin/chage"].Gid.Should().Be(42);
        diff["var/mail"].Gid.Should().Be(8);
        diff["var/mail/root"].Gid.Should().Be(8);
        diff["run-pipe"].Type.Should().Be(TarMemberType.Fifo);
        committed.Layers.Should().HaveCount(2);
        image.Layers.Should().HaveCount(1);
    }

    [Theory]
    [InlineData(WhiteoutForm.Oci)]
    [InlineData(WhiteoutForm.Kernel)]
    public void Extraction_OfADiffLayer_KeepsWhiteoutTimes_SoReExportGivesTheSameDiffId(WhiteoutForm form)
    {
        if (LinuxSyscalls.EffectiveUserId() != 0)
        {
            Assert.Skip("The kernel form's whiteouts are character devices, made as root.");
        }

        using var dir = new TempDirectory();
        using var layer = Open(dir, new TestTar()
            .Directory("etc/").File("etc/.wh.old", "", 0b110_000_000).File("etc/new", "n")
            .Directory("opt/").File("opt/.wh..wh..opq", "", 0b111_101_101).File("opt/x", "x")
            .ToArray());
        string target = dir["extracted"];
        layer.ExtractTo(target, form, null, Cancel);

        using var extracted = new HostDirectoryLayer(target, new HostDirectoryLayerOptions { WhiteoutForm = form });
        Export(extracted).Should().Equal(Export(layer));
    }

    [Fact]
    public void ImageWrite_ThenLoad_KeepsOwnersXattrsLinksAndNodes()
    {
        using var dir = new TempDirectory();
        var layer = new MemoryLayer("upper")
            .AddDirectory("/var/mail", (UnixFileMode)Convert.ToInt32("2775", 8)).SetOwner("/var/mail", new UnixOwner(0, 8))
            .AddFile("/usr/bin/ping", "elf", (UnixFileMode)Convert.ToInt32("755", 8)).SetExtendedAttribute("/usr/bin/ping", "security.capability", NetRawCapability)
            .AddFile("/usr/bin/perl", "perl").AddHardLink("/usr/bin/perl", "/usr/bin/perl5")
            .AddSpecialFile("/dev/null", LayerEntryKind.CharacterDevice, (UnixFileMode)Convert.ToInt32("666", 8), new UnixDeviceNumber(1, 3));
        ImageWriter.WriteDockerArchive(new ImageExportRequest { LayersBottomFirst = [ImageLayerSource.FromLayer(layer)] }, dir["image.tar"], null, Cancel);

        using var image = OciImage.Load(dir["image.tar"], null, null, Cancel);
        var loaded = image.LowersTopFirst[0];
        var unix = loaded.GetCapability<IUnixMetadata>()!;

        unix.GetOwner("/var/mail").Should().Be(new UnixOwner(0, 8));
        loaded.TryGetEntry("/var/mail", out var mail).Should().BeTrue();
        mail.Mode.Should().Be((UnixFileMode)Convert.ToInt32("2775", 8));
        unix.GetExtendedAttributes("/usr/bin/ping")["security.capability"].Should().Equal(NetRawCapability);
        unix.GetIdentity("/usr/bin/perl5").Should().Be(unix.GetIdentity("/usr/bin/perl"));
        unix.GetDeviceNumber("/dev/null").Should().Be(new UnixDeviceNumber(1, 3));
    }
}
