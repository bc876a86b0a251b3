using System.IO.Abstractions;
using BenchmarkDotNet.Attributes;

namespace Overlay.Benchmarks;

/// <summary>
/// Warm File.Exists of 1,024 random files among 20,000 over 5 host-directory lowers, with someone
/// listening: a FileSystemWatcher on the root, a Trace handler, or a LookupTrace handler (the one
/// listener that asks for every lookup's steps, so lookups skip the cache while it is attached).
/// Baseline: the same warm File.Exists on an overlay nobody listens to, in the same run.
/// </summary>
[MemoryDiagnoser]
public class ListenerBenchmarks
{
    public const int Batch = 1024;

    private string[] _merged = [];
    private OverlayStack _plain = null!;
    private OverlayStack _watched = null!;
    private OverlayStack _traced = null!;
    private OverlayStack _lookupTraced = null!;
    private IFileSystemWatcher _watcher = null!;
    private int _events;

    [GlobalSetup]
    public void Setup()
    {
        var set = LayerSet.Get(5);
        _merged = [.. set.RandomFiles(Batch).Select(r => "/" + r)];
        _plain = new OverlayStack(set);
        _watched = new OverlayStack(set);
        _traced = new OverlayStack(set);
        _lookupTraced = new OverlayStack(set);
        _watcher = _watched.FileSystem.FileSystemWatcher.New("/");
        _watcher.IncludeSubdirectories = true;
        _watcher.Changed += (_, _) => _events++;
        _watcher.EnableRaisingEvents = true;
        _traced.FileSystem.Trace += (_, _) => _events++;
        _lookupTraced.FileSystem.LookupTrace += (_, _) => _events++;
        foreach (var stack in new[] { _plain, _watched, _traced, _lookupTraced })
        {
            LookupBenchmarks.Warm(stack.FileSystem, _merged);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _watcher.Dispose();
        foreach (var stack in new[] { _plain, _watched, _traced, _lookupTraced })
        {
            stack.Dispose();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int Exists() => Workloads.CountExisting(_plain.FileSystem, _merged);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Exists_WithAWatcher() => Workloads.CountExisting(_watched.FileSystem, _merged);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Exists_WithATraceHandler() => Workloads.CountExisting(_traced.FileSystem, _merged);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Exists_WithALookupTraceHandler() => Workloads.CountExisting(_lookupTraced.FileSystem, _merged);
}
