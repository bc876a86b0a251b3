using System.Diagnostics;
using System.Globalization;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Oci;
using Overlay.Oci.Export;

namespace Overlay.Tests.Oci;

/// <summary>
/// The deep lane: a real Debian root file system (debootstrap --variant=minbase, as root), tarred
/// as image tools tar it (numeric owners, xattrs), read by a tar layer and extracted in both forms:
/// every path has the owner, mode, link count, device numbers and attributes it has on disk, and
/// the extracted layer exports to the same tar.
/// </summary>
/// <remarks>
/// Runs only with <c>OVERLAY_TEST_LANE=deep</c>, as root, where <c>debootstrap</c> is installed;
/// the root file system is <see cref="DebianRootfs"/>'s, made once and cached.
/// </remarks>
[Trait("Category", "Slow")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianRootfsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-debian-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void DebianMinbase_ReadAndExtracted_KeepsEveryOwnerModeLinkDeviceAndXattr()
    {
        string rootfs = DebianRootfs.GetOrSkip();
        string tar = Path.Combine(_root, "rootfs.tar");
        Run("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-cpf", tar, "-C", rootfs, ".");

        var onDisk = DescribeDisk(rootfs);
        onDisk.Values.Should().Contain(v => v.StartsWith("0:0 755 f 2 ", StringComparison.Ordinal), "a minbase rootfs has hard-linked binaries");

        using var layer = TarLayer.Open(tar, new LayerTarOptions { WhiteoutForm = WhiteoutForm.None }, null, Cancel);
        DescribeLayer(layer).Should().Equal(onDisk);

        byte[] exported = ExportOf(layer);
        foreach (var form in new[] { WhiteoutForm.Oci, WhiteoutForm.Kernel })
        {
            string target = Path.Combine(_root, "extracted-" + form);
            layer.ExtractTo(target, form, null, Cancel);
            DescribeDisk(target).Should().Equal(onDisk, $"the {form}-form extraction is the rootfs");
            using var extracted = new HostDirectoryLayer(target, new HostDirectoryLayerOptions { WhiteoutForm = form });
            ExportOf(extracted).Should().Equal(exported, $"the {form}-form extraction exports to the same tar");
        }
    }

    [Fact]
    [Trait("Category", "Docker")]
    public void DebianMinbase_WrittenByTheLibraryAndLoaded_RunsUnderDockerAsDockerImportGivesIt()
    {
        string rootfs = DebianRootfs.GetOrSkip();
        string tar = Path.Combine(_root, "rootfs.tar");
        Run("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-cpf", tar, "-C", rootfs, ".");
        using var docker = Export.DockerDaemon.StartOrSkip();
        docker.Client(["import", tar, "debian:imported"], TimeSpan.FromMinutes(5));

        string archive = Path.Combine(_root, "library.tar");
        using (var layer = TarLayer.Open(tar, new LayerTarOptions { WhiteoutForm = WhiteoutForm.None }, null, Cancel))
        {
            ImageWriter.WriteDockerArchive(
                new ImageExportRequest { LayersBottomFirst = [ImageLayerSource.FromLayer(layer)], RepoTags = ["debian:library"] },
                archive, null, Cancel);
        }

        docker.Client(["load", "-i", archive], TimeSpan.FromMinutes(5));

        // Every path of the container's own file system (not /proc, /sys, /dev or the bind-mounted
        // /etc files, which are Docker's): owner, mode with its special bits, link count, type.
        string[] find = ["run", "--rm", "--network", "none", "--entrypoint", "/usr/bin/find", "IMAGE", "/", "-xdev", "-printf", "%p %U:%G %m %n %y\n"];
        string Listing(string image) => string.Join('\n', docker.Client([.. find.Select(a => a == "IMAGE" ? image : a)], TimeSpan.FromMinutes(5))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !DockersOwn.Any(p => l.StartsWith(p, StringComparison.Ordinal))).Order(StringComparer.Ordinal));

        string expected = Listing("debian:imported");
        expected.Should().Contain("/usr/bin/chage 0:42 2755 1 f", "the rootfs has its setgid-shadow binaries");
        Listing("debian:library").Should().Be(expected);
    }

    /// <summary>What Docker mounts over an image's paths: its own, whatever the image holds.</summary>
    private static readonly string[] DockersOwn = ["/etc/host", "/etc/resolv.conf", "/proc ", "/sys ", "/dev "];

    private static byte[] ExportOf(ILayer layer)
    {
        using var output = new MemoryStream();
        LayerTarExporter.Export(layer, output, null, null, Cancel);
        return output.ToArray();
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEndAsync(Cancel);
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{program} failed: {errors}");
    }

    private static string Line(int uid, int gid, int mode, string type, int links, uint major, uint minor, IEnumerable<KeyValuePair<string, byte[]>> attributes) =>
        string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid} {Convert.ToString(mode, 8)} {type} {links} {major},{minor} ")
        + string.Join(',', attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + Convert.ToHexString(a.Value)));

    private static Dictionary<string, string> DescribeDisk(string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in AllPaths(root))
        {
            LinuxSyscalls.LStat(path, out var s).Should().Be(0);
            LinuxSyscalls.ListXattrs(path, out var names);
            var attributes = names
                .Where(n => !HostDirectoryLayer.IsLayerFormAttribute(n))
                .Select(n => LinuxSyscalls.GetXattr(path, n, out var v) == 0 ? new KeyValuePair<string, byte[]>(n, v ?? []) : new KeyValuePair<string, byte[]>(n, []));
            string type = s.Type switch
            {
                LinuxSyscalls.S_IFDIR => "d",
                LinuxSyscalls.S_IFLNK => "l",
                LinuxSyscalls.S_IFCHR => "c",
                LinuxSyscalls.S_IFBLK => "b",
                LinuxSyscalls.S_IFIFO => "p",
                _ => "f",
            };
            bool device = type is "c" or "b";
            int mode = type == "l" ? 0b111_111_111 : (int)s.Permissions;
            result["/" + Path.GetRelativePath(root, path)] = Line((int)s.Uid, (int)s.Gid, mode, type, (int)s.LinkCount, device ? s.RdevMajor : 0, device ? s.RdevMinor : 0, attributes);
        }

        return result;
    }

    /// <summary>Every path under a directory, never entering a symbolic link to a directory.</summary>
    private static IEnumerable<string> AllPaths(string directory)
    {
        foreach (string path in Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            yield return path;
            if (LinuxSyscalls.LStat(path, out var s) == 0 && s.Type == LinuxSyscalls.S_IFDIR)
            {
                foreach (string child in AllPaths(path))
                {
                    yield return child;
                }
            }
        }
    }

    private static Dictionary<string, string> DescribeLayer(ILayer layer)
    {
        var unix = layer.GetCapability<IUnixMetadata>()!;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(string directory)
        {
            foreach (var entry in layer.ListDirectory(directory))
            {
                string path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
                var owner = unix.GetOwner(path);
                var device = unix.GetDeviceNumber(path);
                string type = entry.Kind switch
                {
                    LayerEntryKind.Directory => "d",
                    LayerEntryKind.SymbolicLink => "l",
                    LayerEntryKind.CharacterDevice => "c",
                    LayerEntryKind.BlockDevice => "b",
                    LayerEntryKind.Fifo => "p",
                    _ => "f",
                };
                int mode = type == "l" ? 0b111_111_111 : (int)entry.Mode;
                result[path] = Line(owner.UserId, owner.GroupId, mode, type, unix.GetIdentity(path).LinkCount, (uint)device.Major, (uint)device.Minor, unix.GetExtendedAttributes(path));
                if (entry.IsDirectory)
                {
                    Walk(path);
                }
            }
        }

        Walk("/");
        return result;
    }
}
