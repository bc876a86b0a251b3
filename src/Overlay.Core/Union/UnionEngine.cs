using System.Text;
using Overlay.Layers;

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

    private readonly ILayer[] _lowers;
    private readonly IWritableLayer? _upper;
    private readonly LowerIndex _index;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    // Each thread's events of the operation it is running: raised when that operation releases the
    // lock, on that thread, so a handler sees only finished operations and never another thread's.
    private readonly ThreadLocal<List<OverlayEvent>> _pendingEvents = new(() => []);
    private readonly UnixFileMode _umask;
    private readonly LowerReaders _readers = new();
    private readonly ShareTable _shares = new();

    public UnionEngine(IReadOnlyList<ILayer> lowersTopFirst, IWritableLayer? upper, OverlayOptions options)
    {
        _lowers = [.. lowersTopFirst];
        _upper = upper;
        Options = options;
        _umask = options.Umask;
        _index = new LowerIndex(_lowers);
        if (_lowers.Length == 0 && upper is null)
        {
            throw new ArgumentException("An overlay needs at least one layer: a lower or an upper.", nameof(lowersTopFirst));
        }
    }

    public event Action<OverlayEvent>? Trace;

    public OverlayOptions Options { get; }

    public IReadOnlyList<ILayer> Lowers => _lowers;

    public IWritableLayer? Upper => _upper;

    public bool IsReadOnly => _upper is null;

    public TimeProvider Clock => Options.Clock;

    /// <summary>The FileShare locks of the files open through this overlay.</summary>
    public ShareTable Shares => _shares;

    /// <summary>Drops the lower index, after a caller changed a lower outside the overlay.</summary>
    public void InvalidateIndex()
    {
        _lock.EnterWriteLock();
        try
        {
            NamespaceChanging();
            _index.Clear();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public string LayerName(int layer) => layer == MergedNode.Upper ? _upper!.Name : _lowers[layer].Name;

    public ILayer LayerOf(in MergedNode node) => node.InUpper ? _upper! : _lowers[node.Layer];

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

    private void Emit(OverlayEventKind kind, string path, string? layer = null, string? oldPath = null)
    {
        if (Trace is not null)
        {
            _pendingEvents.Value!.Add(new OverlayEvent(kind, path, layer, oldPath));
        }
    }

    private void FlushEvents()
    {
        if (Trace is not { } trace || !_pendingEvents.IsValueCreated)
        {
            return;
        }

        var pending = _pendingEvents.Value!;
        if (pending.Count == 0)
        {
            return;
        }

        var events = pending.ToArray();
        pending.Clear();
        foreach (var e in events)
        {
            trace(e);
        }
    }

    // ---- Lookup

    private MergedNode RootNode()
    {
        if (_upper is not null)
        {
            _upper.TryGetEntry("/", out var upperRoot);
            return new MergedNode("/", upperRoot with { Name = "/" }, MergedNode.Upper, upperRoot.IsOpaque ? null : _index.Root);
        }

        _lowers[0].TryGetEntry("/", out var lowerRoot);
        return new MergedNode("/", lowerRoot with { Name = "/", Kind = LayerEntryKind.Directory }, 0, _index.Root);
    }

    /// <summary>Looks one name up in a merged directory: upper first, then the lower index.</summary>
    private MergedNode? Child(in MergedNode directory, string name, out bool whiteout)
    {
        whiteout = false;
        string path = LowerIndex.Combine(directory.Path, name);
        if (directory.InUpper && _upper!.TryGetEntry(path, out var upperEntry))
        {
            switch (upperEntry.Kind)
            {
                case LayerEntryKind.Whiteout:
                    whiteout = true;
                    return null;
                case LayerEntryKind.Directory:
                    return new MergedNode(path, upperEntry, MergedNode.Upper, LowerOf(directory.Lower, upperEntry));
                default:
                    return new MergedNode(path, upperEntry, MergedNode.Upper, null);
            }
        }

        if (directory.Lower is { } lowerDirectory && lowerDirectory.Children.TryGetValue(name, out var child))
        {
            var lower = child.DirectoryLayers is null ? null : _index.Child(lowerDirectory, name);
            return new MergedNode(path, child.Entry, child.Layer, lower, LowerIndex.Combine(lowerDirectory.Path, name));
        }

        return null;
    }

    /// <summary>
    /// The lower content merging into an upper directory: none when it is opaque; where its redirect
    /// points when it has one (a name: that name in the parent's lower content; an absolute path:
    /// that path from the lowers' root), as the kernel follows <c>overlay.redirect</c>; else the
    /// parent's lower directory of the same name.
    /// </summary>
    /// <param name="parentLower">The parent's lower content.</param>
    /// <param name="upperEntry">The upper directory's entry.</param>
    private LowerDirectory? LowerOf(LowerDirectory? parentLower, in LayerEntry upperEntry)
    {
        if (upperEntry.IsOpaque)
        {
            return null;
        }

        string? redirect = upperEntry.RedirectPath;
        if (redirect is null)
        {
            return parentLower is null ? null : _index.Child(parentLower, upperEntry.Name);
        }

        if (redirect.StartsWith('/'))
        {
            return _index.At(redirect);
        }

        // A relative redirect is one name; anything else is not a redirect the kernel follows.
        return parentLower is null || redirect.Length == 0 || redirect.Contains('/') || redirect is "." or ".."
            ? null
            : _index.Child(parentLower, redirect);
    }

    /// <summary>
    /// Walks a path component by component. Symbolic links are resolved inside the merged view:
    /// an absolute target starts again at the overlay's root, ".." never climbs above the root, and
    /// more than <see cref="MaxSymbolicLinkHops"/> links give ELOOP.
    /// </summary>
    /// <param name="path">A normalised absolute path; a trailing '/' means the final object must be a directory.</param>
    /// <param name="followFinal">Follow a symbolic link in the final component.</param>
    private Resolution Resolve(string path, bool followFinal)
    {
        var result = new Resolution { TrailingSlash = path.Length > 1 && path[^1] == '/' };
        if (path.Length >= MaxNameBytes && Encoding.UTF8.GetByteCount(path) >= MaxPathBytes)
        {
            // PATH_MAX: the kernel refuses the path before it looks at any name.
            result.Error = Errno.ENAMETOOLONG;
            return result;
        }

        var pending = new Stack<string>();
        PushComponents(pending, path);

        // The directories the walk is inside, root first, with the names they were reached by.
        var names = new List<string>(8) { string.Empty };
        var root = RootNode();
        result.Ancestors.Add(root);
        int hops = 0;
        if (Trace is not null)
        {
            EmitFound(root);
        }

        while (pending.Count > 0)
        {
            string part = pending.Pop();

            // The kernel refuses a component longer than NAME_MAX bytes before it looks it up.
            if (part.Length > MaxNameBytes / 3 && Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
            {
                result.Error = Errno.ENAMETOOLONG;
                return result;
            }

            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (result.Ancestors.Count > 1)
                {
                    result.Ancestors.RemoveAt(result.Ancestors.Count - 1);
                    names.RemoveAt(names.Count - 1);
                }

                continue;
            }

            var child = Child(result.Ancestors[^1], part, out bool whiteout);
            if (Trace is not null)
            {
                EmitStep(result.Ancestors[^1], part, child, whiteout);
            }

            bool isLast = pending.Count == 0;
            if (child is not { } node)
            {
                if (!isLast)
                {
                    result.Error = Errno.ENOENT;
                    return result;
                }

                result.Name = part;
                result.OverWhiteout = whiteout;
                return result;
            }

            if (node.IsSymbolicLink && (!isLast || followFinal || result.TrailingSlash))
            {
                if (++hops > MaxSymbolicLinkHops)
                {
                    result.Error = Errno.ELOOP;
                    return result;
                }

                string target = node.Entry.LinkTarget!;
                if (target.StartsWith('/'))
                {
                    result.Ancestors.RemoveRange(1, result.Ancestors.Count - 1);
                    names.RemoveRange(1, names.Count - 1);
                }

                PushComponents(pending, target);
                continue;
            }

            if (isLast)
            {
                result.Name = part;
                result.Node = node;
                return Finish(result);
            }

            if (!node.IsDirectory)
            {
                result.Error = Errno.ENOTDIR;
                return result;
            }

            result.Ancestors.Add(node);
            names.Add(part);
        }

        // The walk ended inside a directory ("/", "..", "." or a link to a directory): that
        // directory is the final object.
        if (result.Ancestors.Count == 1)
        {
            result.Name = string.Empty;
            result.Node = root;
        }
        else
        {
            result.Node = result.Ancestors[^1];
            result.Name = names[^1];
            result.Ancestors.RemoveAt(result.Ancestors.Count - 1);
        }

        return Finish(result);

        static Resolution Finish(Resolution result)
        {
            if (result.TrailingSlash && result.Node is { IsDirectory: false })
            {
                result.Error = Errno.ENOTDIR;
            }

            return result;
        }
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    /// <summary>The trace of one component of a walk: which layer answered, what merges, what hid it.</summary>
    private void EmitStep(in MergedNode parent, string name, MergedNode? child, bool upperWhiteout)
    {
        if (child is { } node)
        {
            EmitFound(node);
        }
        else
        {
            int? whiteoutLayer = upperWhiteout ? MergedNode.Upper
                : parent.Lower is { } lower && lower.Whiteouts.TryGetValue(name, out int layer) ? layer
                : null;
            string path = LowerIndex.Combine(parent.Path, name);
            if (whiteoutLayer is { } hiding)
            {
                Emit(OverlayEventKind.LookupWhiteout, path, LayerName(hiding));
            }

            Emit(OverlayEventKind.LookupStep, path);
        }
    }

    private void EmitFound(in MergedNode node)
    {
        string path = node.Path;
        Emit(OverlayEventKind.LookupStep, path, LayerName(node.Layer));
        if (node.IsDirectory && node.Lower is { } lower)
        {
            foreach (int layer in lower.Layers)
            {
                if (layer != node.Layer)
                {
                    Emit(OverlayEventKind.LookupMerge, path, LayerName(layer));
                }
            }
        }
    }

    private void EmitLookup(Resolution resolution)
    {
        if (Trace is not null && resolution.Error == Errno.None)
        {
            Emit(OverlayEventKind.Lookup, resolution.Path, resolution.Node is { } node ? LayerName(node.Layer) : null);
        }
    }
}
