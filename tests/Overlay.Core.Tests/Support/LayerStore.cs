using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// The storage of one scenario's layers on one <see cref="LayerBackend"/>: it materialises lowers
/// built as <see cref="MemoryLayer"/>s (as <see cref="StandardLowers"/> builds them) into the
/// backend, makes empty uppers, snapshots the lowers' raw storage where there is one, and throws
/// everything away when disposed. One store per test: nothing is shared between tests.
/// </summary>
public abstract class LayerStore : IDisposable
{
    private bool _disposed;

    /// <summary>Which backend this is.</summary>
    public abstract LayerBackend Backend { get; }

    /// <summary>
    /// Whether the upper stamps new times with the scenario's <see cref="ManualClock"/> (an
    /// in-memory upper), so that "now" is one exact time; otherwise the storage's own clock does
    /// (the OS, the mock), and any time from the scenario's start on is "now".
    /// </summary>
    public abstract bool UpperUsesScenarioClock { get; }

    /// <summary>
    /// Which of the lowers' access times must stay unchanged: those nothing but a write changes
    /// on this storage. Where the storage itself stamps one on a read (the kernel on a listed
    /// directory or a read link, the mock on every read) no layer can keep it.
    /// </summary>
    public abstract AccessTimeCheck LowerAccessTimes { get; }

    /// <summary>Creates the storage of a backend.</summary>
    /// <param name="backend">The backend.</param>
    /// <returns>A new, empty store; the caller disposes it.</returns>
    public static LayerStore Create(LayerBackend backend) => backend switch
    {
        LayerBackend.Memory => new MemoryLayerStore(),
        LayerBackend.HostDirectory => new HostDirectoryLayerStore(),
        LayerBackend.MockFileSystem => new MockFileSystemLayerStore(),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown layer backend."),
    };

    /// <summary>
    /// Stores a copy of <paramref name="source"/> exactly (modes, times, bytes, link targets,
    /// whiteouts, opaque marks) and opens it as a lower named like the source.
    /// </summary>
    /// <param name="source">The lower as built in memory.</param>
    /// <returns>The lower as the backend stores it.</returns>
    public abstract ILayer AddLower(MemoryLayer source);

    /// <summary>
    /// Makes an empty upper named "upper" (with its work directory), replacing the one made before
    /// (which is closed: an overlay built on it must not be used any more).
    /// </summary>
    /// <param name="clock">The scenario's clock, for a backend that uses it.</param>
    /// <returns>The upper.</returns>
    public abstract IWritableLayer CreateUpper(TimeProvider clock);

    /// <summary>
    /// The lowers' storage read directly, below the layer abstraction (every stored name, whiteout
    /// files and opaque markers included, with kind, mode, size, mtime, content hash and link
    /// target), or <see langword="null"/> when the backend has no storage of its own.
    /// </summary>
    /// <returns>One line per stored name.</returns>
    public virtual IReadOnlyList<string>? CaptureLowerStorage() => null;

    /// <summary>
    /// What the upper's work area holds besides what the layer reports as staged (leftovers of a
    /// copy-up, a whiteout or a trashed directory), by name; empty when it is clean.
    /// </summary>
    /// <returns>The names.</returns>
    public virtual IReadOnlyList<string> WorkAreaLeftovers() => [];

    /// <summary>The time labels for <see cref="TreeDump"/> in a scenario started at <paramref name="scenarioStartUtc"/>.</summary>
    /// <param name="scenarioStartUtc">When the scenario started, by the system clock.</param>
    /// <returns>The labels of the standard lower times, and "now".</returns>
    public IReadOnlyDictionary<DateTime, string> TimeLabels(DateTime scenarioStartUtc) =>
        UpperUsesScenarioClock
            ? StandardLowers.TimeLabels(StandardLowers.UpperTime)
            : Support.TimeLabels.NowFrom(StandardLowers.TimeLabels(StandardLowers.UpperTime), scenarioStartUtc);

    /// <summary>The number of objects an upper has staged and neither published nor discarded.</summary>
    /// <param name="upper">An upper of this store.</param>
    /// <returns>The count.</returns>
    public static int StagedCount(IWritableLayer upper) => upper switch
    {
        MemoryLayer memory => memory.StagedCount,
        FileSystemLayer stored => stored.StagedCount,
        _ => throw new ArgumentException($"No staged count for a {upper?.GetType().Name}.", nameof(upper)),
    };

    /// <summary>Closes the layers and deletes the storage.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the layers and deletes the storage.</summary>
    /// <param name="disposing">Called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <inheritdoc />
    public override string ToString() => Backend.ToString();
}
