using System.Diagnostics;
using Overlay.Layers;

namespace Overlay.Benchmarks;

/// <summary>An overlay over a <see cref="LayerSet"/>'s lowers with a fresh, empty host upper.</summary>
public sealed class OverlayStack : IDisposable
{
    private readonly HostDirectoryLayer[] _lowers;
    private readonly HostDirectoryLayer _upper;

    public OverlayStack(LayerSet set, bool durable = false)
    {
        Scratch = Path.Combine(ScratchPlace.Root, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        UpperDirectory = Path.Combine(Scratch, "upper");
        Directory.CreateDirectory(UpperDirectory);
        _lowers = [.. set.LayerDirectories.Select(d => new HostDirectoryLayer(d))];
        _upper = new HostDirectoryLayer(UpperDirectory, new HostDirectoryLayerOptions
        {
            WorkDirectory = Path.Combine(Scratch, "work"),
            Durable = durable,
        });
        FileSystem = new OverlayFileSystem(_lowers, _upper);
    }

    public OverlayFileSystem FileSystem { get; }

    public string Scratch { get; }

    public string UpperDirectory { get; }

    public void Dispose()
    {
        _upper.Dispose();
        foreach (var lower in _lowers)
        {
            lower.Dispose();
        }

        Directory.Delete(Scratch, recursive: true);
    }
}

/// <summary>
/// An overlay mounted by an outside program over a <see cref="LayerSet"/>'s lowers, with a fresh
/// upper and work directory under a scratch folder; <see cref="Remount"/> empties the upper so the
/// next write copies up again.
/// </summary>
public abstract class ScratchMount : IDisposable
{
    private bool _mounted;

    /// <summary>Mounts at once.</summary>
    /// <param name="set">The lowers.</param>
    /// <param name="name">A word for the scratch folder's name.</param>
    protected ScratchMount(LayerSet set, string name)
    {
        Set = set;
        Scratch = Path.Combine(ScratchPlace.Root, $"{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        MountPoint = Path.Combine(Scratch, "merged");
        Mount();
    }

    public string Scratch { get; }

    public string MountPoint { get; }

    protected LayerSet Set { get; }

    /// <summary>Unmounts, empties the upper and mounts again: the next write copies up again.</summary>
    public void Remount()
    {
        Unmount();
        Directory.Delete(Path.Combine(Scratch, "upper"), recursive: true);
        Directory.Delete(Path.Combine(Scratch, "work"), recursive: true);
        Mount();
    }

    public void Dispose()
    {
        Unmount();
        Directory.Delete(Scratch, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a program and fails with its standard error when it exits non-zero.</summary>
    public static void Run(string workingDirectory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"{file} failed ({process.ExitCode}): {error}");
        }
    }

    /// <summary>Mounts the lowers with <paramref name="upper"/> and <paramref name="work"/> at <see cref="MountPoint"/>.</summary>
    protected abstract void MountOver(string upper, string work);

    private void Mount()
    {
        string upper = Directory.CreateDirectory(Path.Combine(Scratch, "upper")).FullName;
        string work = Directory.CreateDirectory(Path.Combine(Scratch, "work")).FullName;
        Directory.CreateDirectory(MountPoint);
        MountOver(upper, work);
        _mounted = true;
    }

    private void Unmount()
    {
        if (_mounted)
        {
            Run("/", "umount", MountPoint);
            _mounted = false;
        }
    }
}

/// <summary>
/// The kernel's overlayfs mounted over a <see cref="LayerSet"/>'s lowers, with a fresh upper. The
/// lowers are named relative to their parent (mount runs there), which keeps 500 of them under the
/// mount option's one-page limit. Needs Linux and root.
/// </summary>
public sealed class KernelMount(LayerSet set) : ScratchMount(Checked(set), "kernel")
{
    protected override void MountOver(string upper, string work)
    {
        string lowers = string.Join(':', Set.LayerDirectories.Select(Path.GetFileName));
        Run(Set.Root, "mount", "-t", "overlay", "overlay", "-o", $"lowerdir={lowers},upperdir={upper},workdir={work}", MountPoint);
    }

    private static LayerSet Checked(LayerSet set) =>
        OperatingSystem.IsLinux() && Environment.UserName == "root"
            ? set
            : throw new PlatformNotSupportedException("The kernel comparison mounts overlayfs: it needs Linux and root.");
}

/// <summary>
/// Where <see cref="OverlayStack"/> and <see cref="ScratchMount"/> make their uppers, work
/// directories and mount points: <see cref="LayerSet.Base"/>/run, or, for a class that writes many
/// files into fresh uppers, an ext4 of its own (<see cref="OnOwnExt4"/>).
/// </summary>
internal static class ScratchPlace
{
    public static string Root { get; private set; } = DefaultRoot;

    private static string DefaultRoot => Path.Combine(LayerSet.Base, "run");

    /// <summary>
    /// Makes a journaled ext4 (<see cref="ScratchExt4"/>) the scratch place until the result is
    /// disposed. The write benchmarks delete each iteration's upper before the next one creates
    /// thousands of files; on an ext4 without a journal (this machine's root file system) every
    /// new inode then walks past the ones freed in the last minute, a cost that lands on whichever
    /// side runs next (docs/benchmarks.md, "Extraction"). Both sides write to the same ext4.
    /// <c>OVERLAY_BENCH_WRITE_FS=host</c> keeps <see cref="LayerSet.Base"/>/run; the result is then
    /// <see langword="null"/>.
    /// </summary>
    public static IDisposable? OnOwnExt4(string name)
    {
        if (Environment.GetEnvironmentVariable("OVERLAY_BENCH_WRITE_FS") == "host")
        {
            return null;
        }

        string mountPoint = Path.Combine(DefaultRoot, $"{name}-ext4-{Environment.ProcessId}");
        var ext4 = ScratchExt4.Mount(mountPoint, Path.Combine(LayerSet.Base, $"{name}-{Environment.ProcessId}.img"));
        Root = mountPoint;
        return new Restore(ext4);
    }

    private sealed class Restore(ScratchExt4 ext4) : IDisposable
    {
        public void Dispose()
        {
            Root = DefaultRoot;
            ext4.Dispose();
        }
    }
}
