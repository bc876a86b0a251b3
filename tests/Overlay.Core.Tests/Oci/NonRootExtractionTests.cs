using System.Diagnostics;
using System.Text;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;

namespace Overlay.Tests.Oci;

/// <summary>
/// A process that is not root cannot make a device node (mknod needs CAP_MKNOD) nor give a file
/// another owner. A layer extracted by such a process keeps both as records in
/// <c>user.containers.override_stat</c>, as rootless container storage does, and reads and exports
/// them as the tar had them. The extraction is run for real as uid 65534 in a child process.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NonRootExtractionTests
{
    private const string ChildVariable = "OVERLAY_NONROOT_EXTRACTION";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static KeyValuePair<string, byte[]>[] Owner(int uid, int gid) =>
    [
        new("uid", Encoding.ASCII.GetBytes(uid.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        new("gid", Encoding.ASCII.GetBytes(gid.ToString(System.Globalization.CultureInfo.InvariantCulture))),
    ];

    /// <summary>The first directory on the way to <paramref name="path"/> that other users cannot pass through (no o+x), or null.</summary>
    private static string? FirstClosedToOthers(string path)
    {
        for (var directory = new DirectoryInfo(path); directory is not null; directory = directory.Parent)
        {
            if ((directory.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private static string CopyOpenToOthers(string source, string destination)
    {
        foreach (string directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories).Prepend(source))
        {
            string target = Path.Combine(destination, Path.GetRelativePath(source, directory));
            Directory.CreateDirectory(target);
            File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
            foreach (string file in Directory.EnumerateFiles(directory))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        return destination;
    }

    private static byte[] Rootfs() => new TestTar()
        .Directory("etc/")
        .Pax(Owner(0, 42)).File("etc/shadow", "root:*", 0b110_100_000)
        .Pax(Owner(0, 8)).Directory("var/", Convert.ToInt32("2775", 8))
        .Directory("dev/")
        .Pax(Owner(0, 0)).Entry("dev/null", '3', [], 0b110_110_110, major: 1, minor: 3)
        .Pax(Owner(0, 6)).Entry("dev/sda", '4', [], 0b110_110_000, major: 8, minor: 0)
        .Entry("dev/initctl", '6', [], 0b110_000_000)
        .ToArray();

    private static Dictionary<string, TarMember> Members(byte[] tar)
    {
        using var reader = new LayerTarReader(new MemoryStream(tar));
        var members = new Dictionary<string, TarMember>(StringComparer.Ordinal);
        while (reader.GetNextMember(Cancel) is { } member)
        {
            members[member.Name.TrimEnd('/')] = member;
        }

        return members;
    }

    private static byte[] Export(ILayer layer)
    {
        using var output = new MemoryStream();
        LayerTarExporter.Export(layer, output, cancellationToken: Cancel);
        return output.ToArray();
    }

    [Fact]
    public void CreateDevice_WhenTheLayerStoresOwnersInAttributes_KeepsARecordThatReadsAndExportsAsTheDevice()
    {
        if (!LinuxSyscalls.IsSupported)
        {
            Assert.Skip("Device records are Linux's user.* extended attributes.");
        }

        using var dir = new TempDirectory();
        string root = dir["layer"];
        Directory.CreateDirectory(root);
        using (var layer = new HostDirectoryLayer(root, new HostDirectoryLayerOptions { WorkDirectory = dir["work"] }) { StoresOwnersInAttributes = true })
        {
            var writes = (IUnixMetadataWrites)layer;
            writes.CreateSpecialFile("/null", LayerEntryKind.CharacterDevice, (UnixFileMode)0b110_110_110, new UnixDeviceNumber(1, 3));
            writes.SetOwner("/null", new UnixOwner(0, 5));
            layer.SetUnixFileMode("/null", (UnixFileMode)0b110_100_000);
        }

        var stored = new FileInfo(Path.Combine(root, "null"));
        stored.Attributes.Should().NotHaveFlag(FileAttributes.Device);
        stored.Length.Should().Be(0);
        stored.UnixFileMode.Should().Be((UnixFileMode)0b110_000_000, "an empty 0600 file stands for a recorded device");
        using var reader = new HostDirectoryLayer(root);
        reader.TryGetEntry("/null", out var entry).Should().BeTrue();
        entry.Kind.Should().Be(LayerEntryKind.CharacterDevice);
        entry.Mode.Should().Be((UnixFileMode)0b110_100_000);
        ((IUnixMetadata)reader).GetDeviceNumber("/null").Should().Be(new UnixDeviceNumber(1, 3));
        ((IUnixMetadata)reader).GetOwner("/null").Should().Be(new UnixOwner(0, 5));
        reader.ListDirectory("/").Single().Kind.Should().Be(LayerEntryKind.CharacterDevice);
        var member = Members(Export(reader))["null"];
        (member.Type, member.DeviceMajor, member.DeviceMinor, member.Gid, (int)member.Mode & 0xFFF).Should().Be((TarMemberType.CharacterDevice, 1, 3, 5, 0b110_100_000));
    }

    [Fact]
    public void ExtractTo_AsUid65534_KeepsDevicesAndOwnersAsRecordsThatExportAsTheTarHadThem()
    {
        if (!LinuxSyscalls.IsSupported || LinuxSyscalls.EffectiveUserId() != 0)
        {
            Assert.Skip("Drops to uid 65534 with setpriv: run as root on Linux.");
        }

        if (!File.Exists("/usr/bin/setpriv"))
        {
            Assert.Skip("Needs setpriv: apt-get install -y util-linux.");
        }

        if (FirstClosedToOthers(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory()) is { } closed)
        {
            Assert.Skip($"uid 65534 cannot reach the .NET runtime: '{closed}' is closed to other users; install .NET where others can read it.");
        }

        using var dir = new TempDirectory();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_111_111);
        string program = AppContext.BaseDirectory;
        if (FirstClosedToOthers(program) is not null)
        {
            // A checkout under a 0700 directory: the child runs a copy of the test program others can reach.
            program = CopyOpenToOthers(program, dir["program"]);
        }

        byte[] tar = Rootfs();
        File.WriteAllBytes(dir["rootfs.tar"], tar);
        var start = new ProcessStartInfo("/usr/bin/setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = program,
        };
        foreach (string argument in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--", Path.Combine(program, "Overlay.Core.Tests"),
            "-method", $"{typeof(NonRootExtractionTests).FullName}.{nameof(Child_ExtractsTheTarGivenAsTheUserItRunsAs)}"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[ChildVariable] = dir.Path;
        start.Environment["HOME"] = dir.Path;
        using (var child = Process.Start(start)!)
        {
            string output = child.StandardOutput.ReadToEnd() + child.StandardError.ReadToEnd();
            child.WaitForExit();
            child.ExitCode.Should().Be(0, output);
            output.Should().Contain("Total: 1, Errors: 0, Failed: 0, Skipped: 0", output);
        }

        string extracted = dir["extracted"];
        new FileInfo(Path.Combine(extracted, "dev/null")).UnixFileMode.Should().Be((UnixFileMode)0b110_000_000, "a device is a record, not a node, where mknod was refused");
        File.GetAttributes(Path.Combine(extracted, "dev/null")).Should().NotHaveFlag(FileAttributes.Device);
        using var layer = new HostDirectoryLayer(extracted);
        var unix = (IUnixMetadata)layer;
        unix.GetOwner("/dev/null").Should().Be(UnixOwner.Root);
        unix.GetOwner("/etc/shadow").Should().Be(new UnixOwner(0, 42));
        unix.GetDeviceNumber("/dev/sda").Should().Be(new UnixDeviceNumber(8, 0));
        layer.TryGetEntry("/dev/initctl", out var fifo).Should().BeTrue();
        fifo.Kind.Should().Be(LayerEntryKind.Fifo, "a FIFO needs no privilege; only its owner cannot be recorded (no user.* attributes on a FIFO)");
        var expected = Members(tar);
        var actual = Members(Export(layer));
        actual.Keys.Order(StringComparer.Ordinal).Should().Equal(expected.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, member) in expected.Where(m => m.Value.Type != TarMemberType.Fifo))
        {
            var got = actual[name];
            (got.Type, (int)got.Mode & 0xFFF, got.Uid, got.Gid, got.DeviceMajor, got.DeviceMinor)
                .Should().Be((member.Type, (int)member.Mode & 0xFFF, member.Uid, member.Gid, member.DeviceMajor, member.DeviceMinor), name);
        }
    }

    /// <summary>The child's half: runs only in the process the test above starts as uid 65534.</summary>
    [Fact]
    public void Child_ExtractsTheTarGivenAsTheUserItRunsAs()
    {
        string? directory = Environment.GetEnvironmentVariable(ChildVariable);
        if (string.IsNullOrEmpty(directory))
        {
            Assert.Skip($"The child process of {nameof(ExtractTo_AsUid65534_KeepsDevicesAndOwnersAsRecordsThatExportAsTheTarHadThem)} (it sets {ChildVariable}).");
        }

        LinuxSyscalls.EffectiveUserId().Should().NotBe(0);
        using var layer = TarLayer.Open(Path.Combine(directory, "rootfs.tar"), null, null, Cancel);
        layer.ExtractTo(Path.Combine(directory, "extracted"), WhiteoutForm.Oci, null, Cancel);
    }
}
