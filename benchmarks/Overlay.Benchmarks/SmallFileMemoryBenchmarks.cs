using System.IO.Abstractions.TestingHelpers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Overlay.Layers;
using Zio;
using Zio.FileSystems;

namespace Overlay.Benchmarks;

/// <summary>
/// All in memory, 10,000 files of 10 bytes in 100 directories, timed phase by phase: create them,
/// read them all with <c>ReadAllText</c>, enumerate the tree recursively, delete half; and the four
/// phases in one go. The overlay (one empty <see cref="MemoryLayer"/> lower under a
/// <see cref="MemoryLayer"/> upper) against TestableIO's MockFileSystem (the baseline of each phase)
/// and Zio's MemoryFileSystem. Each phase starts from a file system prepared outside the timing.
/// </summary>
/// <remarks>
/// One invocation per iteration, so the warm-up is counted in invocations: BenchmarkDotNet's
/// default of 3 leaves much of each library's code unoptimised (the JIT promotes a method after 30
/// calls and a quiet 100 ms), and the first measured iterations then time the JIT as much as the
/// file system. 12 warm-up and 20 measured iterations give every library its steady state.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(1)]
[WarmupCount(12)]
[IterationCount(20)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SmallFileMemoryBenchmarks
{
    public const int Files = 10_000;
    public const int Directories = 100;

    private const string Text = "0123456789";
    private readonly string[] _directories = [.. Enumerable.Range(0, Directories).Select(d => $"/app/d{d:D2}")];
    private readonly string[] _files = [.. Enumerable.Range(0, Files).Select(i => $"/app/d{i % Directories:D2}/f{i:D5}")];
    private System.IO.Abstractions.IFileSystem _mock = null!;
    private System.IO.Abstractions.IFileSystem _overlay = null!;
    private MemoryFileSystem _zio = null!;

    [IterationSetup(Targets = [nameof(Mock_Create), nameof(Overlay_Create), nameof(Zio_Create), nameof(Mock_All), nameof(Overlay_All), nameof(Zio_All)])]
    public void Empty()
    {
        _mock = new MockFileSystem();
        _overlay = new OverlayFileSystem([new MemoryLayer("image")], new MemoryLayer("container"));
        _zio = new MemoryFileSystem();
    }

    [IterationSetup(Targets = [nameof(Mock_Read), nameof(Overlay_Read), nameof(Zio_Read), nameof(Mock_Enumerate), nameof(Overlay_Enumerate), nameof(Zio_Enumerate), nameof(Mock_Delete), nameof(Overlay_Delete), nameof(Zio_Delete)])]
    public void Filled()
    {
        Empty();
        Create(_mock);
        Create(_overlay);
        Create(_zio);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Create")]
    public int Mock_Create() => Create(_mock);

    [Benchmark, BenchmarkCategory("Create")]
    public int Overlay_Create() => Create(_overlay);

    [Benchmark, BenchmarkCategory("Create")]
    public int Zio_Create() => Create(_zio);

    [Benchmark(Baseline = true), BenchmarkCategory("Read")]
    public int Mock_Read() => Read(_mock);

    [Benchmark, BenchmarkCategory("Read")]
    public int Overlay_Read() => Read(_overlay);

    [Benchmark, BenchmarkCategory("Read")]
    public int Zio_Read() => Read(_zio);

    [Benchmark(Baseline = true), BenchmarkCategory("Enumerate")]
    public int Mock_Enumerate() => _mock.Directory.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count();

    [Benchmark, BenchmarkCategory("Enumerate")]
    public int Overlay_Enumerate() => _overlay.Directory.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count();

    [Benchmark, BenchmarkCategory("Enumerate")]
    public int Zio_Enumerate() => _zio.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count();

    [Benchmark(Baseline = true), BenchmarkCategory("Delete")]
    public int Mock_Delete() => Delete(_mock);

    [Benchmark, BenchmarkCategory("Delete")]
    public int Overlay_Delete() => Delete(_overlay);

    [Benchmark, BenchmarkCategory("Delete")]
    public int Zio_Delete() => Delete(_zio);

    [Benchmark(Baseline = true), BenchmarkCategory("All")]
    public int Mock_All() => Create(_mock) + Read(_mock) + _mock.Directory.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count() + Delete(_mock);

    [Benchmark, BenchmarkCategory("All")]
    public int Overlay_All() => Create(_overlay) + Read(_overlay) + _overlay.Directory.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count() + Delete(_overlay);

    [Benchmark, BenchmarkCategory("All")]
    public int Zio_All() => Create(_zio) + Read(_zio) + _zio.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count() + Delete(_zio);

    private int Create(System.IO.Abstractions.IFileSystem fs)
    {
        foreach (var directory in _directories)
        {
            fs.Directory.CreateDirectory(directory);
        }

        foreach (var file in _files)
        {
            fs.File.WriteAllText(file, Text);
        }

        return _files.Length;
    }

    private int Create(MemoryFileSystem fs)
    {
        foreach (var directory in _directories)
        {
            fs.CreateDirectory(directory);
        }

        foreach (var file in _files)
        {
            fs.WriteAllText(file, Text);
        }

        return _files.Length;
    }

    private int Read(System.IO.Abstractions.IFileSystem fs)
    {
        var file = fs.File;
        int total = 0;
        foreach (var path in _files)
        {
            total += file.ReadAllText(path).Length;
        }

        return total;
    }

    private int Read(MemoryFileSystem fs)
    {
        int total = 0;
        foreach (var path in _files)
        {
            total += fs.ReadAllText(path).Length;
        }

        return total;
    }

    private int Delete(System.IO.Abstractions.IFileSystem fs)
    {
        for (int i = 0; i < _files.Length; i += 2)
        {
            fs.File.Delete(_files[i]);
        }

        return _files.Length / 2;
    }

    private int Delete(MemoryFileSystem fs)
    {
        for (int i = 0; i < _files.Length; i += 2)
        {
            fs.DeleteFile(_files[i]);
        }

        return _files.Length / 2;
    }
}
