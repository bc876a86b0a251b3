using Overlay.Layers;
using Overlay.Layers.Host;

namespace Overlay.Tests.Layers;

/// <summary>
/// A host directory upper stores owners, attributes, hard links and nodes on the real disk: with
/// lchown, lsetxattr, link and mknod as root, and (not root) owners in the rootless
/// user.containers.override_stat attribute.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostUnixMetadataTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-host-unix-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static void RequireRoot()
    {
        if (LinuxSyscalls.EffectiveUserId() != 0)
        {
            Assert.Skip("lchown to another owner and mknod of a device need root.");
        }
    }

    [Fact]
    public void OverlayCalls_OnAHostUpper_AreRealOwnersLinksAndNodesOnDisk()
    {
        RequireRoot();
        string lower = Dir("lower");
        File.WriteAllText(Path.Combine(lower, "shadow"), "s");
        LinuxSyscalls.LChown(Path.Combine(lower, "shadow"), 0, 42).Should().Be(0);
        string upperDir = Dir("upper");
        using var lowerLayer = new HostDirectoryLayer(lower);
        using var upper = new HostDirectoryLayer(upperDir, new HostDirectoryLayerOptions { WorkDirectory = Dir("work") });
        var overlay = new OverlayFileSystem([lowerLayer], upper, new OverlayOptions { Owner = new UnixOwner(1000, 1000) });

        overlay.Unix.CreateHardLink("/shadow", "/shadow-");
        overlay.Unix.CreateFifo("/pipe", (UnixFileMode)Convert.ToInt32("600", 8));
        overlay.Unix.CreateDevice("/null", LayerEntryKind.CharacterDevice, (UnixFileMode)Convert.ToInt32("666", 8), new UnixDeviceNumber(1, 3));
        overlay.Unix.SetExtendedAttribute("/pipe", "trusted.note", [1]);
        overlay.File.WriteAllText("/new", "n");

        LinuxSyscalls.LStat(Path.Combine(upperDir, "shadow"), out var shadow).Should().Be(0);
        LinuxSyscalls.LStat(Path.Combine(upperDir, "shadow-"), out var shadowLink).Should().Be(0);
        (shadow.Uid, shadow.Gid, shadow.LinkCount).Should().Be((0u, 42u, 2u));
        shadowLink.Inode.Should().Be(shadow.Inode);
        LinuxSyscalls.LStat(Path.Combine(upperDir, "pipe"), out var pipe).Should().Be(0);
        (pipe.Type, pipe.Uid).Should().Be((LinuxSyscalls.S_IFIFO, 1000u));
        LinuxSyscalls.GetXattr(Path.Combine(upperDir, "pipe"), "trusted.note", out var note).Should().Be(0);
        note.Should().Equal(1);
        LinuxSyscalls.LStat(Path.Combine(upperDir, "null"), out var devNull).Should().Be(0);
        (devNull.Type, devNull.RdevMajor, devNull.RdevMinor).Should().Be((LinuxSyscalls.S_IFCHR, 1u, 3u));
        LinuxSyscalls.LStat(Path.Combine(upperDir, "new"), out var created).Should().Be(0);
        (created.Uid, created.Gid).Should().Be((1000u, 1000u));
        overlay.Unix.GetLinkCount("/shadow").Should().Be(2);
    }

    [Fact]
    public void NotRoot_OwnersAreRecordedInOverrideStat_AndReadBack()
    {
        string upperDir = Dir("upper");
        File.WriteAllText(Path.Combine(upperDir, "f"), "x");
        using var upper = new HostDirectoryLayer(upperDir, new HostDirectoryLayerOptions { WorkDirectory = Dir("work") })
        {
            StoresOwnersInAttributes = true,
        };
        var writes = ((ILayer)upper).GetCapability<IUnixMetadataWrites>()!;
        var reads = ((ILayer)upper).GetCapability<IUnixMetadata>()!;
        LinuxSyscalls.LStat(Path.Combine(upperDir, "f"), out var before).Should().Be(0);

        writes.SetOwner("/f", new UnixOwner(0, 42));

        reads.GetOwner("/f").Should().Be(new UnixOwner(0, 42));
        LinuxSyscalls.GetXattr(Path.Combine(upperDir, "f"), HostDirectoryLayer.OverrideStatAttribute, out var record).Should().Be(0);
        System.Text.Encoding.ASCII.GetString(record!).Should().Be($"0:42:0{Convert.ToString((int)before.Permissions, 8)}:file");
        LinuxSyscalls.LStat(Path.Combine(upperDir, "f"), out var after).Should().Be(0);
        (after.Uid, after.Gid).Should().Be((before.Uid, before.Gid), "the real owner is not changed");
        reads.GetExtendedAttributes("/f").Should().BeEmpty("the record is the layer form's business, not the file's");

        writes.SetOwner("/f", new UnixOwner((int)before.Uid, (int)before.Gid));
        LinuxSyscalls.GetXattr(Path.Combine(upperDir, "f"), HostDirectoryLayer.OverrideStatAttribute, out _).Should().Be(LinuxSyscalls.ENODATA);
    }
}
