using System.Diagnostics;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Reliability;

/// <summary>
/// A small file system mounted for one test (a tmpfs with a size or inode limit, an ext4 image on a
/// loop device), unmounted on dispose (lazily when it is busy). Needs root on Linux; when the
/// mount cannot be made, <see cref="MountOrSkip"/> skips the test saying why.
/// </summary>
internal sealed class SmallMount : IDisposable
{
    private SmallMount(string directory) => Directory = directory;

    /// <summary>Where it is mounted.</summary>
    public string Directory { get; }

    /// <summary>Mounts <paramref name="source"/> of <paramref name="type"/> with <paramref name="options"/> on <paramref name="directory"/>, or skips the test.</summary>
    public static SmallMount MountOrSkip(string type, string options, string source, string directory)
    {
        if (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0)
        {
            Assert.Skip($"The test mounts a small {type} to fill it: run it as root on Linux.");
        }

        System.IO.Directory.CreateDirectory(directory);
        var (exit, output) = Run("mount", $"-t {type} -o {options} {source} {directory}");
        if (exit != 0)
        {
            Assert.Skip($"Cannot mount a {type} ({options}) on {directory}: {output.Trim()}");
        }

        return new SmallMount(directory);
    }

    /// <summary>
    /// Makes an ext4 file system of <paramref name="megabytes"/> MiB in the file <paramref name="image"/>
    /// and mounts it on <paramref name="directory"/> through a loop device with its journal committed
    /// only every 60 seconds (so what was not synced is lost by a power cut), or skips the test.
    /// </summary>
    public static SmallMount Ext4ImageOrSkip(string image, int megabytes, string directory)
    {
        using (var file = File.Create(image))
        {
            file.SetLength(megabytes * 1024L * 1024);
        }

        if (Run("mkfs.ext4", $"-q -F {image}") is { Exit: not 0 } mkfs)
        {
            Assert.Skip($"Cannot make an ext4 image (e2fsprogs): {mkfs.Output.Trim()}");
        }

        return MountOrSkip("ext4", "loop,commit=60", image, directory);
    }

    /// <summary>Runs a tool; its exit code and what it printed.</summary>
    public static (int Exit, string Output) Run(string tool, string arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{tool}: {e.Message}");
        }
    }

    /// <summary>Unmounts it: now, or lazily when something still holds it.</summary>
    public void Unmount()
    {
        if (Run("umount", Directory).Exit != 0)
        {
            Run("umount", $"-l {Directory}");
        }
    }

    public void Dispose() => Unmount();
}
