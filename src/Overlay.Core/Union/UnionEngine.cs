using System.Text;
using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <summary>
/// The overlay's semantics, independent of any file-system API: lookup through the layers, merged
/// readdir, copy-up through the work area, and the unlink/rmdir/mkdir/rename rules of the kernel's
/// overlayfs. Operations take normalised absolute paths and answer with an <see cref="Errno"/>.
/// </summary>
/// <remarks>
/// <para>Locking model. One reader-writer lock guards the merged namespace. Lookups, stats and
/// listings take it shared, so readers never block each other. Every operation that changes the
/// upper (create, delete, rename, metadata, and the copy-up that precedes a write) takes it
/// exclusively, re-resolves its paths under it and so acts on the state it checked; a copy-up of one
/// file therefore happens once, and a reader sees the object before or after it, never between.
/// File data is read and written through streams outside the lock: each layer keeps its own data
/// consistent per read and write. Events are queued under the lock and raised after it is released,
/// so a handler may call back into the overlay.</para>
/// <para>The lower index (<see cref="LowerIndex"/>) holds only lower content, which never changes; the
/// upper is asked directly, so the engine's own writes never make the index stale.</para>
/// </remarks>
internal sealed partial class UnionEngine
{
    private const int MaxSymbolicLinkHops = 40;

    /// <summary>NAME_MAX on Linux: the longest name, in bytes.</summary>
    private const int MaxNameBytes = 255;

    /// <summary>PATH_MAX on Linux: a path of this many bytes (its terminating NUL included) is too long.</summary>
    private const int MaxPathBytes = 4096;

    private const UnixFileMode AllPermissions = (UnixFileMode)0b111_111_111_111;

    private static string Trim(string path) => path.Length > 1 && path[^1] == '/' ? (path.TrimEnd('/') is { Length: > 0 } t ? t : "/") : path;

    private readonly ILayer[] _lowers;
    private readonly IWritableLayer? _upper;
    private readonly LayerCapabilities[] _lowerCapabilities;
    private readonly LayerCapabilities? _upperCapabilities;
    private readonly LowerIndex _index;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    // Each thread's events and changes of the operation it is running (OverlayEvent, NamespaceChange):
    // raised when that operation releases the lock, on that thread, so a handler sees only finished
    // operations and never another thread's.
    private readonly ThreadLocal<List<object>> _pendingEvents = new(() => []);
    // How many events wait in all threads' lists together: a read that produced none (the usual
    // case, even while a handler listens) ends on this one field, without the thread-local lookup.
    private int _pendingCount;
    private readonly UnixFileMode _umask;
    private readonly LowerReaders _readers = new();
    private readonly ShareTable _shares = new();

    public UnionEngine(IReadOnlyList<ILayer> lowersTopFirst, IWritableLayer? upper, OverlayOptions options)
    {
        _lowers = [.. lowersTopFirst];
        _upper = upper;
        _lowerCapabilities = [.. _lowers.Select(LayerCapabilities.Of)];
        _upperCapabilities = upper is null ? null : LayerCapabilities.Of(upper);
        Options = options;
        _umask = options.Umask;
        _index = new LowerIndex(_lowers);
        if (_lowers.Length == 0 && upper is null)
        {
            throw new ArgumentException("An overlay needs at least one layer: a lower or an upper.", nameof(lowersTopFirst));
        }

        // From now on the upper changes through this overlay only: it may keep what it learns of
        // its directories, starting from nothing, as a mount does.
        _upperCapabilities?.EntryCache?.Start();
    }

    /// <summary>The engine's steps other than lookups: copy-ups, whiteouts, opaque marks, and the namespace's changes.</summary>
    public event Action<OverlayEvent>? Trace;

    /// <summary>
    /// The lookups and each step of their walks. Only while a handler is attached are lookups made
    /// the slow way (no lookup cache, no staged copy-up: a traced open reports one lookup).
    /// </summary>
    public event Action<OverlayEvent>? LookupTrace;

