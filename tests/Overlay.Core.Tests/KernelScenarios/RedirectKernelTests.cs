using System.IO.Abstractions;
using Overlay.Layers;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The <see cref="DirectoryRenamePolicy.Redirect"/> policy against the real kernel: the same lowers
/// written in the kernel form, a kernel overlayfs mounted with <c>redirect_dir=on</c> and the
/// library over a <see cref="HostDirectoryLayer"/> upper in the kernel form, the same rename
/// sequences run through System.IO on the mount and through the library. After every step the
/// merged trees, the uppers' shapes (modes, whiteouts, opaque marks, file data) and the
/// <c>trusted.overlay.redirect</c> values must be the same; at the end the upper the kernel wrote is
/// read by the library, and the upper the library wrote is mounted by the kernel, each showing the
/// other's merged view. Skipped, with the reason,
/// where the kernel overlay cannot be mounted (not Linux, not root, no overlay support).
/// </summary>
[Trait("Category", "KernelMount")]
public sealed class RedirectKernelTests
{
    private const string RedirectXattr = "trusted.overlay.redirect";
    private const string Options = "redirect_dir=on,index=off,metacopy=off,xino=off";

    private static readonly ScenarioEntry[] TopLower =
    [
        new("a/foo", ScenarioEntryKind.File, "foo-top"),
        new("a/sub/other", ScenarioEntryKind.File, "other"),
        new("a/gone", ScenarioEntryKind.Whiteout, string.Empty),
        new("a/link", ScenarioEntryKind.Symlink, "foo"),
        new("tree/w", ScenarioEntryKind.File, "w"),
        new("opq", ScenarioEntryKind.OpaqueDirectory, string.Empty),
        new("opq/new", ScenarioEntryKind.File, "new"),
        new("empty", ScenarioEntryKind.Directory, string.Empty),
    ];

    private static readonly ScenarioEntry[] BottomLower =
    [
        new("a/bar", ScenarioEntryKind.File, "bar"),
        new("a/gone", ScenarioEntryKind.File, "gone"),
        new("a/sub/leaf", ScenarioEntryKind.File, "leaf"),
        new("a/sub/deep/d", ScenarioEntryKind.File, "d"),
        new("tree/x/y/z", ScenarioEntryKind.File, "z"),
        new("opq/old", ScenarioEntryKind.File, "old"),
    ];

