using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Overlay.Images;
using Overlay.Layers;
using Overlay.Oci;

namespace Overlay.Benchmarks;

/// <summary>
/// Extracting a 20,000-file layer tar (<see cref="LayerTarFixture"/>) into a new directory: GNU tar
/// (<c>tar -xpf TAR --numeric-owner --xattrs -C DIR</c>, as root it restores owners, modes and
/// attributes) against <see cref="TarLayer.ExtractTo"/> in both whiteout forms (the open and index
/// of the tar included). Linux, root. Each iteration extracts into an empty directory.
/// </summary>
/// <remarks>
/// The trees are written to an ext4 file system of the benchmark's own (<see cref="ScratchExt4"/>:
/// an image made by <c>mkfs.ext4</c> with its defaults, loop-mounted), not to the disk the fixtures
/// are on. Each iteration deletes the previous iteration's tree first; on an ext4 without a journal
/// (the shared machine's root file system is one) the kernel then skips every inode freed in the
/// last minute when it allocates one, looking each up, so the extraction measured right after pays
/// for the deletion, and how much depends on where the two trees' inodes fall, not on the tool; the
/// other work on the machine deleting files on the same disk adds to it at random. With
/// <c>OVERLAY_BENCH_EXTRACT_FS=host</c> the trees go to <see cref="LayerSet.Base"/> as before.
/// </remarks>
[InvocationCount(1)]
public class ExtractionBenchmarks
{
    private string _tar = "";
    private string _run = "";
    private string _target = "";
    private ScratchExt4? _scratch;

    [GlobalSetup]
    public void Setup()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new InvalidOperationException("ExtractionBenchmarks compare with GNU tar restoring owners: run them as root on Linux.");
        }

        _tar = LayerTarFixture.Get();
        _run = Path.Combine(LayerSet.Base, "run", $"extract-{Environment.ProcessId}");
        Directory.CreateDirectory(_run);
        if (Environment.GetEnvironmentVariable("OVERLAY_BENCH_EXTRACT_FS") != "host")
        {
            _scratch = ScratchExt4.Mount(_run, Path.Combine(LayerSet.Base, $"extract-{Environment.ProcessId}.img"));
        }
    }

    [IterationSetup]
    public void Fresh()
    {
        Remove(_target);
        // Every iteration starts with nothing dirty: the previous one's 132 MiB (and its removal)
        // is written back here, not during the next method measured, whichever it is.
        Tool.Run("sync");
        _target = Path.Combine(_run, "t" + Guid.NewGuid().ToString("N")[..8]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Remove(_target);
        _target = "";
        _scratch?.Dispose();
        _scratch = null;
        Remove(_run);
    }

    [Benchmark(Baseline = true)]
    public void GnuTar()
    {
        Directory.CreateDirectory(_target);
        Tool.Run("tar", "-xpf", _tar, "--numeric-owner", "--xattrs", "-C", _target);
    }

    [Benchmark]
    public void Library_Oci()
    {
        using var layer = TarLayer.Open(_tar);
        layer.ExtractTo(_target, WhiteoutForm.Oci);
    }

    [Benchmark]
    public void Library_Kernel()
    {
        using var layer = TarLayer.Open(_tar);
        layer.ExtractTo(_target, WhiteoutForm.Kernel);
    }

    internal static void Remove(string directory)
    {
        if (directory.Length > 0 && Directory.Exists(directory))
        {
            Tool.Run("rm", "-rf", directory);
        }
    }
}

/// <summary>
/// Importing the same tar as an image: <c>docker import</c> into a private Docker engine (overlay2,
/// its data root on the same disk) against <see cref="ImageStore.AddImage"/> of a
/// <see cref="TarLayer"/> into a store on disk, durable and not (the diff_id computed from the tar
/// in both, as Docker computes it). A second reference row, <c>tar -x</c> then <c>sync -f</c> of the
/// directory, is what an extraction synced once costs. Linux, root, Debian's <c>dockerd</c>.
/// </summary>
[InvocationCount(1)]
public class ImageImportBenchmarks
{
    private string _tar = "";
    private string _run = "";
    private string _target = "";
    private PrivateDocker? _docker;
    private string? _imported;