    /// <summary>The change feed: each change of the merged namespace, with the object's kind, for the library's watchers.</summary>
    public event Action<NamespaceChange>? ChangeFeed;

    public OverlayOptions Options { get; }

    public IReadOnlyList<ILayer> Lowers => _lowers;

    public IWritableLayer? Upper => _upper;

    public bool IsReadOnly => _upper is null;

    public TimeProvider Clock => Options.Clock;

    /// <summary>The FileShare locks of the files open through this overlay.</summary>
    public ShareTable Shares => _shares;

    /// <summary>Drops the lower index and what the upper knows of its directories, after a caller changed a layer outside the overlay.</summary>
    public void InvalidateIndex()
    {
        _lock.EnterWriteLock();
        try
        {
            NamespaceChanging();
            _index.Clear();
            _upperCapabilities?.EntryCache?.Clear();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public string LayerName(int layer) => layer == MergedNode.Upper ? _upper!.Name : _lowers[layer].Name;

    public ILayer LayerOf(in MergedNode node) => node.InUpper ? _upper! : _lowers[node.Layer];

    /// <summary>What the layer holding a node can do.</summary>
    private LayerCapabilities CapabilitiesOf(in MergedNode node) => node.InUpper ? _upperCapabilities! : _lowerCapabilities[node.Layer];


    // ---- Locking

    private ReadScope Read()
    {
        _lock.EnterReadLock();
        return new ReadScope(this);
    }

    private WriteScope Write()
    {
        _lock.EnterWriteLock();
        NamespaceChanging();
        return new WriteScope(this);
    }

    private readonly struct ReadScope(UnionEngine engine) : IDisposable
    {
        public void Dispose()
        {
            engine._lock.ExitReadLock();
            engine.FlushEvents();
        }
    }

    private readonly struct WriteScope(UnionEngine engine) : IDisposable
    {
        public void Dispose()
        {
            engine._lock.ExitWriteLock();
            engine.FlushEvents();
        }
    }

    /// <summary>Whether lookups are traced: only then are their steps recorded, the slow way.</summary>
    private bool LookupsTraced => LookupTrace is not null;

    private static bool IsLookup(OverlayEventKind kind) =>
        kind is OverlayEventKind.Lookup or OverlayEventKind.LookupStep or OverlayEventKind.LookupMerge or OverlayEventKind.LookupWhiteout;

    private void Emit(OverlayEventKind kind, string path, string? layer = null, string? oldPath = null)
    {
        if ((IsLookup(kind) ? LookupTrace : Trace) is not null)
        {
            _pendingEvents.Value!.Add(new OverlayEvent(kind, path, layer, oldPath));
            Interlocked.Increment(ref _pendingCount);
        }
    }

    /// <summary>A change of the namespace: to the change feed with the object's kind, and to the trace.</summary>
    private void EmitChange(OverlayEventKind kind, string path, LayerEntryKind objectKind, string? oldPath = null)
    {
        if (ChangeFeed is not null)
        {
            _pendingEvents.Value!.Add(new NamespaceChange(kind, path, oldPath, objectKind));
            Interlocked.Increment(ref _pendingCount);
        }

        Emit(kind, path, oldPath: oldPath);
    }

    private void FlushEvents()
    {
        if (Volatile.Read(ref _pendingCount) == 0 || !_pendingEvents.IsValueCreated)
        {
            return;
        }

        var pending = _pendingEvents.Value!;
        if (pending.Count == 0)
        {
            return;
        }

        var items = pending.ToArray();
        pending.Clear();
        Interlocked.Add(ref _pendingCount, -items.Length);
        foreach (var item in items)
        {
            switch (item)
            {
                case NamespaceChange change:
                    ChangeFeed?.Invoke(change);
                    break;
                case OverlayEvent e:
                    (IsLookup(e.Kind) ? LookupTrace : Trace)?.Invoke(e);
                    break;
            }
        }
    }
}
