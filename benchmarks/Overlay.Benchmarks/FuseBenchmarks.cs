using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Overlay.Fuse;

namespace Overlay.Benchmarks;

// The FUSE comparison (Linux, root, fuse-overlayfs installed): fuse-overlayfs mounted over the same
// layer directories is the baseline of each workload, so the Ratio column is Overlay.Fuse /
// fuse-overlayfs. Both are used through System.IO on their mount points; the overlay's server runs
// in this process. Each workload is one invocation per iteration, whatever job the command line
// asks for (the mutator below): an iteration can take a minute on a busy machine, and the
// in-process toolchain --inProcess gives a benchmark 5 minutes for all its iterations. Run with:
//   dotnet bin/Release/net10.0/Overlay.Benchmarks.dll --filter '*FuseBenchmarks*' --inProcess --warmupCount 1 --iterationCount 6

/// <summary>Stat (warm, and on fresh mounts) and read 2,000 files of a 20,000-file tree, write 10,000 small files, copy up a 64 MiB file: Overlay.Fuse against fuse-overlayfs.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(OneInvocationConfig))]
public class FuseBenchmarks
{
    private const int SmallFiles = 10_000;

    /// <summary>How many of the tree's 20,000 files are stat'ed and read (a fixed random sample: every file takes minutes per iteration through FUSE).</summary>
    private const int Sample = 2_000;

    private LayerSet _set = null!;
    private FuseOverlayfsMount _reference = null!;
    private ManagedFuseMount _overlay = null!;
    private string[] _referencePaths = [];
    private string[] _overlayPaths = [];
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _set = LayerSet.Get(5, withBigFiles: true);
        _reference = new FuseOverlayfsMount(_set);
        _overlay = new ManagedFuseMount(_set);
        var sample = _set.RandomFiles(Sample);
        _referencePaths = [.. sample.Select(r => Path.Join(_reference.MountPoint, r))];
        _overlayPaths = [.. sample.Select(r => Path.Join(_overlay.MountPoint, r))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _overlay.Dispose();
        _reference.Dispose();
    }

    [IterationSetup(Targets = [nameof(FuseOverlayfs_CopyUp64MiB), nameof(Overlay_CopyUp64MiB), nameof(FuseOverlayfs_StatAllCold), nameof(Overlay_StatAllCold)])]
    public void FreshUppers()
    {
        _reference.Remount();
        _overlay.Remount();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("StatAll")]
    public long FuseOverlayfs_StatAll() => Workloads.SumLengths(_referencePaths);

    [Benchmark, BenchmarkCategory("StatAll")]
    public long Overlay_StatAll() => Workloads.SumLengths(_overlayPaths);

    /// <summary>
    /// The same stats on mounts made just before the iteration: nothing is in the kernel's caches
    /// of either mount, so every path's lookups and attributes are the server's work (StatAll,
    /// warm, is answered by the kernel alone after its first iteration).
    /// </summary>
    [Benchmark(Baseline = true), BenchmarkCategory("StatAllCold")]
    public long FuseOverlayfs_StatAllCold() => Workloads.SumLengths(_referencePaths);

    /// <summary>As <see cref="FuseOverlayfs_StatAllCold"/>, on Overlay.Fuse.</summary>
    [Benchmark, BenchmarkCategory("StatAllCold")]
    public long Overlay_StatAllCold() => Workloads.SumLengths(_overlayPaths);

    [Benchmark(Baseline = true), BenchmarkCategory("ReadAll")]
    public int FuseOverlayfs_ReadAll() => Workloads.ReadAll(_referencePaths);

    [Benchmark, BenchmarkCategory("ReadAll")]
    public int Overlay_ReadAll() => Workloads.ReadAll(_overlayPaths);

    [Benchmark(Baseline = true), BenchmarkCategory("Write10k")]
    public int FuseOverlayfs_Write10k() => WriteSmallFiles(_reference.MountPoint);

    [Benchmark, BenchmarkCategory("Write10k")]
    public int Overlay_Write10k() => WriteSmallFiles(_overlay.MountPoint);

    [Benchmark(Baseline = true), BenchmarkCategory("CopyUp64MiB")]
    public void FuseOverlayfs_CopyUp64MiB() => CopyUp(_reference.MountPoint);

    [Benchmark, BenchmarkCategory("CopyUp64MiB")]
    public void Overlay_CopyUp64MiB() => CopyUp(_overlay.MountPoint);

    /// <summary>
    /// Applied to every job that runs this class (the command line's, or the program's default): one
    /// invocation per iteration (a copy-up is the first write after a fresh mount; a write of 10,000
    /// files is one operation), in this process, with 2 hours for all the iterations of a benchmark
    /// instead of the 5 minutes of --inProcess. Warm-up and iteration counts stay the job's.
    /// </summary>
    public sealed class OneInvocationConfig : ManualConfig
    {
        public OneInvocationConfig() =>
            AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1)
                .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(2), logOutput: true))
                .AsMutator());
    }

    private int WriteSmallFiles(string mountPoint)
    {
        string directory = Path.Join(mountPoint, $"w{Interlocked.Increment(ref _round)}");
        Directory.CreateDirectory(directory);
        var data = new byte[256];
        for (int i = 0; i < SmallFiles; i++)
        {
            File.WriteAllBytes(Path.Join(directory, $"f{i}"), data);
        }

        return SmallFiles;
    }

    private static void CopyUp(string mountPoint)
    {
        using var stream = new FileStream(Path.Join(mountPoint, LayerSet.BigFile), FileMode.Open, FileAccess.Write);
        stream.WriteByte(1);
    }
}

/// <summary>fuse-overlayfs over a <see cref="LayerSet"/>'s lowers with a fresh upper (Linux, root, Debian package fuse-overlayfs).</summary>
public sealed class FuseOverlayfsMount(LayerSet set) : ScratchMount(set, "fuse-overlayfs")
{
    protected override void MountOver(string upper, string work) =>
        Run("/", "fuse-overlayfs", "-o", $"lowerdir={string.Join(':', Set.LayerDirectories)},upperdir={upper},workdir={work}", MountPoint);
}

/// <summary>The overlay of a <see cref="LayerSet"/>'s lowers with a fresh host upper, mounted through Overlay.Fuse in this process.</summary>
public sealed class ManagedFuseMount : IDisposable
{
    private readonly LayerSet _set;
    private OverlayStack? _stack;
    private OverlayMount? _mount;

    public ManagedFuseMount(LayerSet set)
    {
        _set = set;
        MountPoint = Path.Combine(LayerSet.Base, "run", $"overlay-fuse-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(MountPoint);
        Mount();
    }

    public string MountPoint { get; }

    public void Remount()
    {
        Unmount();
        Mount();
    }

    public void Dispose()
    {
        Unmount();
        Directory.Delete(MountPoint);
    }

    private void Mount()
    {
        _stack = new OverlayStack(_set);
        _mount = OverlayMount.Mount(_stack.FileSystem, MountPoint);
    }

    private void Unmount()
    {
        _mount?.Dispose();
        _stack?.Dispose();
        _mount = null;
        _stack = null;
    }
}
