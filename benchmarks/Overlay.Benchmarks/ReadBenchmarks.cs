using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Overlay.Benchmarks;

/// <summary>
/// Reads through the overlay over 5 host-directory lowers: ReadAllBytes of random small files, and
/// a sequential read of a 64 MiB lower file; against plain System.IO on the same files.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ReadBenchmarks
{
    public const int Batch = 256;
    public const int Layers = 5;

    private string[] _plain = [];
    private string[] _merged = [];
    private string[] _relative = [];
    private string _plainBig = "";
    private NaiveUnion _naive = null!;
    private OverlayStack _overlay = null!;
    private readonly byte[] _buffer = new byte[1 << 20];

    [GlobalSetup]
    public void Setup()
    {
        var set = LayerSet.Get(Layers, withBigFiles: true);
        _relative = set.RandomFiles(Batch);
        _plain = [.. _relative.Select(r => Path.Join(set.Plain, r))];
        _merged = [.. _relative.Select(r => "/" + r)];
        _plainBig = Path.Join(set.Plain, LayerSet.BigFile);
        _naive = new NaiveUnion(set.LayerDirectories);
        _overlay = new OverlayStack(set);
        LookupBenchmarks.Warm(_overlay.FileSystem, _merged);
    }

    [GlobalCleanup]
    public void Cleanup() => _overlay.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("ReadAllBytes")]
    public int Plain_ReadAllBytes() => Workloads.ReadAll(_plain);

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("ReadAllBytes")]
    public int Naive_ReadAllBytes()
    {
        int total = 0;
        foreach (var path in _relative)
        {
            total += _naive.ReadAllBytes(path).Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("ReadAllBytes")]
    public int Overlay_ReadAllBytes() => Workloads.ReadAll(_overlay.FileSystem, _merged);

    [Benchmark(Baseline = true), BenchmarkCategory("Sequential64MiB")]
    public long Plain_Sequential() => Drain(File.OpenRead(_plainBig));

    [Benchmark, BenchmarkCategory("Sequential64MiB")]
    public long Overlay_Sequential() => Drain(_overlay.FileSystem.File.OpenRead("/" + LayerSet.BigFile));

    internal long Drain(Stream stream)
    {
        using (stream)
        {
            long total = 0;
            int read;
            while ((read = stream.Read(_buffer, 0, _buffer.Length)) > 0)
            {
                total += read;
            }

            return total;
        }
    }
}

/// <summary>Recursive enumeration of the whole merged tree (20,000 files in 200 directories).</summary>
[MemoryDiagnoser]
public class EnumerationBenchmarks
{
    private LayerSet _set = null!;
    private NaiveUnion _naive = null!;
    private OverlayStack _overlay = null!;

    [Params(5, 100)]
    public int L { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _set = LayerSet.Get(L);
        _naive = new NaiveUnion(_set.LayerDirectories);
        _overlay = new OverlayStack(_set);
        if (Overlay_Enumerate() != LayerSet.Files || Naive_Enumerate() != LayerSet.Files || Plain_Enumerate() != LayerSet.Files)
        {
            throw new InvalidOperationException("The merged tree does not hold the fixture's files.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _overlay.Dispose();

    [Benchmark(Baseline = true)]
    public int Plain_Enumerate() => Directory.EnumerateFiles(_set.Plain, "*", SearchOption.AllDirectories).Count();

    [Benchmark]
    public int Naive_Enumerate() => _naive.CountFiles();

    [Benchmark]
    public int Overlay_Enumerate() => _overlay.FileSystem.Directory.EnumerateFiles("/", "*", SearchOption.AllDirectories).Count();
}
