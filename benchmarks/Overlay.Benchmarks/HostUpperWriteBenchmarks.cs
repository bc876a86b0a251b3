using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Overlay.Benchmarks;

/// <summary>
/// Writes through a host-directory upper: create 10,000 small files in 100 new directories, rename
/// each within its directory, delete each; every phase from a fresh upper (the rename and delete
/// phases from one holding the created files), over the one-lower wide tree. The kernel's overlayfs
/// mounted over the same lower with a fresh upper is the baseline. Both uppers are on an ext4 of
/// the class's own (<see cref="ScratchPlace.OnOwnExt4"/>). Linux and root.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HostUpperWriteBenchmarks
{
    public const int Files = 10_000;
    public const int Directories = 100;

    private static readonly byte[] Content = "0123456789"u8.ToArray();
    private readonly string[] _directories = [.. Enumerable.Range(0, Directories).Select(d => $"/new/d{d:D2}")];
    private readonly string[] _files = [.. Enumerable.Range(0, Files).Select(i => $"/new/d{i % Directories:D2}/f{i:D5}")];
    private readonly string[] _renamed = [.. Enumerable.Range(0, Files).Select(i => $"/new/d{i % Directories:D2}/r{i:D5}")];
    private LayerSet _set = null!;
    private KernelMount _kernel = null!;
    private OverlayStack? _overlay;
    private IDisposable? _place;

    [GlobalSetup]
    public void Setup()
    {
        _set = LayerSet.Get(1, directories: WideTreeBenchmarks.WideDirectories);
        _place = ScratchPlace.OnOwnExt4("host-upper-write");
        _kernel = new KernelMount(_set);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernel.Dispose();
        _place?.Dispose();
    }

    [IterationSetup(Targets = [nameof(Kernel_Create)])]
    public void FreshMount() => _kernel.Remount();

    [IterationSetup(Targets = [nameof(Kernel_Rename), nameof(Kernel_Delete)])]
    public void FilledMount()
    {
        _kernel.Remount();
        Create(new System.IO.Abstractions.FileSystem(), _kernel.MountPoint);
    }

    [IterationSetup(Targets = [nameof(Overlay_Create)])]
    public void FreshOverlay() => _overlay = new OverlayStack(_set);

    [IterationSetup(Targets = [nameof(Overlay_Rename), nameof(Overlay_Delete)])]
    public void FilledOverlay()
    {
        _overlay = new OverlayStack(_set);
        Create(_overlay.FileSystem, "");
    }

    [IterationCleanup(Targets = [nameof(Overlay_Create), nameof(Overlay_Rename), nameof(Overlay_Delete)])]
    public void DropOverlay() => _overlay?.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("Create")]
    public int Kernel_Create() => Create(new System.IO.Abstractions.FileSystem(), _kernel.MountPoint);

    [Benchmark, BenchmarkCategory("Create")]
    public int Overlay_Create() => Create(_overlay!.FileSystem, "");

    [Benchmark(Baseline = true), BenchmarkCategory("Rename")]
    public int Kernel_Rename() => Rename(new System.IO.Abstractions.FileSystem(), _kernel.MountPoint);

    [Benchmark, BenchmarkCategory("Rename")]
    public int Overlay_Rename() => Rename(_overlay!.FileSystem, "");

    [Benchmark(Baseline = true), BenchmarkCategory("Delete")]
    public int Kernel_Delete() => Delete(new System.IO.Abstractions.FileSystem(), _kernel.MountPoint);

    [Benchmark, BenchmarkCategory("Delete")]
    public int Overlay_Delete() => Delete(_overlay!.FileSystem, "");

    internal int Create(System.IO.Abstractions.IFileSystem fs, string root)
    {
        foreach (var directory in _directories)
        {
            fs.Directory.CreateDirectory(root + directory);
        }

        foreach (var file in _files)
        {
            fs.File.WriteAllBytes(root + file, Content);
        }

        return _files.Length;
    }

    internal int Rename(System.IO.Abstractions.IFileSystem fs, string root)
    {
        for (int i = 0; i < _files.Length; i++)
        {
            fs.File.Move(root + _files[i], root + _renamed[i]);
        }

        return _files.Length;
    }

    internal int Delete(System.IO.Abstractions.IFileSystem fs, string root)
    {
        foreach (var file in _files)
        {
            fs.File.Delete(root + file);
        }

        return _files.Length;
    }
}
