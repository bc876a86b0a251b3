namespace Overlay.Fuse;

/// <summary>
/// The FUSE node ids (which are also the inode numbers the mount reports) of the merged paths the
/// kernel knows. A path keeps its id for the life of the mount while its object exists: an id is
/// dropped only when the object is removed (unlink, rmdir, replaced by a rename) and the kernel has
/// forgotten it, and a rename carries the ids of what moved. Node ids are never reused.
/// </summary>
internal sealed class NodeTable
{
    /// <summary>FUSE_ROOT_ID.</summary>
    public const ulong RootId = 1;

    private readonly Dictionary<ulong, Node> _byId = [];
    private readonly Dictionary<string, Node> _byPath = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private ulong _nextId = RootId + 1;

    public NodeTable()
    {
        var root = new Node(RootId, "/") { Lookups = 1 };
        _byId.Add(RootId, root);
        _byPath.Add("/", root);
    }

    /// <summary>The merged path of a node id, or <see langword="null"/> when the id is unknown or its object was removed.</summary>
    public string? PathOf(ulong id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var node) ? node.Path : null;
        }
    }

    /// <summary>The id of a path, made when the path has none (readdir's inode numbers), without counting a lookup.</summary>
    public ulong IdOf(string path)
    {
        lock (_lock)
        {
            return GetOrAdd(path).Id;
        }
    }

    /// <summary>The id of a path the kernel looked up (LOOKUP, CREATE, MKDIR…): counted, until it forgets it.</summary>
    public ulong LookedUp(string path)
    {
        lock (_lock)
        {
            var node = GetOrAdd(path);
            node.Lookups++;
            return node.Id;
        }
    }

    /// <summary>FORGET: the kernel dropped <paramref name="count"/> of its lookups of a node.</summary>
    public void Forget(ulong id, ulong count)
    {
        lock (_lock)
        {
            if (id == RootId || !_byId.TryGetValue(id, out var node))
            {
                return;
            }

            node.Lookups = count >= node.Lookups ? 0 : node.Lookups - count;
            if (node.Lookups == 0 && node.Path is null)
            {
                _byId.Remove(id);
            }
        }
    }

    /// <summary>The object at a path was removed: its id no longer names anything reachable.</summary>
    /// <param name="path">The removed path.</param>
    /// <param name="directory">It was a directory (ids of names below it are dropped too).</param>
    public void Removed(string path, bool directory)
    {
        lock (_lock)
        {
            Detach(path, directory);
        }
    }

    /// <summary>A rename: the source's id (and its descendants') move to the destination; what the destination named is gone.</summary>
    /// <param name="source">The old path.</param>
    /// <param name="destination">The new path.</param>
    /// <param name="directory">A directory moved (the ids below it move with it).</param>
    public void Moved(string source, string destination, bool directory)
    {
        lock (_lock)
        {
            Detach(destination, directory);
            if (!_byPath.Remove(source, out var moved))
            {
                return;
            }

            moved.Path = destination;
            _byPath[destination] = moved;
            if (!directory)
            {
                return;
            }

            string prefix = source + "/";
            List<Node>? descendants = null;
            foreach (var (path, node) in _byPath)
            {
                if (path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    (descendants ??= []).Add(node);
                }
            }

            if (descendants is null)
            {
                return;
            }

            foreach (var node in descendants)
            {
                _byPath.Remove(node.Path!);
            }

            foreach (var node in descendants)
            {
                node.Path = destination + node.Path![source.Length..];
                _byPath[node.Path] = node;
            }
        }
    }

    /// <summary>How many ids the table holds (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    private Node GetOrAdd(string path)
    {
        if (!_byPath.TryGetValue(path, out var node))
        {
            node = new Node(_nextId++, path);
            _byPath.Add(path, node);
            _byId.Add(node.Id, node);
        }

        return node;
    }

    private void Detach(string path, bool directory)
    {
        if (path == "/" || !_byPath.Remove(path, out var node))
        {
            return;
        }

        node.Path = null;
        if (node.Lookups == 0)
        {
            _byId.Remove(node.Id);
        }

        if (!directory)
        {
            return;
        }

        // A removed directory held nothing visible; ids left below it (names removed earlier are
        // gone already) belong to nothing now.
        string prefix = path + "/";
        List<string>? below = null;
        foreach (var key in _byPath.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                (below ??= []).Add(key);
            }
        }

        if (below is not null)
        {
            foreach (var key in below)
            {
                Detach(key, directory: false);
            }
        }
    }

    private sealed class Node(ulong id, string path)
    {
        public ulong Id { get; } = id;

        public string? Path { get; set; } = path;

        public ulong Lookups { get; set; }
    }
}