    /// <summary>Step sequences: "move from to", "delete path", "rmdir path", "mkdir path", "write path text".</summary>
    public static TheoryData<string[]> Sequences => new()
    {
        new[] { "move /a /b" },
        new[] { "move /a/sub /tree/sub2" },
        new[] { "move /a /b", "move /b /c", "move /c /tree/c" },
        new[] { "move /a /b", "move /b /a" },
        new[] { "move /a /b", "move /b/sub /b/sub2", "move /b/sub2 /s", "move /s/deep /tree/deep" },
        new[] { "move /a /b", "move /b/sub /empty/sub", "move /empty /e" },
        new[] { "move /a /b", "delete /b/foo", "write /b/bar +more", "delete /b/sub/leaf", "move /b/sub/other /b/other2" },
        new[] { "move /a /b", "mkdir /a", "write /a/new x" },
        new[] { "move /tree /t", "delete /t/x/y/z", "rmdir /t/x/y", "mkdir /t/x/y", "write /t/x/y/n n" },
        new[] { "move /opq /o", "write /o/new changed" },
        new[] { "move /a /b", "rmdir /b/sub/deep", "move /b/sub /a" },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Sequence_OnTheKernelWithRedirectDirOn_AndThroughTheLibrary_GivesTheSameTreesAndRedirects(string[] steps)
    {
        using var setup = Setup.TryCreate(out var reason);
        if (setup is null)
        {
            Overlay.Tests.Differential.KernelOracle.SkipOrFail(reason!);
        }

        var disk = new System.IO.Abstractions.FileSystem();
        using (var libraryUpper = new HostDirectoryLayer(setup.LibraryUpper, new HostDirectoryLayerOptions { Name = "upper", WorkDirectory = setup.LibraryWork, WhiteoutForm = WhiteoutForm.Kernel, Durable = false }))
        {
            var lowers = setup.Lowers.Select((l, i) => (ILayer)new HostDirectoryLayer(l, new HostDirectoryLayerOptions { Name = "lower" + i, WhiteoutForm = WhiteoutForm.Kernel }));
            var overlay = new OverlayFileSystem(lowers, libraryUpper, new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.Redirect });
            foreach (var step in steps)
            {
                string kernelOutcome = Run(disk, setup.Mount, step);
                string libraryOutcome = Run(overlay, string.Empty, step);
                libraryOutcome.Should().Be(kernelOutcome, $"the outcome of '{step}'");
                Merged(overlay, "/").Should().Equal(Merged(disk, setup.Mount), $"the merged tree after '{step}'");
                UpperShape(setup.LibraryUpper).Should().Equal(UpperShape(setup.KernelUpper), $"the upper (redirects included) after '{step}'");
            }

            UpperShape(setup.KernelUpper).Should().Contain(l => l.Contains(" redirect=", StringComparison.Ordinal), "the kernel renamed with redirects");
            var libraryView = Merged(overlay, "/");

            // The upper the kernel wrote, read by the library: it follows the kernel's redirects.
            string work3 = Directory.CreateDirectory(Path.Combine(setup.Base, "work3")).FullName;
            using (var kernelUpper = new HostDirectoryLayer(setup.KernelUpper, new HostDirectoryLayerOptions { Name = "kernel-upper", WorkDirectory = work3, WhiteoutForm = WhiteoutForm.Kernel, Durable = false }))
            {
                var lowers2 = setup.Lowers.Select((l, i) => (ILayer)new HostDirectoryLayer(l, new HostDirectoryLayerOptions { Name = "lower" + i, WhiteoutForm = WhiteoutForm.Kernel }));
                Merged(new OverlayFileSystem(lowers2, kernelUpper), "/").Should().Equal(Merged(disk, setup.Mount), "the library reads the kernel's upper as the kernel does");
            }

            // The upper the library wrote, mounted by the kernel.
            libraryUpper.Dispose();
            string mount2 = Directory.CreateDirectory(Path.Combine(setup.Base, "merged2")).FullName;
            string work2 = Directory.CreateDirectory(Path.Combine(setup.Base, "work2")).FullName;
            int errno = LinuxNative.Mount("overlay", mount2, "overlay", $"lowerdir={string.Join(':', setup.Lowers)},upperdir={setup.LibraryUpper},workdir={work2},{Options}");
            errno.Should().Be(0, "the kernel mounts the upper the library wrote");
            try
            {
                Merged(disk, mount2).Should().Equal(libraryView, "the kernel shows the library's upper as the library does");
            }
            finally
            {
                LinuxNative.Unmount(mount2);
            }
        }
    }

    private static string Run(IFileSystem fs, string root, string step)
    {
        var parts = step.Split(' ', 3);
        string p1 = root + parts[1];
        try
        {
            switch (parts[0])
            {
                case "move":
                    if (fs.Directory.Exists(p1))
                    {
                        fs.Directory.Move(p1, root + parts[2]);
                    }
                    else
                    {
                        fs.File.Move(p1, root + parts[2]);
                    }

                    break;
                case "delete":
                    fs.File.Delete(p1);
                    break;
                case "rmdir":
                    fs.Directory.Delete(p1);
                    break;
                case "mkdir":
                    fs.Directory.CreateDirectory(p1);
                    break;
                case "write":
                    fs.File.AppendAllText(p1, parts[2]);
                    break;
                default:
                    throw new InvalidOperationException(step);
            }

            return "ok";
        }
        catch (IOException e)
        {
            return $"{e.GetType().Name} {e.HResult}";
        }
    }

