using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Overlay.Benchmarks;

/// <summary>
/// The first write to a lower file (open for writing, write one byte): the copy-up, against
/// File.Copy of the same file on the same disk. Each iteration starts from an empty upper.
/// </summary>
/// <remarks>
/// File.Copy copies the very lower file the overlay copies up (not the plain tree's copy of it):
/// the two files, with the same bytes, copied 10–25 % apart on this machine, as the page cache
/// held them differently.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(1)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class CopyUpBenchmarks
{
    private LayerSet _set = null!;
    private OverlayStack? _overlay;
    private string _source = "";
    private string _copy = "";

    [Params(LayerSet.MediumFileSize, LayerSet.BigFileSize)]
    public int Size { get; set; }

    private string Relative => Size == LayerSet.BigFileSize ? LayerSet.BigFile : LayerSet.MediumFile;

    [GlobalSetup]
    public void Setup()
    {
        _set = LayerSet.Get(ReadBenchmarks.Layers, withBigFiles: true);
        _source = _set.LayerDirectories.Select(d => Path.Join(d, Relative)).First(File.Exists);
        _copy = Path.Combine(LayerSet.Base, "run", $"copy-{Environment.ProcessId}");
    }

    [IterationSetup(Targets = [nameof(Overlay_CopyUp)])]
    public void FreshOverlay() => _overlay = new OverlayStack(_set, durable: false);

    [IterationSetup(Targets = [nameof(Overlay_CopyUp_Durable)])]
    public void FreshDurableOverlay() => _overlay = new OverlayStack(_set, durable: true);

    [IterationCleanup(Targets = [nameof(Overlay_CopyUp), nameof(Overlay_CopyUp_Durable)])]
    public void DropOverlay() => _overlay?.Dispose();

    [IterationSetup(Targets = [nameof(Plain_FileCopy)])]
    public void FreshCopy()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_copy)!);
        File.Delete(_copy);
    }

    [Benchmark(Baseline = true)]
    public void Plain_FileCopy() => File.Copy(_source, _copy);

    [Benchmark]
    public void Overlay_CopyUp() => FirstWrite(_overlay!.FileSystem, "/" + Relative);

    [Benchmark]
    public void Overlay_CopyUp_Durable() => FirstWrite(_overlay!.FileSystem, "/" + Relative);

    internal static void FirstWrite(System.IO.Abstractions.IFileSystem fileSystem, string path)
    {
        using var stream = fileSystem.FileStream.New(path, FileMode.Open, FileAccess.Write);
        stream.WriteByte(1);
    }
}
