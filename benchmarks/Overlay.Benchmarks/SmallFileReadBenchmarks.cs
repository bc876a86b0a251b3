using System.IO.Abstractions.TestingHelpers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Overlay.Layers;

namespace Overlay.Benchmarks;

/// <summary>
/// One <c>ReadAllText</c> and one <c>ReadAllBytes</c> of a 10-byte file, warm, per call: the
/// overlay's file in its <see cref="MemoryLayer"/> upper (written through the overlay, under an
/// empty <see cref="MemoryLayer"/> lower, at the depth of <see cref="SmallFileMemoryBenchmarks"/>'s
/// files), TestableIO's MockFileSystem, and System.IO on a tmpfs file (/dev/shm; the baseline: the
/// kernel's page cache, one open, read and close).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SmallFileReadBenchmarks
{
    private const string Path = "/app/d07/f00007";
    private const string Text = "0123456789";

    private readonly string _tmpfsDirectory = System.IO.Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath(),
        "overlay-bench-read-" + Environment.ProcessId);

    private System.IO.Abstractions.IFileSystem _overlay = null!;
    private System.IO.Abstractions.IFileSystem _mock = null!;
    private string _tmpfsFile = null!;

    [GlobalSetup]
    public void Setup()
    {
        _overlay = new OverlayFileSystem([new MemoryLayer("image")], new MemoryLayer("container"));
        _mock = new MockFileSystem();
        foreach (var fs in new[] { _overlay, _mock })
        {
            fs.Directory.CreateDirectory("/app/d07");
            fs.File.WriteAllText(Path, Text);
        }

        Directory.CreateDirectory(_tmpfsDirectory);
        _tmpfsFile = System.IO.Path.Combine(_tmpfsDirectory, "f00007");
        File.WriteAllText(_tmpfsFile, Text, new UTF8Encoding(false));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_tmpfsDirectory, recursive: true);

    [Benchmark(Baseline = true), BenchmarkCategory("ReadAllText")]
    public string Tmpfs_ReadAllText() => File.ReadAllText(_tmpfsFile);

    [Benchmark, BenchmarkCategory("ReadAllText")]
    public string Mock_ReadAllText() => _mock.File.ReadAllText(Path);

    [Benchmark, BenchmarkCategory("ReadAllText")]
    public string Overlay_ReadAllText() => _overlay.File.ReadAllText(Path);

    [Benchmark(Baseline = true), BenchmarkCategory("ReadAllBytes")]
    public byte[] Tmpfs_ReadAllBytes() => File.ReadAllBytes(_tmpfsFile);

    [Benchmark, BenchmarkCategory("ReadAllBytes")]
    public byte[] Mock_ReadAllBytes() => _mock.File.ReadAllBytes(Path);

    [Benchmark, BenchmarkCategory("ReadAllBytes")]
    public byte[] Overlay_ReadAllBytes() => _overlay.File.ReadAllBytes(Path);
}
