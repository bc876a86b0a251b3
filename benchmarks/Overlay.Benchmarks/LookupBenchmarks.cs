using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Overlay.Benchmarks;

/// <summary>
/// File.Exists and FileInfo.Length of random files among 20,000 spread over L host-directory
/// lowers: the overlay against plain System.IO on one directory holding the same files (the
/// baseline) and a naive union that probes every layer.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LookupBenchmarks
{
    public const int Batch = 1024;

    private string[] _plain = [];
    private string[] _merged = [];
    private string[] _relative = [];
    private NaiveUnion _naive = null!;
    private OverlayStack _overlay = null!;

    [Params(1, 5, 20, 100, 500)]
    public int L { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var set = LayerSet.Get(L);
        _relative = set.RandomFiles(Batch);
        _plain = [.. _relative.Select(r => Path.Join(set.Plain, r))];
        _merged = [.. _relative.Select(r => "/" + r)];
        _naive = new NaiveUnion(set.LayerDirectories);
        _overlay = new OverlayStack(set);
        Warm(_overlay.FileSystem, _merged);
    }

    [GlobalCleanup]
    public void Cleanup() => _overlay.Dispose();

    internal static void Warm(System.IO.Abstractions.IFileSystem fileSystem, string[] paths)
    {
        foreach (var path in paths)
        {
            if (!fileSystem.File.Exists(path))
            {
                throw new InvalidOperationException($"The fixture is missing '{path}'.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("Exists")]
    public int Plain_Exists() => Workloads.CountExisting(_plain);

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Exists")]
    public int Naive_Exists()
    {
        int found = 0;
        foreach (var path in _relative)
        {
            found += _naive.FileExists(path) ? 1 : 0;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Exists")]
    public int Overlay_Exists() => Workloads.CountExisting(_overlay.FileSystem, _merged);

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("Length")]
    public long Plain_Length() => Workloads.SumLengths(_plain);

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Length")]
    public long Naive_Length()
    {
        long total = 0;
        foreach (var path in _relative)
        {
            total += _naive.Length(path);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Length")]
    public long Overlay_Length() => Workloads.SumLengths(_overlay.FileSystem, _merged);
}
