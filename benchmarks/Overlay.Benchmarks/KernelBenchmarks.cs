using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Overlay.Benchmarks;

// The kernel comparison (Linux, root): the kernel's overlayfs mounted over the same layer
// directories is the baseline of each workload, so the Ratio column is library / kernel.
// Run with: dotnet run -c Release --project benchmarks/Overlay.Benchmarks -- kernel

/// <summary>File.Exists and FileInfo.Length: the overlay against the kernel mount of the same lowers.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KernelLookupBenchmarks
{
    private const int Batch = LookupBenchmarks.Batch;

    private string[] _mounted = [];
    private string[] _merged = [];
    private KernelMount _kernel = null!;
    private OverlayStack _overlay = null!;

    [Params(1, 5, 20, 100, 500)]
    public int L { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var set = LayerSet.Get(L);
        _kernel = new KernelMount(set);
        _overlay = new OverlayStack(set);
        var relative = set.RandomFiles(Batch);
        _mounted = [.. relative.Select(r => Path.Join(_kernel.MountPoint, r))];
        _merged = [.. relative.Select(r => "/" + r)];
        LookupBenchmarks.Warm(_overlay.FileSystem, _merged);
        LookupBenchmarks.Warm(new System.IO.Abstractions.FileSystem(), _mounted);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _overlay.Dispose();
        _kernel.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("Exists")]
    public int Kernel_Exists() => Workloads.CountExisting(_mounted);

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Exists")]
    public int Overlay_Exists() => Workloads.CountExisting(_overlay.FileSystem, _merged);

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("Length")]
    public long Kernel_Length() => Workloads.SumLengths(_mounted);

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Length")]
    public long Overlay_Length() => Workloads.SumLengths(_overlay.FileSystem, _merged);
}

/// <summary>Small-file ReadAllBytes, a 64 MiB sequential read and the merged enumeration, against the kernel mount.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KernelReadBenchmarks
{
    private const int Batch = ReadBenchmarks.Batch;

    private readonly ReadBenchmarks _drain = new();
    private string[] _mounted = [];
    private string[] _merged = [];
    private KernelMount _kernel = null!;
    private OverlayStack _overlay = null!;

    [GlobalSetup]
    public void Setup()
    {
        var set = LayerSet.Get(ReadBenchmarks.Layers, withBigFiles: true);
        _kernel = new KernelMount(set);
        _overlay = new OverlayStack(set);
        var relative = set.RandomFiles(Batch);
        _mounted = [.. relative.Select(r => Path.Join(_kernel.MountPoint, r))];
        _merged = [.. relative.Select(r => "/" + r)];
        LookupBenchmarks.Warm(_overlay.FileSystem, _merged);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _overlay.Dispose();
        _kernel.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("ReadAllBytes")]
    public int Kernel_ReadAllBytes() => Workloads.ReadAll(_mounted);

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("ReadAllBytes")]
    public int Overlay_ReadAllBytes() => Workloads.ReadAll(_overlay.FileSystem, _merged);

    [Benchmark(Baseline = true), BenchmarkCategory("Sequential64MiB")]
    public long Kernel_Sequential() => _drain.Drain(File.OpenRead(Path.Join(_kernel.MountPoint, LayerSet.BigFile)));

    [Benchmark, BenchmarkCategory("Sequential64MiB")]
    public long Overlay_Sequential() => _drain.Drain(_overlay.FileSystem.File.OpenRead("/" + LayerSet.BigFile));

    [Benchmark(Baseline = true), BenchmarkCategory("Enumerate")]
    public int Kernel_Enumerate() => Directory.EnumerateFiles(_kernel.MountPoint, "*", SearchOption.AllDirectories).Count();

    [Benchmark, BenchmarkCategory("Enumerate")]
    public int Overlay_Enumerate() => _overlay.FileSystem.Directory.EnumerateFiles("/", "*", SearchOption.AllDirectories).Count();
}

/// <summary>The merged enumeration at 100 lowers, against the kernel mount.</summary>
[MemoryDiagnoser]
public class KernelEnumerationBenchmarks
{
    private KernelMount _kernel = null!;
    private OverlayStack _overlay = null!;

    [Params(100)]
    public int L { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var set = LayerSet.Get(L);
        _kernel = new KernelMount(set);
        _overlay = new OverlayStack(set);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _overlay.Dispose();
        _kernel.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Kernel_Enumerate() => Directory.EnumerateFiles(_kernel.MountPoint, "*", SearchOption.AllDirectories).Count();

    [Benchmark]
    public int Overlay_Enumerate() => _overlay.FileSystem.Directory.EnumerateFiles("/", "*", SearchOption.AllDirectories).Count();
}

/// <summary>
/// The first write to a 1 MiB and a 64 MiB lower file: the overlay's copy-up (durable, as the
/// kernel syncs its copy-up, and not) against the kernel's own copy-up, each from an empty upper.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class KernelCopyUpBenchmarks
{
    private LayerSet _set = null!;
    private KernelMount _kernel = null!;
    private OverlayStack? _overlay;

    [Params(LayerSet.MediumFileSize, LayerSet.BigFileSize)]
    public int Size { get; set; }

    private string Relative => Size == LayerSet.BigFileSize ? LayerSet.BigFile : LayerSet.MediumFile;

    [GlobalSetup]
    public void Setup()
    {
        _set = LayerSet.Get(ReadBenchmarks.Layers, withBigFiles: true);
        _kernel = new KernelMount(_set);
    }

    [GlobalCleanup]
    public void Cleanup() => _kernel.Dispose();

    [IterationSetup(Targets = [nameof(Kernel_CopyUp)])]
    public void FreshMount() => _kernel.Remount();

    [IterationSetup(Targets = [nameof(Overlay_CopyUp)])]
    public void FreshOverlay() => _overlay = new OverlayStack(_set, durable: false);

    [IterationSetup(Targets = [nameof(Overlay_CopyUp_Durable)])]
    public void FreshDurableOverlay() => _overlay = new OverlayStack(_set, durable: true);

    [IterationCleanup(Targets = [nameof(Overlay_CopyUp), nameof(Overlay_CopyUp_Durable)])]
    public void DropOverlay() => _overlay?.Dispose();

    [Benchmark(Baseline = true)]
    public void Kernel_CopyUp()
    {
        using var stream = new FileStream(Path.Join(_kernel.MountPoint, Relative), FileMode.Open, FileAccess.Write);
        stream.WriteByte(1);
    }

    [Benchmark]
    public void Overlay_CopyUp() => CopyUpBenchmarks.FirstWrite(_overlay!.FileSystem, "/" + Relative);

    [Benchmark]
    public void Overlay_CopyUp_Durable() => CopyUpBenchmarks.FirstWrite(_overlay!.FileSystem, "/" + Relative);
}
