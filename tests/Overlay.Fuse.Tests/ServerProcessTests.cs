using System.Diagnostics;
using Overlay.Fuse.Tests.Support;

namespace Overlay.Fuse.Tests;

/// <summary>The mount served by another process: overlay mount, the mount(8) helper, and the server's death.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ServerProcessTests
{
    [Fact]
    public void KillNine_OfTheServer_LeavesNoMount_TheWatchdogDetachesIt()
    {
        Requires.Fuse();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-kill-{Guid.NewGuid():N}")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        File.WriteAllText(Path.Combine(lower, "a"), "a");
        using var server = Process.Start(new ProcessStartInfo(OverlayTool.Path)
        {
            ArgumentList = { "mount", lower, mountPoint, "--upper", Path.Combine(root, "upper"), "--work", Path.Combine(root, "work") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            Mounts.WaitFor(mountPoint, mounted: true, TimeSpan.FromSeconds(30)).Should().BeTrue();
            File.ReadAllText(Path.Combine(mountPoint, "a")).Should().Be("a");

            server.Kill();
            server.WaitForExit();

            // The kernel ended the connection with the process; the watchdog the mount started
            // saw the process end, aborted the connection and detached the mount.
            Mounts.WaitFor(mountPoint, mounted: false, TimeSpan.FromSeconds(10)).Should().BeTrue("the watchdog unmounts a mount whose server died");
            var stat = Run.Program("/", "timeout", "10", "stat", "-c", "%F", mountPoint);
            stat.ExitCode.Should().Be(0, stat.Output);
            Directory.GetFileSystemEntries(mountPoint).Should().BeEmpty("the mount point is the plain directory again");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            Mounts.Detach(mountPoint);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void OverlayMount_WhenTheWorkDirectoryIsInUse_FailsNamingIt_AndMountsNothing()
    {
        Requires.Fuse();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-busy-{Guid.NewGuid():N}")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
        string work = Path.Combine(root, "work");
        string first = Directory.CreateDirectory(Path.Combine(root, "first")).FullName;
        string second = Directory.CreateDirectory(Path.Combine(root, "second")).FullName;
        using var server = Process.Start(new ProcessStartInfo(OverlayTool.Path)
        {
            ArgumentList = { "mount", lower, first, "--upper", Path.Combine(root, "upper"), "--work", work },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            Mounts.WaitFor(first, mounted: true, TimeSpan.FromSeconds(30)).Should().BeTrue();

            var (code, output) = Run.Program("/", OverlayTool.Path, "mount", lower, second, "--upper", Path.Combine(root, "upper"), "--work", work);

            code.Should().NotBe(0);
            output.Should().Contain(work).And.Contain("in use");
            Mounts.IsMounted(second).Should().BeFalse();
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            Mounts.WaitFor(first, mounted: false, TimeSpan.FromSeconds(10));
            Mounts.Detach(first);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void OverlayMount_OnAFile_FailsSayingTheMountPointMustBeADirectory()
    {
        Requires.Fuse();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-bad-{Guid.NewGuid():N}")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
        string file = Path.Combine(root, "file");
        File.WriteAllText(file, "not a directory");
        try
        {
            var (code, output) = Run.Program("/", OverlayTool.Path, "mount", lower, file);

            code.Should().NotBe(0);
            output.Should().Contain(file).And.Contain("must be an existing directory");
            Mounts.IsMounted(file).Should().BeFalse();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task OverlayMount_WithTrace_PrintsTheAnsweringLayer_AndUnmountsOnSigterm()
    {
        Requires.Fuse();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-trace-{Guid.NewGuid():N}")).FullName;
        string top = Directory.CreateDirectory(Path.Combine(root, "top")).FullName;
        string bottom = Directory.CreateDirectory(Path.Combine(root, "bottom")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        File.WriteAllText(Path.Combine(top, "from-top"), "t");
        File.WriteAllText(Path.Combine(bottom, "from-bottom"), "b");
        using var server = Process.Start(new ProcessStartInfo(OverlayTool.Path)
        {
            ArgumentList = { "mount", $"{top}:{bottom}", mountPoint, "--trace" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var trace = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            Mounts.WaitFor(mountPoint, mounted: true, TimeSpan.FromSeconds(30)).Should().BeTrue();
            Run.Checked("/", "cat", Path.Combine(mountPoint, "from-bottom"), Path.Combine(mountPoint, "from-top")).Should().Be("bt");
            var (code, output) = Run.Program("/", "touch", Path.Combine(mountPoint, "new"));
            code.Should().NotBe(0, "without --upper the mount is read-only");
            output.Should().Contain("Read-only file system");

            Run.Checked("/", "kill", "-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            server.WaitForExit(30_000).Should().BeTrue();

            server.ExitCode.Should().Be(0);
            Mounts.IsMounted(mountPoint).Should().BeFalse();
            // IMAGE given as layers topmost first: the bottom one is layer 0.
            (await trace).Should().Contain("lookup /from-bottom <- layer 0").And.Contain("lookup /from-top <- layer 1");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            Mounts.Detach(mountPoint);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task OverlayMount_SigtermAsSoonAsTheMountIsVisible_UnmountsAndExitsCleanly()
    {
        Requires.Fuse();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-early-term-{Guid.NewGuid():N}")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        File.WriteAllText(Path.Combine(lower, "f"), "f");
        try
        {
            // The mount point is in place before the tool has finished making the mount: a signal
            // then must still end it with an unmount and exit code 0, not kill it (143).
            for (int round = 0; round < 3; round++)
            {
                using var server = Process.Start(new ProcessStartInfo(OverlayTool.Path)
                {
                    ArgumentList = { "mount", lower, mountPoint },
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                })!;
                var said = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
                try
                {
                    var clock = Stopwatch.StartNew();
                    while (!Mounts.IsMounted(mountPoint) && clock.Elapsed < TimeSpan.FromSeconds(30))
                    {
                        Thread.SpinWait(1000);
                    }

                    Mounts.IsMounted(mountPoint).Should().BeTrue();
                    Run.Checked("/", "kill", "-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    server.WaitForExit(30_000).Should().BeTrue();

                    server.ExitCode.Should().Be(0, "round {0}: {1}", round, await said);
                    Mounts.WaitFor(mountPoint, mounted: false, TimeSpan.FromSeconds(10)).Should().BeTrue();
                }
                finally
                {
                    if (!server.HasExited)
                    {
                        server.Kill();
                    }

                    Mounts.Detach(mountPoint);
                }
            }
        }
        finally
        {
            Mounts.Detach(mountPoint);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void MountHelper_ServesMountDashT_WithFuseOverlayfsOptions()
    {
        Requires.Fuse();
        using var helper = OverlayTool.InstallHelper();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-helper-{Guid.NewGuid():N}")).FullName;
        string top = Directory.CreateDirectory(Path.Combine(root, "top")).FullName;
        string bottom = Directory.CreateDirectory(Path.Combine(root, "bottom")).FullName;
        string upper = Directory.CreateDirectory(Path.Combine(root, "upper")).FullName;
        string work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        File.WriteAllText(Path.Combine(top, "f"), "top");
        File.WriteAllText(Path.Combine(bottom, "f"), "bottom");
        File.WriteAllText(Path.Combine(bottom, "g"), "g");
        try
        {
            Run.Checked("/", "mount", "-t", "fuse." + helper.Type, "overlay", "-o", $"lowerdir={top}:{bottom},upperdir={upper},workdir={work}", mountPoint);

            File.ReadLines("/proc/self/mounts").Should().Contain(l => l.Contains($" {mountPoint} fuse.{helper.Type} ", StringComparison.Ordinal));
            File.ReadAllText(Path.Combine(mountPoint, "f")).Should().Be("top");
            File.Delete(Path.Combine(mountPoint, "g"));
            Run.Checked(upper, "stat", "-c", "%F %t:%T", "g").Should().Be("character special file 0:0\n");

            Run.Checked("/", "umount", mountPoint);
            Mounts.IsMounted(mountPoint).Should().BeFalse();
        }
        finally
        {
            Mounts.Detach(mountPoint);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void MountHelper_WhenTheWorkDirectoryIsStillHeld_WaitsForItAndMounts()
    {
        // umount(2) of a FUSE mount returns before its server ends: a remount on the same upper
        // right after it finds the work directory still locked for a moment. Here flock(1) holds it
        // for two seconds; the mount waits for it instead of failing (which mount(8)'s callers
        // that ignore its status, as unionmount-testsuite does, saw as files gone missing).
        Requires.Fuse();
        Requires.Program("flock", "util-linux");
        using var helper = OverlayTool.InstallHelper();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-helper-{Guid.NewGuid():N}")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
        string upper = Directory.CreateDirectory(Path.Combine(root, "upper")).FullName;
        string work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        string held = Path.Combine(root, "held");
        File.WriteAllText(Path.Combine(upper, "renamed"), "in the upper");
        using var holder = Process.Start(new ProcessStartInfo("flock")
        {
            ArgumentList = { "--exclusive", work, "-c", $"touch '{held}'; sleep 2" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            SpinWait.SpinUntil(() => File.Exists(held), TimeSpan.FromSeconds(30)).Should().BeTrue();

            Run.Checked("/", "mount", "-t", "fuse." + helper.Type, "overlay", "-o", $"lowerdir={lower},upperdir={upper},workdir={work}", mountPoint);

            holder.HasExited.Should().BeTrue("the mount waited for the lock to be released");
            File.ReadAllText(Path.Combine(mountPoint, "renamed")).Should().Be("in the upper");
        }
        finally
        {
            holder.WaitForExit();
            Mounts.Detach(mountPoint);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void MountHelper_OverAMountOfItsOwnType_ReportsItsOwnFailure()
    {
        // The helper waits for its server's mount to appear: one already on the mount point is not it.
        Requires.Fuse();
        using var helper = OverlayTool.InstallHelper();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-helper-{Guid.NewGuid():N}")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        string missing = Path.Combine(root, "missing");
        try
        {
            Run.Checked("/", "mount", "-t", "fuse." + helper.Type, "overlay", "-o", $"lowerdir={lower}", mountPoint);

            var (code, output) = Run.Program("/", "mount", "-t", "fuse." + helper.Type, "overlay", "-o", $"lowerdir={missing}", mountPoint);

            code.Should().NotBe(0, output);
            output.Should().Contain(missing);
        }
        finally
        {
            Mounts.Detach(mountPoint);
            Mounts.Detach(mountPoint);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void MountHelper_WhenALowerIsMissing_FailsWithItsName()
    {
        Requires.Fuse();
        using var helper = OverlayTool.InstallHelper();
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-helper-{Guid.NewGuid():N}")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        string missing = Path.Combine(root, "missing");
        try
        {
            var (code, output) = Run.Program("/", "mount", "-t", "fuse." + helper.Type, "overlay", "-o", $"lowerdir={missing}", mountPoint);

            code.Should().NotBe(0);
            output.Should().Contain(missing);
            Mounts.IsMounted(mountPoint).Should().BeFalse();
        }
        finally
        {
            Mounts.Detach(mountPoint);
            Directory.Delete(root, recursive: true);
        }
    }
}
