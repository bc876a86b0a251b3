using System.Diagnostics;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Reliability;

/// <summary>
/// A small file system mounted for one test (a tmpfs with a size or inode limit, an ext4 image on a
/// loop device), unmounted on dispose (lazily when it is busy). Needs root on Linux; when the
/// mount cannot be made, <see cref="MountOrSkip"/> skips the test saying why.
/// </summary>
/// <remarks>
/// An ext4 image gets a loop device of its own (<c>losetup</c>), kept until dispose, rather than
/// <c>mount -o loop</c>: with that, an unmount frees the loop device in the background, and a
/// mount of the same image right after it may be given the device being freed and then read
/// nothing but I/O errors.
/// </remarks>
internal sealed class SmallMount : IDisposable
{
    private readonly string? _loopDevice;
    private readonly string _type;

    private SmallMount(string directory, string type, string? loopDevice)
    {
        Directory = directory;
        _type = type;
        _loopDevice = loopDevice;
    }

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

        return new SmallMount(directory, type, null);
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

        if (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0)
        {
            Assert.Skip("The test mounts an ext4 image: run it as root on Linux.");
        }

        var (exit, output) = Run("losetup", $"--find --show {image}");
        if (exit != 0)
        {
            Assert.Skip($"Cannot attach {image} to a loop device: {output.Trim()}");
        }

        string device = output.Trim();
        System.IO.Directory.CreateDirectory(directory);
        if (Run("mount", $"-t ext4 -o commit=60 {device} {directory}") is { Exit: not 0 } mount)
        {
            Run("losetup", $"-d {device}");
            Assert.Skip($"Cannot mount the ext4 image on {device} at {directory}: {mount.Output.Trim()}");
        }

        return new SmallMount(directory, "ext4", device);
    }

    /// <summary>
    /// Unmounts the ext4 image and mounts it again with default options, as after a reboot: the
    /// journal is replayed and the file system is what reached the disk. The unmount must really
    /// happen (a lazy one would leave the old mount's state in place), so a mount still busy after
    /// a few seconds fails the test naming what holds it.
    /// </summary>
    public void Remount()
    {
        if (_loopDevice is null)
        {
            throw new InvalidOperationException("Only an ext4 image made by Ext4ImageOrSkip can be mounted again.");
        }

        string? refused = null;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var (exit, output) = Run("umount", Directory);
            if (exit == 0)
            {
                refused = null;
                break;
            }

            // Another test's child process, between its fork and its exec, holds a copy of every descriptor of this process.
            refused = output.Trim();
            Thread.Sleep(100);
        }

        if (refused is not null)
        {
            throw new IOException($"Cannot unmount {Directory} to mount it again: {refused}; held by {Holders(Directory)}");
        }

        var (again, said) = Run("mount", $"-t {_type} {_loopDevice} {Directory}");
        if (again != 0)
        {
            throw new IOException($"Cannot mount {_loopDevice} again at {Directory}: {said.Trim()}");
        }
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

    public void Dispose()
    {
        Unmount();
        if (_loopDevice is not null)
        {
            // Detaching a device still in use (after a lazy unmount) marks it to go when it is free.
            Run("losetup", $"-d {_loopDevice}");
        }
    }

    /// <summary>The processes with a descriptor, working directory or root under <paramref name="directory"/>.</summary>
    private static string Holders(string directory)
    {
        var holders = new List<string>();
        foreach (var process in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out _))
            {
                continue;
            }

            try
            {
                var links = new[] { "cwd", "root" }.Select(l => Path.Combine(process, l))
                    .Concat(System.IO.Directory.EnumerateFiles(Path.Combine(process, "fd")));
                foreach (var link in links)
                {
                    if (new FileInfo(link).LinkTarget is { } target && (target == directory || target.StartsWith(directory + "/", StringComparison.Ordinal)))
                    {
                        holders.Add($"{Path.GetFileName(process)} ({File.ReadAllText(Path.Combine(process, "comm")).Trim()}) {Path.GetFileName(link)} {target}");
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was looked at.
            }
        }

        return holders.Count == 0 ? "no process found" : string.Join("; ", holders);
    }
}
