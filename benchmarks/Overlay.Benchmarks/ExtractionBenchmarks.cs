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
[InvocationCount(1)]
public class ExtractionBenchmarks
{
    private string _tar = "";
    private string _run = "";
    private string _target = "";

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
