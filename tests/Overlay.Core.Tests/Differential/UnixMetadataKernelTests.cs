using System.Globalization;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Differential;

/// <summary>
/// The same operations on a kernel overlay mount and on the library's overlay over the same lower
/// directory leave uppers with the same owners, modes (setgid included), extended attributes and
/// link counts: copy-up keeps owner and attributes, copying one name of a hard-linked file breaks
/// the link (index=off), and new objects in a setgid directory take its group.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnixMetadataKernelTests : IDisposable
{
    private static readonly byte[] NetRawCapability = [1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-unix-kernel-").FullName;

    public void Dispose()
    {
        LinuxNative.Unmount(Path.Combine(_root, "merged"));
        Directory.Delete(_root, recursive: true);
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static int Octal(string text) => Convert.ToInt32(text, 8);

    private void BuildLower(string lower)
    {
        void File(string path, string content, string mode, int uid = 0, int gid = 0)
        {
            string full = Path.Combine(lower, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            System.IO.File.WriteAllText(full, content);
            LinuxSyscalls.LChown(full, uid, gid).Should().Be(0);
            System.IO.File.SetUnixFileMode(full, (UnixFileMode)Octal(mode));
        }

        File("etc/shadow", "root:*", "640", 0, 42);
        File("usr/bin/chage", "elf", "2755", 0, 42);
        File("usr/bin/ping", "elf", "755");
        LinuxSyscalls.SetXattr(Path.Combine(lower, "usr/bin/ping"), "security.capability", NetRawCapability, 0).Should().Be(0);
        File("usr/bin/perl", "perl", "755");
        LinuxSyscalls.Link(Path.Combine(lower, "usr/bin/perl"), Path.Combine(lower, "usr/bin/perl5.36.0")).Should().Be(0);
        string mail = Directory.CreateDirectory(Path.Combine(lower, "var/mail")).FullName;
        LinuxSyscalls.LChown(mail, 0, 8).Should().Be(0);
        System.IO.File.SetUnixFileMode(mail, (UnixFileMode)Octal("2775"));
    }

    private static void Operate(IFileSystemLike fs)
    {
        fs.Chmod("/usr/bin/chage", (UnixFileMode)Octal("2750"));
        fs.Append("/usr/bin/perl", " more");
        fs.Touch("/usr/bin/ping");
        fs.Write("/var/mail/new", "mail");
        fs.Mkdir("/var/mail/box");
        fs.Touch("/etc/shadow");
    }

    [Fact]
    public void SameOperations_LeaveTheSameOwnersModesXattrsAndLinkCountsInTheUpper()
    {
        if (LinuxNative.GetEffectiveUserId() != 0)
        {
            KernelOracle.SkipOrFail("owners and security.capability need root");
        }

        KernelOracle.RequireOrSkip();
        string lower = Dir("lower");
        BuildLower(lower);
        string kernelUpper = Dir("kupper");
        string merged = Dir("merged");
        int mounted = LinuxNative.Mount("overlay", merged, "overlay", $"lowerdir={lower},upperdir={kernelUpper},workdir={Dir("kwork")},{KernelMountTarget.MountOptions}");
        if (mounted != 0)
        {
            KernelOracle.SkipOrFail($"mount failed with errno {mounted}");
        }

        Operate(new HostSide(merged));
        LinuxNative.Unmount(merged).Should().Be(0);

        string libraryUpper = Dir("lupper");
        using (var lowerLayer = new HostDirectoryLayer(lower))
        using (var upperLayer = new HostDirectoryLayer(libraryUpper, new HostDirectoryLayerOptions { WorkDirectory = Dir("lwork") }))
        {
            var overlay = new OverlayFileSystem([lowerLayer], upperLayer, new OverlayOptions { Owner = UnixOwner.Root });
            Operate(new OverlaySide(overlay));
            overlay.Unix.GetLinkCount("/usr/bin/perl").Should().Be(1);
            overlay.Unix.GetLinkCount("/usr/bin/perl5.36.0").Should().Be(2, "the kernel (index=off) shows the lower's count for the name not copied up");
        }

        var expected = Describe(kernelUpper);
        expected.Should().ContainKey("/usr/bin/chage").WhoseValue.Should().StartWith("0:42 2750 ");
        expected.Should().ContainKey("/var/mail/new").WhoseValue.Should().StartWith("0:8 ");
        Describe(libraryUpper).Should().Equal(expected);
    }

    /// <summary>Every object of an upper directory: owner, mode, link count, kind and attributes (the kernel's own left out).</summary>
    private static Dictionary<string, string> Describe(string upper)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(upper, "*", SearchOption.AllDirectories))
        {
            LinuxSyscalls.LStat(path, out var s).Should().Be(0);
            LinuxSyscalls.ListXattrs(path, out var names).Should().Be(0);
            var attributes = names.Where(n => !n.StartsWith("trusted.overlay.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                .Select(n => LinuxSyscalls.GetXattr(path, n, out var v) == 0 ? n + "=" + Convert.ToHexString(v ?? []) : n);
            result["/" + Path.GetRelativePath(upper, path)] = string.Create(
                CultureInfo.InvariantCulture,
                $"{s.Uid}:{s.Gid} {Convert.ToString((int)s.Permissions, 8)} {s.LinkCount} {s.Type:x} {string.Join(',', attributes)}");
        }

        return result;
    }

    private interface IFileSystemLike
    {
        void Chmod(string path, UnixFileMode mode);

        void Append(string path, string text);

        void Touch(string path);

        void Write(string path, string text);

        void Mkdir(string path);
    }

    private sealed class HostSide(string root) : IFileSystemLike
    {
        private string P(string path) => root + path;

        public void Chmod(string path, UnixFileMode mode) => File.SetUnixFileMode(P(path), mode);

        public void Append(string path, string text) => File.AppendAllText(P(path), text);

        public void Touch(string path) => File.SetLastWriteTimeUtc(P(path), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        public void Write(string path, string text) => File.WriteAllText(P(path), text);

        public void Mkdir(string path) => Directory.CreateDirectory(P(path));
    }

    private sealed class OverlaySide(OverlayFileSystem overlay) : IFileSystemLike
    {
        public void Chmod(string path, UnixFileMode mode) => overlay.File.SetUnixFileMode(path, mode);

        public void Append(string path, string text) => overlay.File.AppendAllText(path, text);

        public void Touch(string path) => overlay.File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        public void Write(string path, string text) => overlay.File.WriteAllText(path, text);

        public void Mkdir(string path) => overlay.Directory.CreateDirectory(path);
    }
}