    [GlobalSetup]
    public void Setup()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new InvalidOperationException("ImageImportBenchmarks run a Docker engine: run them as root on Linux.");
        }

        _tar = LayerTarFixture.Get();
        _run = Path.Combine(LayerSet.Base, "run", $"import-{Environment.ProcessId}");
        Directory.CreateDirectory(_run);
        _docker = PrivateDocker.Start(Path.Combine(LayerSet.Base, "run", $"docker-{Environment.ProcessId}"));
    }

    [IterationSetup]
    public void Fresh()
    {
        ExtractionBenchmarks.Remove(_target);
        if (_imported is not null)
        {
            _docker!.Client("rmi", _imported);
            _imported = null;
        }

        _target = Path.Combine(_run, "s" + Guid.NewGuid().ToString("N")[..8]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Fresh();
        _docker?.Dispose();
        ExtractionBenchmarks.Remove(_run);
    }

    [Benchmark(Baseline = true)]
    public void Docker_Import() => _imported = _docker!.Client("import", _tar).Trim();

    [Benchmark]
    public void Tar_Then_SyncFs()
    {
        Directory.CreateDirectory(_target);
        Tool.Run("tar", "-xpf", _tar, "--numeric-owner", "--xattrs", "-C", _target);
        Tool.Run("sync", "-f", _target);
    }

    [Benchmark]
    public void Library_AddImage_Durable() => AddImage(durable: true);

    [Benchmark]
    public void Library_AddImage_NotDurable() => AddImage(durable: false);

    private void AddImage(bool durable)
    {
        using var layer = TarLayer.Open(_tar);
        using var store = ImageStore.Open(_target, new ImageStoreOptions { Durable = durable });
        store.AddImage([layer]);
    }
}

/// <summary>A Docker engine of its own (Debian's dockerd): data root, exec root and socket under one directory; no network.</summary>
internal sealed class PrivateDocker : IDisposable
{
    private readonly Process _daemon;
    private readonly string _root;

    private PrivateDocker(string root, Process daemon)
    {
        _root = root;
        _daemon = daemon;
    }

    private string Socket => "unix://" + Path.Combine(_root, "docker.sock");

    public static PrivateDocker Start(string root)
    {
        if (!File.Exists("/usr/sbin/dockerd") || !File.Exists("/usr/bin/docker"))
        {
            throw new InvalidOperationException("dockerd is not installed (apt-get install -y docker.io).");
        }

        Directory.CreateDirectory(root);
        var start = new ProcessStartInfo("/usr/sbin/dockerd") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "--data-root", Path.Combine(root, "docker"), "--exec-root", Path.Combine(root, "run"),
            "--pidfile", Path.Combine(root, "docker.pid"), "-H", "unix://" + Path.Combine(root, "docker.sock"),
            "--iptables=false", "--ip6tables=false", "--bridge=none", "--ip-forward=false", "--ip-masq=false",
            "--storage-driver", "overlay2", "--log-level", "warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var daemon = Process.Start(start)!;
        daemon.OutputDataReceived += (_, _) => { };
        daemon.ErrorDataReceived += (_, _) => { };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        var docker = new PrivateDocker(root, daemon);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !daemon.HasExited)
        {
            try
            {
                docker.Client("version", "--format", "{{.Server.Version}}");
                return docker;
            }
            catch (InvalidOperationException)
            {
                Thread.Sleep(500);
            }
        }

        docker.Dispose();
        throw new InvalidOperationException("The private dockerd did not start.");
    }

    public string Client(params string[] arguments) => Tool.Run("/usr/bin/docker", ["-H", Socket, .. arguments]);

    public void Dispose()
    {
        if (!_daemon.HasExited)
        {
            _daemon.Kill();
            _daemon.WaitForExit(30_000);
        }

        _daemon.Dispose();
        foreach (string line in File.ReadAllLines("/proc/self/mounts").Reverse())
        {
            string mountPoint = line.Split(' ')[1];
            if (mountPoint.StartsWith(_root + "/", StringComparison.Ordinal))
            {
                Tool.Run("umount", "-l", mountPoint);
            }
        }

        ExtractionBenchmarks.Remove(_root);
    }
}

/// <summary>
/// An ext4 file system made for one benchmark: a sparse 4 GiB image beside the fixtures, formatted
/// with <c>mkfs.ext4</c>'s defaults (a journal included; inode tables written at once, so no
/// background initialisation runs while the benchmark measures), loop-mounted on a directory.
/// Disposing unmounts it and deletes the image.
/// </summary>
internal sealed class ScratchExt4 : IDisposable
{
    private readonly string _mountPoint;
    private readonly string _image;

    private ScratchExt4(string mountPoint, string image)
    {
        _mountPoint = mountPoint;
        _image = image;
    }

    public static ScratchExt4 Mount(string mountPoint, string image)
    {
        using (var file = File.Create(image))
        {
            file.SetLength(4L << 30);
        }

        try
        {
            Tool.Run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", image);
            Directory.CreateDirectory(mountPoint);
            Tool.Run("mount", "-o", "loop", image, mountPoint);
        }
        catch
        {
            File.Delete(image);
            throw;
        }

        return new ScratchExt4(mountPoint, image);
    }

    public void Dispose()
    {
        Tool.Run("umount", _mountPoint);
        File.Delete(_image);
    }
}

/// <summary>Runs a tool to its end; its standard output, or an exception with what it printed when it fails.</summary>
internal static class Tool
{
    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result.Trim()}");
        }

        return output;
    }
}
