using System.Diagnostics;
using System.IO.Abstractions;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.Differential;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;

namespace Overlay.Tests.Layers;

/// <summary>
/// The kernel's whiteout form on the real disk: whiteouts as character devices 0/0, opaque
/// directories as <c>trusted.overlay.opaque=y</c> (or <c>user.</c>), xwhiteouts read; an upper
/// written in this form mounts under the kernel with the same merged view; Docker's overlay2
/// directories work as layers as they are.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class KernelFormLayerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-kernelform-").FullName;
    private readonly List<IDisposable> _disposables = [];
    private readonly LayerSnapshot? _topBefore;
    private readonly LayerSnapshot? _bottomBefore;

    public KernelFormLayerTests()
    {
        if (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0)
        {
            return;
        }

        // bottom: /etc/hosts, /etc/gone, /dir/old, /.wh.plain ; top (kernel form): whiteout of
        // /etc/gone, /dir opaque with /dir/new, /x with an xwhiteout of /x/old
        Write("bottom/etc/hosts", "hosts");
        Write("bottom/etc/gone", "gone");
        Write("bottom/dir/old", "old");
        Write("bottom/x/old", "old");
        Write("bottom/x/kept", "kept");
        Write("bottom/.wh.plain", "an ordinary name in this form");
        Directory.CreateDirectory(Path.Combine(_root, "top/etc"));
        LinuxSyscalls.MakeNode(Path.Combine(_root, "top/etc/gone"), LinuxSyscalls.S_IFCHR, 0).Should().Be(0);
        Write("top/dir/new", "new");
        LinuxSyscalls.SetXattr(Path.Combine(_root, "top/dir"), "trusted.overlay.opaque", "y"u8, 0).Should().Be(0);
        Write("top/x/old", string.Empty);
        LinuxSyscalls.SetXattr(Path.Combine(_root, "top/x/old"), "trusted.overlay.whiteout", "y"u8, 0).Should().Be(0);
        LinuxSyscalls.SetXattr(Path.Combine(_root, "top/x"), "trusted.overlay.opaque", "x"u8, 0).Should().Be(0);
        Directory.CreateDirectory(Path.Combine(_root, "upper"));
        _topBefore = Snapshot(Top);
        _bottomBefore = Snapshot(Bottom);
    }

    private string Top => Path.Combine(_root, "top");

    private string Bottom => Path.Combine(_root, "bottom");

    private string UpperDir => Path.Combine(_root, "upper");

    private string WorkDir => Path.Combine(_root, "work");

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        try
        {
            // Lowers are never written, by the library or by the kernel mounting its upper.
            if (_topBefore is not null && _bottomBefore is not null)
            {
                Snapshot(Top).Differences(_topBefore).Should().BeEmpty();
                Snapshot(Bottom).Differences(_bottomBefore).Should().BeEmpty();
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static LayerSnapshot Snapshot(string directory)
    {
        using var layer = new HostDirectoryLayer(directory, new HostDirectoryLayerOptions { WhiteoutForm = WhiteoutForm.Kernel });
        return LayerSnapshot.Capture(layer, AccessTimeCheck.None);
    }

    private static void RequireRoot()
    {
        if (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0)
        {
            KernelOracle.SkipOrFail("the kernel whiteout form's tests make character devices and trusted.* attributes, which needs root on Linux");
        }
    }

    private HostDirectoryLayer Open(string path, WhiteoutForm form, string? work = null, bool userXattr = false)
    {
        var layer = new HostDirectoryLayer(path, new HostDirectoryLayerOptions
        {
            Name = Path.GetFileName(path),
            WhiteoutForm = form,
            WorkDirectory = work,
            Durable = false,
            UserExtendedAttributes = userXattr,
        });
        _disposables.Add(layer);
        return layer;
    }

    private OverlayFileSystem NewOverlay(bool withUpper = true) => new(
        [Open(Top, WhiteoutForm.Kernel), Open(Bottom, WhiteoutForm.Kernel)],
        withUpper ? Open(UpperDir, WhiteoutForm.Kernel, WorkDir) : null,
        new OverlayOptions { DirectoryRenamePolicy = DirectoryRenamePolicy.Kernel });

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static LinuxSyscalls.StatxResult LStat(string path)
    {
        LinuxSyscalls.LStat(path, out var stat).Should().Be(0, "'{0}' should exist", path);
        return stat;
    }

    // ---- Reading

    [Fact]
    public void AKernelFormLower_DecodesDeviceWhiteoutsOpaqueAttributesAndXWhiteouts()
    {
        RequireRoot();
        var top = Open(Top, WhiteoutForm.Kernel);

        top.TryGetEntry("/etc/gone", out var gone).Should().BeTrue();
        gone.Kind.Should().Be(LayerEntryKind.Whiteout);
        top.TryGetEntry("/dir", out var dir).Should().BeTrue();
        dir.IsOpaque.Should().BeTrue();
        top.TryGetEntry("/x", out var x).Should().BeTrue();
        x.IsOpaque.Should().BeFalse("opaque=x only says the directory holds xwhiteouts");
        top.ListDirectory("/x").Select(e => (e.Name, e.Kind)).Should().Equal(("old", LayerEntryKind.Whiteout));
    }

    [Fact]
    public void TheMergedView_OfKernelFormLayers_HidesWhatTheyDelete()
    {
        RequireRoot();
        var overlay = NewOverlay(withUpper: false);

        overlay.Directory.GetFileSystemEntries("/etc").Should().Equal("/etc/hosts");
        overlay.Directory.GetFileSystemEntries("/dir").Should().Equal("/dir/new");
        overlay.Directory.GetFileSystemEntries("/x").Should().Equal("/x/kept");
        overlay.File.ReadAllText("/.wh.plain").Should().Be("an ordinary name in this form");
    }

    [Fact]
    public void TheOciAndPlainForms_DoNotTakeADeviceForAWhiteout()
    {
        RequireRoot();

        Open(Top, WhiteoutForm.Oci).TryGetEntry("/etc/gone", out _).Should().BeFalse();
        Open(Top, WhiteoutForm.None).ListDirectory("/etc").Should().BeEmpty();
        Open(Top, WhiteoutForm.Oci).TryGetEntry("/dir", out var dir).Should().BeTrue();
        dir.IsOpaque.Should().BeFalse();
    }

    // ---- Writing

    [Fact]
    public void AKernelFormUpper_WritesWhiteoutsAsDevicesAndOpaqueDirectoriesAsAttributes()
    {
        RequireRoot();
        var overlay = NewOverlay();

        overlay.File.Delete("/etc/hosts");
        overlay.Directory.Delete("/x", recursive: true);
        overlay.Directory.CreateDirectory("/x");
        overlay.File.WriteAllText("/.wh.name", "ordinary");

        LStat(Path.Combine(UpperDir, "etc/hosts")).IsCharacterDevice.Should().BeTrue();
        var whiteout = LStat(Path.Combine(UpperDir, "etc/hosts"));
        (whiteout.RdevMajor, whiteout.RdevMinor).Should().Be((0u, 0u));
        LinuxSyscalls.GetXattr(Path.Combine(UpperDir, "x"), "trusted.overlay.opaque", out var opaque).Should().Be(0);
        opaque.Should().Equal("y"u8.ToArray());
        File.ReadAllText(Path.Combine(UpperDir, ".wh.name")).Should().Be("ordinary");
        overlay.Directory.GetFileSystemEntries("/x").Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(Path.Combine(WorkDir, "work")).Should().BeEmpty();
    }

    [Fact]
    public void RenamingALowerFile_LeavesADeviceWhiteoutAtTheOldName()
    {
        RequireRoot();
        var overlay = NewOverlay();

        overlay.File.Move("/etc/hosts", "/etc/hosts2");

        LStat(Path.Combine(UpperDir, "etc/hosts")).IsCharacterDevice.Should().BeTrue();
        File.ReadAllText(Path.Combine(UpperDir, "etc/hosts2")).Should().Be("hosts");
        overlay.Directory.GetFileSystemEntries("/etc").Should().Equal("/etc/hosts2");
    }

    [Fact]
    public void UserExtendedAttributes_MarkOpaqueDirectoriesWithUserOverlay()
    {
        RequireRoot();
        var upper = Open(UpperDir, WhiteoutForm.Kernel, WorkDir, userXattr: true);
        var overlay = new OverlayFileSystem([Open(Bottom, WhiteoutForm.Kernel)], upper);

        overlay.Directory.Delete("/dir", recursive: true);
        overlay.Directory.CreateDirectory("/dir");

        LinuxSyscalls.GetXattr(Path.Combine(UpperDir, "dir"), "user.overlay.opaque", out var value).Should().Be(0);
        value.Should().Equal("y"u8.ToArray());
        LinuxSyscalls.GetXattr(Path.Combine(UpperDir, "dir"), "trusted.overlay.opaque", out _).Should().Be(LinuxSyscalls.ENODATA);
    }

    [Fact]
    public void TheKernelForm_OnAnyOtherFileSystem_IsRefused()
    {
        var mock = new System.IO.Abstractions.TestingHelpers.MockFileSystem();
        mock.Directory.CreateDirectory("/layer");

        var act = () => new FileSystemLayer(mock, "/layer", new FileSystemLayerOptions { WhiteoutForm = WhiteoutForm.Kernel });

        act.Should().Throw<ArgumentException>().WithMessage("*kernel whiteout form*HostDirectoryLayer on Linux*");
    }

    // ---- The kernel and Docker read the same directories

    [Fact]
    public void AnUpperWrittenInTheKernelForm_MountsUnderTheKernelWithTheSameMergedView()
    {
        RequireRoot();
        KernelOracle.RequireOrSkip();
        var overlay = NewOverlay();
        overlay.File.AppendAllText("/etc/hosts", "+1");
        overlay.File.Delete("/etc/hosts");
        overlay.File.WriteAllText("/etc/hosts", "again");
        overlay.Directory.Delete("/dir", recursive: true);
        overlay.Directory.CreateDirectory("/dir/sub");
        overlay.File.Move("/x/kept", "/kept");
        overlay.File.CreateSymbolicLink("/link", "/etc/hosts");
        overlay.File.SetUnixFileMode("/kept", UnixFileMode.UserRead);
        var expected = Tree(overlay, "/");
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _disposables.Clear();
        string merged = Directory.CreateDirectory(Path.Combine(_root, "merged")).FullName;
        int errno = LinuxNative.Mount("overlay", merged, "overlay", $"lowerdir={Top}:{Bottom},upperdir={UpperDir},workdir={WorkDir},{KernelOracle.MountOptions}");
        errno.Should().Be(0, "the kernel should accept the upper the library wrote");
        try
        {
            Tree(new System.IO.Abstractions.FileSystem(), merged).Should().Equal(expected);
        }
        finally
        {
            LinuxNative.Unmount(merged);
        }
    }

    [Fact]
    public void DockersOverlay2Directories_AsLayers_GiveTheMergedViewDockerExported()
    {
        RequireRoot();
        string fixtures = Path.GetDirectoryName(TestFixtures.Find("fixtures/docker/c1-export.tar"))!;
        string init = Extract(Path.Combine(fixtures, "overlay-dirs", "c1-init.diff.tar"), "init");
        string containerUpper = Extract(Path.Combine(fixtures, "overlay-dirs", "c1-upper.diff.tar"), "c1-upper");
        string image = Extract(Path.Combine(fixtures, "layers", "base.layer.tar"), "base");
        string export = Extract(Path.Combine(fixtures, "c1-export.tar"), "export");

        // As lowers (a read-only view), then with the container's diff/ as the upper.
        var readOnly = new OverlayFileSystem([Open(containerUpper, WhiteoutForm.Kernel), Open(init, WhiteoutForm.Kernel), Open(image, WhiteoutForm.Oci)], null);
        var expected = Tree(new System.IO.Abstractions.FileSystem(), export);
        Tree(readOnly, "/").Should().Equal(expected);

        var withUpper = new OverlayFileSystem([Open(init, WhiteoutForm.Kernel), Open(image, WhiteoutForm.Oci)], Open(containerUpper, WhiteoutForm.Kernel, Path.Combine(_root, "c1-work")));
        Tree(withUpper, "/").Should().Equal(expected);
        withUpper.File.WriteAllText("/tmp/x", "from c2");
        withUpper.File.ReadAllText("/data/modify.txt").Should().Be("original\nmodified\n");
    }

    private string Extract(string tar, string name)
    {
        string target = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        using var process = Process.Start(new ProcessStartInfo("tar", ["--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", tar, "-C", target])
        {
            RedirectStandardError = true,
        })!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, "tar should extract {0}: {1}", tar, errors);
        return target;
    }

    /// <summary>A tree as a program sees it: path, type, mode, content hash or link target.</summary>
    private static string[] Tree(IFileSystem fileSystem, string root)
    {
        var lines = new List<string>();
        void Walk(string directory, string relative)
        {
            foreach (var path in fileSystem.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                string name = relative + "/" + fileSystem.Path.GetFileName(path);
                var info = fileSystem.FileInfo.New(path);
                if (info.LinkTarget is { } target)
                {
                    lines.Add($"{name} l -> {target}");
                }
                else if (fileSystem.Directory.Exists(path))
                {
                    lines.Add($"{name} d {Convert.ToString((int)fileSystem.File.GetUnixFileMode(path), 8)}");
                    Walk(path, name);
                }
                else
                {
                    string hash = Convert.ToHexString(SHA256.HashData(fileSystem.File.ReadAllBytes(path)))[..12];
                    lines.Add($"{name} f {Convert.ToString((int)fileSystem.File.GetUnixFileMode(path), 8)} {hash}");
                }
            }
        }

        Walk(root, string.Empty);
        return [.. lines];
    }
}
