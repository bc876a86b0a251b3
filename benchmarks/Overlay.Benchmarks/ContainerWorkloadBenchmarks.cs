using System.IO.Abstractions.TestingHelpers;
using BenchmarkDotNet.Attributes;
using Overlay.Layers;
using Zio;
using Zio.FileSystems;

namespace Overlay.Benchmarks;

/// <summary>
/// A container's writes, all in memory: create 10,000 small files in 100 directories, read them
/// all, enumerate the tree, delete half. The overlay (a MemoryLayer image with 1,000 files under a
/// MemoryLayer upper) against TestableIO's MockFileSystem (the baseline) and Zio's MemoryFileSystem.
/// </summary>
[MemoryDiagnoser]
public class ContainerWorkloadBenchmarks
{
    public const int Files = 10_000;
    public const int Directories = 100;

    private static readonly byte[] Content = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
    private readonly string[] _directories = [.. Enumerable.Range(0, Directories).Select(d => $"/app/d{d:D2}")];
    private readonly string[] _files = [.. Enumerable.Range(0, Files).Select(i => $"/app/d{i % Directories:D2}/f{i:D5}")];
    private MemoryLayer _image = null!;

    [GlobalSetup]
    public void Setup()
    {
        _image = new MemoryLayer("image");
        for (int i = 0; i < 1_000; i++)
        {
            _image.AddFile($"/usr/lib/d{i % 10}/lib{i:D4}.so", Content);
        }
    }

    [Benchmark(Baseline = true)]
    public int MockFileSystem_Workload() => Run(new MockFileSystem());

    [Benchmark]
    public int Overlay_Workload() => Run(new OverlayFileSystem([_image], new MemoryLayer("container")));

    [Benchmark]
    public int Zio_Workload()
    {
        var fs = new MemoryFileSystem();
        foreach (var directory in _directories)
        {
            fs.CreateDirectory(directory);
        }

        foreach (var file in _files)
        {
            fs.WriteAllBytes(file, Content);
        }

        int total = 0;
        foreach (var file in _files)
        {
            total += fs.ReadAllBytes(file).Length;
        }

        total += fs.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count();
        for (int i = 0; i < _files.Length; i += 2)
        {
            fs.DeleteFile(_files[i]);
        }

        return total;
    }

    private int Run(System.IO.Abstractions.IFileSystem fs)
    {
        foreach (var directory in _directories)
        {
            fs.Directory.CreateDirectory(directory);
        }

        foreach (var file in _files)
        {
            fs.File.WriteAllBytes(file, Content);
        }

        int total = 0;
        foreach (var file in _files)
        {
            total += fs.File.ReadAllBytes(file).Length;
        }

        total += fs.Directory.EnumerateFiles("/app", "*", SearchOption.AllDirectories).Count();
        for (int i = 0; i < _files.Length; i += 2)
        {
            fs.File.Delete(_files[i]);
        }

        return total;
    }
}
