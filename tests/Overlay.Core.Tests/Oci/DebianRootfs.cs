using Overlay.Layers.Host;
using Overlay.Tests.Oci.Export;

namespace Overlay.Tests.Oci;

/// <summary>
/// The deep lane's real Debian root file system: <c>debootstrap --variant=minbase bookworm</c> with
/// <c>iputils-ping</c> (ping carries <c>security.capability</c>), <c>libcap2-bin</c>, <c>attr</c>
/// and <c>acl</c> (a container can run <c>getcap</c>, <c>getfattr</c> and <c>getfacl</c>), plus
/// <c>/srv/overlay</c>, the kinds a minbase lacks: POSIX ACLs (access and default), a
/// <c>user.*</c> attribute, a file and a FIFO owned by 65534:8, a character device outside
/// <c>/dev</c>, and a third name of the hard-linked <c>/usr/bin/perl</c> in another directory.
/// Made once and kept under the temp directory (<c>overlay-debian-&lt;version&gt;</c>, with a
/// <c>complete</c> marker), so that each deep run does not bootstrap again.
/// </summary>
/// <remarks>
/// <c>OVERLAY_DEBIAN_ROOTFS</c> names a root file system to use instead (the tests that need
/// <c>/srv/overlay</c> say so when it lacks them), <c>OVERLAY_DEBIAN_MIRROR</c> the mirror.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DebianRootfs
{
    /// <summary>Changes whenever what is made changes, so that an older cache is not used.</summary>
    private const string Version = "bookworm-minbase-v1";

    private const string Packages = "iputils-ping,libcap2-bin,attr,acl";

    private static readonly Lock Gate = new();

    /// <summary>The directory holding the cache: the rootfs and its marker.</summary>
    public static string CacheDirectory => Path.Combine(Path.GetTempPath(), "overlay-debian-" + Version);

    /// <summary>
    /// The root file system's directory: skips unless this is the deep lane, the process is root and
    /// debootstrap is installed (when no cache or <c>OVERLAY_DEBIAN_ROOTFS</c> is there).
    /// </summary>
    public static string GetOrSkip()
    {
        Support.TestLane.SkipUnlessDeep("a real Debian root file system: debootstrap from the network, minutes");
        if (LinuxSyscalls.EffectiveUserId() != 0)
        {
            Assert.Skip("debootstrap, and the owners and devices of a Debian root file system, need root.");
        }

        if (Environment.GetEnvironmentVariable("OVERLAY_DEBIAN_ROOTFS") is { Length: > 0 } given)
        {
            return given;
        }

        lock (Gate)
        {
            string rootfs = Path.Combine(CacheDirectory, "rootfs");
            string marker = Path.Combine(CacheDirectory, "complete");
            if (File.Exists(marker))
            {
                return rootfs;
            }

            if (!File.Exists("/usr/sbin/debootstrap"))
            {
                Assert.Skip("debootstrap is not installed (apt-get install -y debootstrap).");
            }

            if (Directory.Exists(CacheDirectory))
            {
                // A bootstrap that did not finish: start again.
                ExportTestSupport.Run("rm", ["-rf", "--one-file-system", CacheDirectory]);
            }

            Directory.CreateDirectory(CacheDirectory);
            string mirror = Environment.GetEnvironmentVariable("OVERLAY_DEBIAN_MIRROR") ?? "http://deb.debian.org/debian";
            ExportTestSupport.Run("/usr/sbin/debootstrap", ["--variant=minbase", "--include=" + Packages, "bookworm", rootfs, mirror], TimeSpan.FromMinutes(20));
            AddWhatMinbaseLacks(rootfs);
            File.WriteAllText(marker, Version + "\n");
            return rootfs;
        }
    }

    private static void AddWhatMinbaseLacks(string rootfs)
    {
        string srv = Path.Combine(rootfs, "srv", "overlay");
        Directory.CreateDirectory(srv);
        string Under(string name) => Path.Combine(srv, name);

        File.WriteAllText(Under("acl-file"), "acl\n");
        ExportTestSupport.Run("setfacl", ["-m", "u:65534:r,g:8:rw", Under("acl-file")]);
        Directory.CreateDirectory(Under("acl-dir"));
        ExportTestSupport.Run("setfacl", ["-d", "-m", "g:8:rwx", Under("acl-dir")]);
        ExportTestSupport.Run("setfacl", ["-m", "g:8:rwx", Under("acl-dir")]);

        File.WriteAllText(Under("user-xattr"), "user\n");
        ExportTestSupport.Run("setfattr", ["-n", "user.overlay", "-v", "kept", Under("user-xattr")]);

        File.WriteAllText(Under("nobody-mail"), "nobody\n");
        ExportTestSupport.Run("chown", ["65534:8", Under("nobody-mail")]);
        ExportTestSupport.Run("chmod", ["0640", Under("nobody-mail")]);
        ExportTestSupport.Run("mkfifo", ["-m", "0620", Under("fifo")]);
        ExportTestSupport.Run("chown", ["65534:8", Under("fifo")]);
        ExportTestSupport.Run("mknod", ["-m", "0666", Under("null"), "c", "1", "3"]);
        ExportTestSupport.Run("ln", [Path.Combine(rootfs, "usr", "bin", "perl"), Under("perl")]);
    }
}
