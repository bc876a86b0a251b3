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
        }
    }

    /// <summary>A change of the namespace: to the change feed with the object's kind, and to the trace.</summary>
    private void EmitChange(OverlayEventKind kind, string path, LayerEntryKind objectKind, string? oldPath = null)
    {
        if (ChangeFeed is not null)
        {
            _pendingEvents.Value!.Add(new NamespaceChange(kind, path, oldPath, objectKind));
        }

        Emit(kind, path, oldPath: oldPath);
    }

    private void FlushEvents()
    {
        if ((Trace is null && LookupTrace is null && ChangeFeed is null) || !_pendingEvents.IsValueCreated)
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
    /// <param name="directory">The merged directory.</param>
    /// <param name="name">The name to look up.</param>
    /// <param name="childPath">The child's merged path when the caller has it already (the directory's path, '/', the name), else null.</param>
    /// <param name="whiteout">The upper holds a whiteout at the name.</param>
    private MergedNode? Child(in MergedNode directory, ReadOnlySpan<char> name, string? childPath, out bool whiteout)
    {
        whiteout = false;
        string? path = childPath;
        if (directory.InUpper)
        {
            path ??= PosixPath.Combine(directory.Path, name);
            if (_upper!.TryGetEntry(path, out var upperEntry))
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
        }

        if (directory.Lower is { } lowerDirectory
            && lowerDirectory.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out string? key, out var child))
        {
            path ??= PosixPath.Combine(directory.Path, key);

            // Where the lowers hold it: under the merged path unless the directory is redirected.
            string lowerPath = lowerDirectory.Path == directory.Path
                ? path
                : PosixPath.Combine(lowerDirectory.Path, key);
            var lower = child.DirectoryLayers is null ? null : _index.Child(lowerDirectory, key, lowerPath);
            return new MergedNode(path, child.Entry, child.Layer, lower, lowerPath);
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
    /// <remarks>
    /// The components are read from <paramref name="path"/> in place while the walk follows its text
    /// (no link followed, no "." or ".." met): each directory's merged path is then a prefix of
    /// <paramref name="path"/>, so a child's path is cut from it rather than joined, and the final
    /// object of a normalised path gets <paramref name="path"/> itself. After a link the remaining
    /// components go on a stack, as the link's target is walked first.
    /// </remarks>
    /// <param name="path">A normalised absolute path; a trailing '/' means the final object must be a directory.</param>
    /// <param name="followFinal">Follow a symbolic link in the final component.</param>
    private Resolution Resolve(string path, bool followFinal)
    {
        var result = Resolution.Rent(path.AsSpan().Count('/'));
        result.TrailingSlash = path.Length > 1 && path[^1] == '/';
        if (path.Length >= MaxNameBytes && Encoding.UTF8.GetByteCount(path) >= MaxPathBytes)
        {
            // PATH_MAX: the kernel refuses the path before it looks at any name.
            result.Error = Errno.ENAMETOOLONG;
            return result;
        }

        // Components still to walk: path[position..] first, then the stack (filled when a link is
        // followed: its target's components on top of what was left of the path).
        int position = 0;
        Stack<string>? pending = null;

        // While the walk follows the text, the current directory's merged path is path[..textEnd]
        // ("/" when textEnd is 0).
        bool textual = true;
        int textEnd = 0;

        var root = RootNode();
        result.Ancestors.Add(root);
        int hops = 0;
        if (LookupsTraced)
        {
            EmitFound(root);
        }

        while (true)
        {
            ReadOnlySpan<char> part;
            string? partString = null;
            int partEnd = -1;
            if (NextComponent(path, ref position, out int start, out int end))
            {
                part = path.AsSpan(start, end - start);
                partEnd = end;
                if (textual && start != textEnd + 1)
                {
                    textual = false;
                }
            }
            else if (pending is { Count: > 0 })
            {
                partString = pending.Pop();
                part = partString;
                textual = false;
            }
            else
            {
                break;
            }

            // The kernel refuses a component longer than NAME_MAX bytes before it looks it up.
            if (part.Length > MaxNameBytes / 3 && Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
            {
                result.Error = Errno.ENAMETOOLONG;
                return result;
            }

            if (part is ".")
            {
                textual = false;
                continue;
            }

            if (part is "..")
            {
                textual = false;
                if (result.Ancestors.Count > 1)
                {
                    result.Ancestors.RemoveAt(result.Ancestors.Count - 1);
                }

                continue;
            }

            bool isLast = !HasComponent(path, position) && pending is not { Count: > 0 };
            string? childPath = null;
            if (textual)
            {
                childPath = partEnd == path.Length ? path : path[..partEnd];
            }

            var directory = result.Ancestors[^1];
            var child = Child(directory, part, childPath, out bool whiteout);
            if (LookupsTraced)
            {
                EmitStep(directory, partString ??= part.ToString(), child, whiteout);
            }

            if (child is not { } node)
            {
                if (!isLast)
                {
                    result.Error = Errno.ENOENT;
                    return result;
                }

                result.Name = partString ?? part.ToString();
                result.FreePath = childPath;
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
                }

                // What is left of the path goes under the target's components.
                pending ??= new Stack<string>();
                PushComponents(pending, path.AsSpan(position));
                position = path.Length;
                PushComponents(pending, target);
                textual = false;
                continue;
            }

            if (isLast)
            {
                result.Name = partString ?? NameOf(node);
                result.Node = node;
                return Finish(result);
            }

            if (!node.IsDirectory)
            {
                result.Error = Errno.ENOTDIR;
                return result;
            }

            result.Ancestors.Add(node);
            if (textual)
            {
                textEnd = partEnd;
            }
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
            result.Name = NameOf(result.Ancestors[^1]);
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

        // The name a node was reached by: the last component of its merged path.
        static string NameOf(in MergedNode node) => node.Path[(node.Path.LastIndexOf('/') + 1)..];
    }

    /// <summary>The next non-empty component of a path from a position, as a range; moves the position past it.</summary>
    private static bool NextComponent(string path, ref int position, out int start, out int end)
    {
        int i = position;
        while (i < path.Length && path[i] == '/')
        {
            i++;
        }

        if (i == path.Length)
        {
            position = i;
            start = end = i;
            return false;
        }

        int slash = path.IndexOf('/', i);
        start = i;
        end = slash < 0 ? path.Length : slash;
        position = end;
        return true;
    }

    /// <summary>Whether a path holds another non-empty component from a position.</summary>
    private static bool HasComponent(string path, int position)
    {
        for (int i = position; i < path.Length; i++)
        {
            if (path[i] != '/')
            {
                return true;
            }
        }

        return false;
    }

    private static void PushComponents(Stack<string> pending, ReadOnlySpan<char> path)
    {
        // Pushed last first, so the first component is on top.
        int end = path.Length;
        while (end > 0)
        {
            while (end > 0 && path[end - 1] == '/')
            {
                end--;
            }

            if (end == 0)
            {
                break;
            }

            int slash = path[..end].LastIndexOf('/');
            pending.Push(path[(slash + 1)..end].ToString());
            end = slash < 0 ? 0 : slash;
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
            string path = PosixPath.Combine(parent.Path, name);
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
        if (LookupsTraced && resolution.Error == Errno.None)
        {
            Emit(OverlayEventKind.Lookup, resolution.Path, resolution.Node is { } node ? LayerName(node.Layer) : null);
        }
    }
}
