using Overlay.Layers;

namespace Overlay.Tests.Union;

/// <summary>
/// Owners, extended attributes, hard links and special files through the overlay, on memory layers:
/// copy-up keeps them as the kernel does, new objects get the overlay's owner or a setgid parent's
/// group, and the <see cref="OverlayUnix"/> calls answer as the kernel's would.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixMetadataTests
{
    private static readonly byte[] NetRawCapability = [1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly UnixFileMode SetGidBinary = (UnixFileMode)Convert.ToInt32("2755", 8);
    private static readonly UnixFileMode MailDirectory = (UnixFileMode)Convert.ToInt32("2775", 8);

    private static MemoryLayer Rootfs() => new MemoryLayer("rootfs")
        .AddFile("/etc/shadow", "root:*", (UnixFileMode)Convert.ToInt32("640", 8)).SetOwner("/etc/shadow", new UnixOwner(0, 42))
        .AddFile("/usr/bin/chage", "elf", SetGidBinary).SetOwner("/usr/bin/chage", new UnixOwner(0, 42))
        .AddFile("/usr/bin/ping", "elf").SetExtendedAttribute("/usr/bin/ping", "security.capability", NetRawCapability)
        .SetExtendedAttribute("/usr/bin/ping", "trusted.overlay.origin", [1, 2, 3])
        .AddFile("/usr/bin/perl", "perl").AddHardLink("/usr/bin/perl", "/usr/bin/perl5.36.0")
        .AddDirectory("/var/mail", MailDirectory).SetOwner("/var/mail", new UnixOwner(0, 8))
        .AddSpecialFile("/dev/null", LayerEntryKind.CharacterDevice, (UnixFileMode)Convert.ToInt32("666", 8), new UnixDeviceNumber(1, 3))
        .AddSpecialFile("/run/initctl", LayerEntryKind.Fifo, (UnixFileMode)Convert.ToInt32("600", 8));

    private static (OverlayFileSystem Overlay, MemoryLayer Upper) Mount(MemoryLayer lower, UnixOwner? owner = null)
    {
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper, new OverlayOptions { Owner = owner ?? UnixOwner.Root, Umask = (UnixFileMode)Convert.ToInt32("022", 8) });
        return (overlay, upper);
    }

    private static IUnixMetadata Unix(ILayer layer) => layer.GetCapability<IUnixMetadata>()!;

    [Fact]
    public void Lower_OwnersXattrsLinksAndDevices_AreWhatTheLayerHolds()
    {
        var (overlay, _) = Mount(Rootfs());

        overlay.Unix.GetOwner("/etc/shadow").Should().Be(new UnixOwner(0, 42));
        overlay.File.GetUnixFileMode("/usr/bin/chage").Should().Be(SetGidBinary);
        overlay.Unix.ListExtendedAttributes("/usr/bin/ping").Should().Equal("security.capability");
        overlay.Unix.GetLinkCount("/usr/bin/perl").Should().Be(2);
        overlay.Unix.GetIdentity("/usr/bin/perl").Should().Be(overlay.Unix.GetIdentity("/usr/bin/perl5.36.0"));
        overlay.Unix.GetKind("/dev/null").Should().Be(LayerEntryKind.CharacterDevice);
        overlay.Unix.GetDeviceNumber("/dev/null").Should().Be(new UnixDeviceNumber(1, 3));
        overlay.Unix.GetKind("/run/initctl").Should().Be(LayerEntryKind.Fifo);
    }

    [Fact]
    public void CopyUp_OfASetgidBinary_KeepsItsOwnerAndSpecialBits()
    {
        var (overlay, upper) = Mount(Rootfs());

        overlay.File.AppendAllText("/usr/bin/chage", "+");

        Unix(upper).GetOwner("/usr/bin/chage").Should().Be(new UnixOwner(0, 42));
        upper.TryGetEntry("/usr/bin/chage", out var entry).Should().BeTrue();
        entry.Mode.Should().Be(SetGidBinary, "a copy-up keeps setgid: the kernel sets the mode after the owner");
    }

    [Fact]
    public void CopyUp_CopiesXattrs_ButNotTheOverlaysOwn()
    {
        var (overlay, upper) = Mount(Rootfs());

        overlay.File.SetLastWriteTimeUtc("/usr/bin/ping", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var attributes = Unix(upper).GetExtendedAttributes("/usr/bin/ping");
        attributes.Keys.Should().Equal("security.capability");
        attributes["security.capability"].Should().Equal(NetRawCapability);
    }

    [Fact]
    public void CopyUp_OfOneNameOfAHardLink_BreaksTheLink()
    {
        var (overlay, upper) = Mount(Rootfs());

        overlay.File.AppendAllText("/usr/bin/perl", " changed");

        overlay.File.ReadAllText("/usr/bin/perl5.36.0").Should().Be("perl", "with index=off the other name stays the lower's file");
        overlay.Unix.GetLinkCount("/usr/bin/perl").Should().Be(1);
        overlay.Unix.GetLinkCount("/usr/bin/perl5.36.0").Should().Be(2, "the lower's file still has its two names");
        overlay.Unix.GetIdentity("/usr/bin/perl").Should().NotBe(overlay.Unix.GetIdentity("/usr/bin/perl5.36.0"));
        upper.TryGetEntry("/usr/bin/perl5.36.0", out _).Should().BeFalse();
    }

    [Fact]
    public void ChmodOfALowerFile_CopiesItUpWithItsOwner()
    {
        var (overlay, upper) = Mount(Rootfs(), new UnixOwner(1000, 1000));

        overlay.File.SetUnixFileMode("/usr/bin/chage", (UnixFileMode)Convert.ToInt32("2750", 8));

        Unix(upper).GetOwner("/usr/bin/chage").Should().Be(new UnixOwner(0, 42));
        overlay.File.GetUnixFileMode("/usr/bin/chage").Should().Be((UnixFileMode)Convert.ToInt32("2750", 8));
    }

    [Fact]
    public void CopyUp_OfADeviceAndAFifo_MakesTheSameNodes()
    {
        var (overlay, upper) = Mount(Rootfs());

        overlay.File.SetLastWriteTimeUtc("/dev/null", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        overlay.Unix.SetOwner("/run/initctl", new UnixOwner(5, 5));

        upper.TryGetEntry("/dev/null", out var device).Should().BeTrue();
        device.Kind.Should().Be(LayerEntryKind.CharacterDevice);
        Unix(upper).GetDeviceNumber("/dev/null").Should().Be(new UnixDeviceNumber(1, 3));
        upper.TryGetEntry("/run/initctl", out var fifo).Should().BeTrue();
        fifo.Kind.Should().Be(LayerEntryKind.Fifo);
        Unix(upper).GetOwner("/run/initctl").Should().Be(new UnixOwner(5, 5));
    }

    [Fact]
    public void NewFile_InASetgidDirectory_GetsItsGroup_AndANewDirectoryIsSetgid()
    {
        var (overlay, upper) = Mount(Rootfs(), new UnixOwner(65534, 65534));

        overlay.File.WriteAllText("/var/mail/nobody", "x");
        overlay.Directory.CreateDirectory("/var/mail/box");
        overlay.File.WriteAllText("/etc/new", "x");

        Unix(upper).GetOwner("/var/mail/nobody").Should().Be(new UnixOwner(65534, 8));
        Unix(upper).GetOwner("/var/mail/box").Should().Be(new UnixOwner(65534, 8));
        upper.TryGetEntry("/var/mail/box", out var box).Should().BeTrue();
        (box.Mode & UnixFileMode.SetGroup).Should().Be(UnixFileMode.SetGroup);
        Unix(upper).GetOwner("/etc/new").Should().Be(new UnixOwner(65534, 65534));
        Unix(upper).GetOwner("/var/mail").Should().Be(new UnixOwner(0, 8), "the copied-up parent keeps its owner");
    }

    [Fact]
    public void SetOwner_OfASetuidFile_ClearsTheSetIdBits_AsLinuxDoes()
    {
        var (overlay, _) = Mount(Rootfs());

        overlay.Unix.SetOwner("/usr/bin/chage", new UnixOwner(0, 0));

        overlay.Unix.GetOwner("/usr/bin/chage").Should().Be(UnixOwner.Root);
        (overlay.File.GetUnixFileMode("/usr/bin/chage") & UnixFileMode.SetGroup).Should().Be((UnixFileMode)0);
    }

    [Fact]
    public void Xattrs_SetGetRemove_AndTheirErrors()
    {
        var (overlay, _) = Mount(Rootfs());

        overlay.Unix.SetExtendedAttribute("/etc/shadow", "user.note", [7]);
        overlay.Unix.GetExtendedAttribute("/etc/shadow", "user.note").Should().Equal(7);
        overlay.Unix.RemoveExtendedAttribute("/etc/shadow", "user.note");

        FluentActions.Invoking(() => overlay.Unix.GetExtendedAttribute("/etc/shadow", "user.note"))
            .Should().Throw<IOException>().Where(e => e.HResult == 61 && e.Message.Contains("/etc/shadow", StringComparison.Ordinal));
        FluentActions.Invoking(() => overlay.Unix.RemoveExtendedAttribute("/usr/bin/perl", "user.none"))
            .Should().Throw<IOException>().Where(e => e.HResult == 61);
        FluentActions.Invoking(() => overlay.Unix.SetExtendedAttribute("/etc/shadow", "trusted.overlay.opaque", "y"u8.ToArray()))
            .Should().Throw<UnauthorizedAccessException>().WithMessage("*/etc/shadow*");
        FluentActions.Invoking(() => overlay.Unix.GetOwner("/missing"))
            .Should().Throw<FileNotFoundException>().WithMessage("*/missing*");
    }

    [Fact]
    public void RemoveXattr_ThatALowerFileLacks_DoesNotCopyItUp()
    {
        var (overlay, upper) = Mount(Rootfs());

        FluentActions.Invoking(() => overlay.Unix.RemoveExtendedAttribute("/etc/shadow", "user.none")).Should().Throw<IOException>();

        upper.TryGetEntry("/etc/shadow", out _).Should().BeFalse();
    }

    [Fact]
    public void CreateHardLink_OfALowerFile_LinksTheUppersCopy()
    {
        var (overlay, upper) = Mount(Rootfs());

        overlay.Unix.CreateHardLink("/etc/shadow", "/etc/shadow-");
        overlay.File.AppendAllText("/etc/shadow-", "\nmore");

        overlay.File.ReadAllText("/etc/shadow").Should().Be("root:*\nmore");
        overlay.Unix.GetLinkCount("/etc/shadow").Should().Be(2);
        overlay.Unix.GetIdentity("/etc/shadow").Should().Be(overlay.Unix.GetIdentity("/etc/shadow-"));
        Unix(upper).GetOwner("/etc/shadow-").Should().Be(new UnixOwner(0, 42));
    }

    [Fact]
    public void CreateHardLink_Errors_AreLinks()
    {
        var (overlay, _) = Mount(Rootfs());

        FluentActions.Invoking(() => overlay.Unix.CreateHardLink("/etc/shadow", "/usr/bin/perl"))
            .Should().Throw<IOException>().Where(e => e.HResult == 17);
        FluentActions.Invoking(() => overlay.Unix.CreateHardLink("/var/mail", "/var/mail2"))
            .Should().Throw<UnauthorizedAccessException>();
        FluentActions.Invoking(() => overlay.Unix.CreateHardLink("/missing", "/x"))
            .Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void CreateFifoAndDevice_ApplyTheUmask_AndTheOverlaysOwner()
    {
        var (overlay, upper) = Mount(Rootfs(), new UnixOwner(10, 20));

        overlay.Unix.CreateFifo("/run/pipe", (UnixFileMode)Convert.ToInt32("666", 8));
        overlay.Unix.CreateDevice("/dev/zero", LayerEntryKind.CharacterDevice, (UnixFileMode)Convert.ToInt32("666", 8), new UnixDeviceNumber(1, 5));

        overlay.Unix.GetKind("/run/pipe").Should().Be(LayerEntryKind.Fifo);
        overlay.File.GetUnixFileMode("/run/pipe").Should().Be((UnixFileMode)Convert.ToInt32("644", 8));
        overlay.Unix.GetDeviceNumber("/dev/zero").Should().Be(new UnixDeviceNumber(1, 5));
        Unix(upper).GetOwner("/dev/zero").Should().Be(new UnixOwner(10, 20));
        FluentActions.Invoking(() => overlay.Unix.CreateFifo("/run/pipe", UnixFileMode.UserRead))
            .Should().Throw<IOException>().Where(e => e.HResult == 17);
    }

    [Fact]
    public void ReadOnlyOverlay_RefusesChanges_WithEROFS()
    {
        var overlay = new OverlayFileSystem([Rootfs()], null);

        FluentActions.Invoking(() => overlay.Unix.SetOwner("/etc/shadow", UnixOwner.Root))
            .Should().Throw<IOException>().Where(e => e.HResult == 30);
        overlay.Unix.GetOwner("/etc/shadow").Should().Be(new UnixOwner(0, 42));
    }
}
