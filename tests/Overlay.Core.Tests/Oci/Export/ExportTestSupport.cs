using System.Diagnostics;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;

namespace Overlay.Tests.Oci.Export;

/// <summary>Shared helpers of the export tests: fixture paths, temp roots, GNU tar extraction.</summary>
internal static class ExportTestSupport
{
    public static string DockerFixture(string relative) => TestFixtures.Find("fixtures/docker/" + relative);

    /// <summary>Whether this process can make character devices and trusted.* attributes (Linux root).</summary>
    public static bool CanWriteKernelForm => OperatingSystem.IsLinux() && LinuxNative.GetEffectiveUserId() == 0;

    /// <summary>Extracts a tar with GNU tar, keeping devices, modes, times and every xattr (the kernel form).</summary>
    public static void ExtractWithGnuTar(string tar, string directory)
    {
        Directory.CreateDirectory(directory);
        Run("tar", ["--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", tar, "-C", directory]);
    }

    /// <summary>
    /// A ustar header block with the fields Docker fills from its own clock and host blanked: mtime,
    /// checksum, user and group names (docs/oci-export.md, Docker's quirks).
    /// </summary>
    public static byte[] WithoutDockersQuirks(byte[] header)
    {
        byte[] copy = (byte[])header.Clone();
        copy.AsSpan(136, 12).Clear();
        copy.AsSpan(148, 8).Clear();
        copy.AsSpan(265, 64).Clear();
        return copy;
    }

    public static string Run(string program, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout.Result;
    }
}