    /// <summary>The merged tree: kinds, modes, file data and link targets (times differ between the two).</summary>
    private static List<string> Merged(IFileSystem fs, string root)
    {
        var lines = new List<string>();
        Walk(root.Length == 0 ? "/" : root, "/");
        return lines;

        void Walk(string directory, string relative)
        {
            foreach (var entry in fs.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                string name = fs.Path.GetFileName(entry);
                string path = relative + name;
                var info = fs.FileInfo.New(entry);
                if (info.LinkTarget is { } target)
                {
                    lines.Add($"{path} l -> {target}");
                }
                else if (fs.Directory.Exists(entry))
                {
                    lines.Add($"{path} d {Mode(fs, entry)}");
                    Walk(entry, path + "/");
                }
                else
                {
                    lines.Add($"{path} f {Mode(fs, entry)} '{fs.File.ReadAllText(entry)}'");
                }
            }
        }
    }

    private static string Mode(IFileSystem fs, string path) =>
        OperatingSystem.IsWindows() ? "-" : Convert.ToString((int)fs.File.GetUnixFileMode(path), 8);

    /// <summary>An upper on disk: <see cref="KernelUpperDumper"/>'s lines and a line per redirect.</summary>
    private static List<string> UpperShape(string upper)
    {
        var lines = new List<string>(KernelUpperDumper.Dump(upper));
        foreach (var directory in Directory.EnumerateDirectories(upper, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (new DirectoryInfo(directory).LinkTarget is null && LinuxNative.GetXattr(directory, RedirectXattr) is { } redirect)
            {
                lines.Add($"{Path.GetRelativePath(upper, directory)} redirect={redirect}");
            }
        }

        return lines;
    }

    private sealed class Setup : IDisposable
    {
        private bool _mounted;

        private Setup(string baseDirectory)
        {
            Base = baseDirectory;
        }

        public string Base { get; }

        public List<string> Lowers { get; } = [];

        public string Mount => Path.Combine(Base, "merged");

        public string KernelUpper => Path.Combine(Base, "kupper");

        public string LibraryUpper => Path.Combine(Base, "lupper");

        public string LibraryWork => Path.Combine(Base, "lwork");

        public static Setup? TryCreate(out string? reason)
        {
            reason = null;
            if (!OperatingSystem.IsLinux())
            {
                reason = "the kernel overlayfs reference needs Linux";
                return null;
            }

            if (LinuxNative.GetEffectiveUserId() != 0)
            {
                reason = "mounting the kernel overlayfs needs root (mount, mknod, trusted.* xattrs)";
                return null;
            }

            LinuxNative.EnsureRecordedUmask();
            var setup = new Setup(Directory.CreateTempSubdirectory("overlay-test-redirect-").FullName);
            try
            {
                foreach (var (entries, i) in new[] { TopLower, BottomLower }.Select((e, i) => (e, i)))
                {
                    string lower = Directory.CreateDirectory(Path.Combine(setup.Base, "lower" + i)).FullName;
                    KernelLayerWriter.Write(lower, entries);
                    setup.Lowers.Add(lower);
                }

                foreach (var d in new[] { setup.Mount, setup.KernelUpper, setup.LibraryUpper, setup.LibraryWork, Path.Combine(setup.Base, "kwork") })
                {
                    Directory.CreateDirectory(d);
                }

                int errno = LinuxNative.Mount("overlay", setup.Mount, "overlay", $"lowerdir={string.Join(':', setup.Lowers)},upperdir={setup.KernelUpper},workdir={Path.Combine(setup.Base, "kwork")},{Options}");
                if (errno is LinuxNative.EPERM or LinuxNative.EACCES or LinuxNative.ENODEV or LinuxNative.EINVAL)
                {
                    reason = $"the kernel refused to mount overlayfs with redirect_dir=on (errno {errno})";
                    setup.Dispose();
                    return null;
                }

                if (errno != 0)
                {
                    throw new IOException($"mount failed with errno {errno}", errno);
                }

                setup._mounted = true;
                return setup;
            }
            catch (IOException ex) when (ex.HResult is LinuxNative.EPERM or LinuxNative.EACCES)
            {
                reason = "cannot write a kernel-form layer here: " + ex.Message;
                setup.Dispose();
                return null;
            }
            catch
            {
                setup.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            if (_mounted)
            {
                _mounted = false;
                if (LinuxNative.Unmount(Mount) != 0)
                {
                    return;
                }
            }

            try
            {
                Directory.Delete(Base, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
