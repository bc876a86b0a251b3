using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.Differential;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;
using static Overlay.Tests.Support.AclBytes;

namespace Overlay.Tests.Union;

/// <summary>
/// A file or directory made in an upper directory that has a default POSIX ACL gets its mode and
/// ACLs from that ACL, not from the umask, as the kernel's overlay gives them: the same ACL
/// placed on the same layers, the same creates through a kernel mount and through the library,
/// and the upper objects compared (mode, <c>system.posix_acl_access</c>,
/// <c>system.posix_acl_default</c>). Root on Linux; skips where the kernel overlay cannot be mounted.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class DefaultAclCreateTests : IDisposable
{
    private const string Access = "system.posix_acl_access";
    private const string Default = "system.posix_acl_default";

    private readonly string _root = Directory.CreateTempSubdirectory(KernelOracle.TempPrefix + "acl-").FullName;

    public void Dispose()
    {
        string mount = Path.Combine(_root, "kernel/merged");
        if (Directory.Exists(mount))
        {
            _ = LinuxNative.Unmount(mount);
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>u::rwx, u:1000:rwx, g::r-x, m::rwx, o::--- — the named entry makes it more than a mode.</summary>
    private static byte[] DefaultAcl { get; } = AclBytes.Of(Entry(UserObj, 7), Entry(User, 7, 1000), Entry(GroupObj, 5), Entry(Mask, 7), Entry(Other, 0));

    [Fact]
    public void CreatesUnderADefaultAcl_CopiedUpWithItsDirectory_OverWhiteoutsToo_MatchTheKernel()
    {
        KernelOracle.RequireOrSkip();
        var kernel = Run("kernel", throughKernel: true);
        var library = Run("library", throughKernel: false);

        library.Should().Equal(kernel);
        kernel.Should().Contain(line => line.StartsWith("/acl/file 660 ", StringComparison.Ordinal), "the ACL, not the umask 022, limits a new file's 0666");
        kernel.Should().Contain(line => line.StartsWith("/acl/dir 770 ", StringComparison.Ordinal), "and a new directory's 0777");
        kernel.Should().Contain(line => line.StartsWith("/plain/file 644 - -", StringComparison.Ordinal), "without a default ACL the umask applies");
        kernel.Should().Contain(line => line.StartsWith("/acl/old 660 ", StringComparison.Ordinal), "over a whiteout as well");
        kernel.Should().Contain(line => line.StartsWith("/acl/fifo 660 ", StringComparison.Ordinal), "and for a FIFO");
    }

    [Fact]
    public void ADefaultAclSetThroughTheOverlay_GovernsTheNextCreate_AndRemovingItHandsBackToTheUmask()
    {
        SkipUnlessRootOnLinux();
        var (overlay, upper) = Library("set");
        overlay.Directory.CreateDirectory("/d");
        overlay.File.WriteAllText("/d/before", "x");
        overlay.Unix.SetExtendedAttribute("/d", Default, DefaultAcl);
        overlay.File.WriteAllText("/d/during", "x");
        overlay.Unix.RemoveExtendedAttribute("/d", Default);
        overlay.File.WriteAllText("/d/after", "x");

        Describe(upper, "/d/before").Should().Be("/d/before 644 - -");
        Describe(upper, "/d/during").Should().StartWith("/d/during 660 ");
        Describe(upper, "/d/after").Should().Be("/d/after 644 - -");
    }

    private List<string> Run(string side, bool throughKernel)
    {
        string lower = Path.Combine(_root, side, "lower");
        string upper = Path.Combine(_root, side, "upper");
        string work = Path.Combine(_root, side, "work");
        foreach (var directory in new[] { "acl", "plain" })
        {
            Directory.CreateDirectory(Path.Combine(lower, directory, "olddir"));
            File.WriteAllText(Path.Combine(lower, directory, "old"), "old");
        }

        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        LinuxSyscalls.SetXattr(Path.Combine(lower, "acl"), Default, DefaultAcl, 0).Should().Be(0);

        IFileSystemLike fs;
        string prefix;
        if (throughKernel)
        {
            string merged = Path.Combine(_root, side, "merged");
            Directory.CreateDirectory(merged);
            int errno = LinuxNative.Mount("overlay", merged, "overlay", $"lowerdir={lower},upperdir={upper},workdir={work},{KernelOracle.MountOptions}");
            if (errno != 0)
            {
                KernelOracle.SkipOrFail($"mount failed with errno {errno}");
            }

            fs = new HostFs();
            prefix = merged;
        }
        else
        {
            var overlay = new OverlayFileSystem(
                [new HostDirectoryLayer(lower, new HostDirectoryLayerOptions { WhiteoutForm = WhiteoutForm.Kernel })],
                new HostDirectoryLayer(upper, new HostDirectoryLayerOptions { WorkDirectory = work, WhiteoutForm = WhiteoutForm.Kernel }),
                new OverlayOptions { Umask = (UnixFileMode)0x12 });
            fs = new OverlayFs(overlay);
            prefix = string.Empty;
        }

        var previous = LinuxNative.SetUmask(0x12);
        try
        {
            foreach (var directory in new[] { "/acl", "/plain" })
            {
                fs.WriteFile(prefix + directory + "/file");
                fs.MakeDirectory(prefix + directory + "/dir");
                fs.WriteFile(prefix + directory + "/dir/nested");

                // Over whiteouts: the lower's names deleted, then made again.
                fs.Delete(prefix + directory + "/old");
                fs.WriteFile(prefix + directory + "/old");
                fs.Delete(prefix + directory + "/olddir");
                fs.MakeDirectory(prefix + directory + "/olddir");
                fs.MakeFifo(prefix + directory + "/fifo");
            }
        }
        finally
        {
            LinuxNative.SetUmask(previous);
            if (throughKernel)
            {
                LinuxNative.Unmount(Path.Combine(_root, side, "merged")).Should().Be(0);
            }
        }

        string[] names = ["", "/file", "/dir", "/dir/nested", "/old", "/olddir", "/fifo"];
        return [.. new[] { "/acl", "/plain" }.SelectMany(d => names.Select(n => Describe(upper, d + n)))];
    }

    private (OverlayFileSystem Overlay, string Upper) Library(string side)
    {
        string lower = Path.Combine(_root, side, "lower");
        string upper = Path.Combine(_root, side, "upper");
        Directory.CreateDirectory(lower);
        Directory.CreateDirectory(upper);
        var overlay = new OverlayFileSystem(
            [new HostDirectoryLayer(lower)],
            new HostDirectoryLayer(upper, new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, side, "work") }),
            new OverlayOptions { Umask = (UnixFileMode)0x12 });
        return (overlay, upper);
    }

    /// <summary>"path mode access default", the ACLs as hex or "-".</summary>
    private static string Describe(string upper, string path)
    {
        string host = upper + path;
        var mode = Convert.ToString((int)File.GetUnixFileMode(host), 8);
        return $"{path} {mode} {Hex(host, Access)} {Hex(host, Default)}";

        static string Hex(string host, string name) =>
            LinuxSyscalls.GetXattr(host, name, out var value) == 0 ? Convert.ToHexString(value!) : "-";
    }

    private static void SkipUnlessRootOnLinux()
    {
        if (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0)
        {
            Assert.Skip("Default ACLs are set as system.* attributes: root on Linux.");
        }
    }

    private interface IFileSystemLike
    {
        void WriteFile(string path);

        void MakeDirectory(string path);

        void Delete(string path);

        void MakeFifo(string path);
    }

    private sealed class HostFs : IFileSystemLike
    {
        public void WriteFile(string path) => File.WriteAllText(path, "x");

        public void MakeDirectory(string path) => Directory.CreateDirectory(path);

        public void Delete(string path)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path);
            }
            else
            {
                File.Delete(path);
            }
        }

        public void MakeFifo(string path) => LinuxSyscalls.MakeNode(path, 0x1000 | 0x1B6, 0).Should().Be(0); // S_IFIFO | 0666
    }

    private sealed class OverlayFs(OverlayFileSystem overlay) : IFileSystemLike
    {
        public void WriteFile(string path) => overlay.File.WriteAllText(path, "x");

        public void MakeDirectory(string path) => overlay.Directory.CreateDirectory(path);

        public void Delete(string path)
        {
            if (overlay.Directory.Exists(path))
            {
                overlay.Directory.Delete(path);
            }
            else
            {
                overlay.File.Delete(path);
            }
        }

        public void MakeFifo(string path) => overlay.Unix.CreateFifo(path, (UnixFileMode)0x1B6);
    }
}
