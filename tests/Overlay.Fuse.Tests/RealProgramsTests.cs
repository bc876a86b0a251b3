using Overlay.Fuse.Tests.Support;

namespace Overlay.Fuse.Tests;

/// <summary>Real programs (sh, ls, cat, find, tar, rm, mv, git) on the mount, and what they leave in the upper.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RealProgramsTests
{
    private static void Base(string lower)
    {
        Directory.CreateDirectory(Path.Combine(lower, "etc"));
        File.WriteAllText(Path.Combine(lower, "etc", "hostname"), "base\n");
        File.WriteAllText(Path.Combine(lower, "etc", "motd"), "welcome\n");
        Directory.CreateDirectory(Path.Combine(lower, "usr", "share", "doc"));
        File.WriteAllText(Path.Combine(lower, "usr", "share", "doc", "README"), "docs\n");
        File.CreateSymbolicLink(Path.Combine(lower, "usr", "doc"), "share/doc");
    }

    private static void App(string lower)
    {
        Directory.CreateDirectory(Path.Combine(lower, "app"));
        File.WriteAllText(Path.Combine(lower, "app", "main.sh"), "echo hello\n");
        File.WriteAllText(Path.Combine(lower, "etc", "hostname").Replace("/etc/", "/etc/", StringComparison.Ordinal), "app\n");
    }

    private static void AppLayer(string lower)
    {
        Directory.CreateDirectory(Path.Combine(lower, "etc"));
        App(lower);
    }

    [Fact]
    public void ShellScript_CreatesAppendsMovesAndRemoves_AndTheUpperHoldsCopyUpsAndWhiteouts()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(AppLayer, Base);
        string lowers = TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1);

        Run.Shell(mounted.MountPoint, """
            set -e
            echo extra >> etc/motd
            mkdir -p var/log
            echo started > var/log/app.log
            mv app/main.sh app/run.sh
            rm usr/share/doc/README
            rm -r usr/share
            cat usr/doc/README 2>/dev/null && exit 1
            ln -s ../etc/hostname app/hostname
            """);

        Run.Checked(mounted.MountPoint, "cat", "etc/motd").Should().Be("welcome\nextra\n");
        Run.Checked(mounted.MountPoint, "cat", "etc/hostname").Should().Be("app\n");
        Run.Checked(mounted.MountPoint, "cat", "app/hostname").Should().Be("app\n");
        Run.Checked(mounted.MountPoint, "ls", "-A", "app").Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("hostname", "run.sh");
        Run.Checked(mounted.MountPoint, "find", ".", "-type", "f").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)
            .Should().Equal("./app/run.sh", "./etc/hostname", "./etc/motd", "./var/log/app.log");

        // The upper: copy-ups (motd), new files, the renamed file, and whiteouts (kernel form: 0/0 devices).
        File.ReadAllText(Path.Combine(mounted.Upper, "etc", "motd")).Should().Be("welcome\nextra\n");
        File.ReadAllText(Path.Combine(mounted.Upper, "app", "run.sh")).Should().Be("echo hello\n");
        Run.Checked(mounted.Upper, "stat", "-c", "%F %t:%T", "app/main.sh", "usr/share").Should().Be("character special file 0:0\ncharacter special file 0:0\n");
        (TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1)).Should().Be(lowers);
    }

    [Fact]
    public void Tar_ArchivesTheMergedViewAndExtractsIntoTheMount()
    {
        Requires.Fuse();
        using var mounted = new MountedOverlay(AppLayer, Base);
        string archive = Path.Combine(mounted.Root, "merged.tar");

        Run.Checked(mounted.MountPoint, "tar", "-cf", archive, "etc", "usr", "app");
        Directory.CreateDirectory(mounted["copy"]);
        Run.Checked(mounted.MountPoint, "tar", "-xf", archive, "-C", "copy", "--no-same-owner");

        string listed = Run.Checked(mounted.Root, "tar", "-tf", archive);
        listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).Should().Equal(
            "app/", "app/main.sh", "etc/", "etc/hostname", "etc/motd", "usr/", "usr/doc", "usr/share/", "usr/share/doc/", "usr/share/doc/README");
        Run.Checked(mounted.MountPoint, "diff", "-r", "--no-dereference", "etc", "copy/etc").Should().BeEmpty();
        File.ReadAllText(Path.Combine(mounted.Upper, "copy", "etc", "hostname")).Should().Be("app\n");
        new FileInfo(Path.Combine(mounted.Upper, "copy", "usr", "doc")).LinkTarget.Should().Be("share/doc");
    }

    [Fact]
    public void Git_InitAddCommit_WorksInTheMount()
    {
        Requires.Fuse();
        Requires.Program("git", "git");
        using var mounted = new MountedOverlay(AppLayer, Base);
        string lowers = TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1);

        Run.Shell(mounted["app"], """
            set -e
            git init -q .
            git -c user.name=t -c user.email=t@example.invalid add main.sh
            git -c user.name=t -c user.email=t@example.invalid commit -q -m first
            echo 'echo bye' >> main.sh
            git -c user.name=t -c user.email=t@example.invalid commit -q -am second
            """);

        Run.Checked(mounted["app"], "git", "log", "--format=%s").Should().Be("second\nfirst\n");
        Run.Checked(mounted["app"], "git", "status", "--porcelain").Should().BeEmpty();
        Run.Checked(mounted["app"], "git", "fsck", "--no-progress").Should().NotContain("error");
        Directory.Exists(Path.Combine(mounted.Upper, "app", ".git", "objects")).Should().BeTrue();
        (TreeSnapshot.Of(mounted.Lower0) + TreeSnapshot.Of(mounted.Lower1)).Should().Be(lowers);
    }
}
