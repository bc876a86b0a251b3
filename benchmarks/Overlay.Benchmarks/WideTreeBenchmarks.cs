using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Overlay.Benchmarks;

/// <summary>
/// A wide tree: 20,000 files in 50 directories (400 per directory) spread over L host lowers.
/// <c>File.Exists</c> of every one of the 20,000 names (shuffled, so no hot subset),
/// <c>ReadAllBytes</c> of 4,096 random files, and the warm recursive enumeration; the kernel's
/// overlayfs mounted over the same directories is the baseline, and plain System.IO over one
/// directory holding the same files is the enumeration's floor. Linux and root.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class WideTreeBenchmarks
{
    public const int WideDirectories = 50;
    private const int ReadBatch = 4_096;

    private LayerSet _set = null!;
    private string[] _existsMounted = [];
    private string[] _existsMerged = [];
    private string[] _readMounted = [];
    private string[] _readMerged = [];
    private KernelMount _kernel = null!;
    private OverlayStack _overlay = null!;

    [Params(1, 20, 100)]
    public int L { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _set = LayerSet.Get(L, directories: WideDirectories);
        _kernel = new KernelMount(_set);
        _overlay = new OverlayStack(_set);
        var all = _set.Shuffled();
        _existsMounted = [.. all.Select(r => Path.Join(_kernel.MountPoint, r))];
        _existsMerged = [.. all.Select(r => "/" + r)];
        var some = _set.RandomFiles(ReadBatch, seed: 7);
        _readMounted = [.. some.Select(r => Path.Join(_kernel.MountPoint, r))];
        _readMerged = [.. some.Select(r => "/" + r)];
        LookupBenchmarks.Warm(_overlay.FileSystem, _existsMerged);
        LookupBenchmarks.Warm(new System.IO.Abstractions.FileSystem(), _existsMounted);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _overlay.Dispose();
        _kernel.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LayerSet.Files), BenchmarkCategory("ExistsAll")]
    public int Kernel_Exists() => Workloads.CountExisting(_existsMounted);

    [Benchmark(OperationsPerInvoke = LayerSet.Files), BenchmarkCategory("ExistsAll")]
    public int Overlay_Exists() => Workloads.CountExisting(_overlay.FileSystem, _existsMerged);

    [Benchmark(Baseline = true, OperationsPerInvoke = ReadBatch), BenchmarkCategory("ReadAllBytes")]
    public int Kernel_ReadAllBytes() => Workloads.ReadAll(_readMounted);

    [Benchmark(OperationsPerInvoke = ReadBatch), BenchmarkCategory("ReadAllBytes")]
    public int Overlay_ReadAllBytes() => Workloads.ReadAll(_overlay.FileSystem, _readMerged);

    [Benchmark(Baseline = true), BenchmarkCategory("Enumerate")]
    public int Kernel_Enumerate() => Directory.EnumerateFiles(_kernel.MountPoint, "*", SearchOption.AllDirectories).Count();

    [Benchmark, BenchmarkCategory("Enumerate")]
    public int Plain_Enumerate() => Directory.EnumerateFiles(_set.Plain, "*", SearchOption.AllDirectories).Count();

    [Benchmark, BenchmarkCategory("Enumerate")]
    public int Overlay_Enumerate() => _overlay.FileSystem.Directory.EnumerateFiles("/", "*", SearchOption.AllDirectories).Count();
}
