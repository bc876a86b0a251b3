namespace Overlay.Fuse;

/// <summary>
/// The FUSE node ids (which are also the inode numbers the mount reports) of the merged paths the
/// kernel knows. A path keeps its id for the life of the mount while its object exists: an id is
/// dropped only when the object is removed (unlink, rmdir, replaced by a rename) and the kernel has
/// forgotten it, and a rename carries the ids of what moved. The names of one file (hard links)
/// share its id, so the kernel sees one inode with several names. Node ids are never reused.
/// </summary>
internal sealed class NodeTable
{
    /// <summary>FUSE_ROOT_ID.</summary>
    public const ulong RootId = 1;

    private readonly Dictionary<ulong, Node> _byId = [];
    private readonly Dictionary<string, Node> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<FileIdentity, Node> _byIdentity = [];
    private readonly Lock _lock = new();
    private ulong _nextId = RootId + 1;

    public NodeTable()
    {
        var root = new Node(RootId, "/") { Lookups = 1 };
        _byId.Add(RootId, root);
        _byPath.Add("/", root);
    }

    /// <summary>
    /// The merged path of a node id (any of its names, for a file with several), or
    /// <see langword="null"/> when the id is unknown or its object was removed.
    /// </summary>
    public string? PathOf(ulong id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var node) ? node.Path : null;
        }
    }

    /// <summary>The id of a path the table knows; 0 when it knows none (nothing is made).</summary>
    public ulong KnownIdOf(string path)
    {
        lock (_lock)
        {
            return _byPath.TryGetValue(path, out var node) ? node.Id : 0;
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

    /// <summary>
    /// A node already known for a file identity, other than the one of <paramref name="path"/>, with
    /// the path it is known at: the caller checks that the path still is that file before
    /// <see cref="LookedUp"/> makes <paramref name="path"/> another name of it.
    /// </summary>
    public (ulong Id, string Path)? OtherNameOf(FileIdentity identity, string path)
    {
        lock (_lock)
        {
            if (_byIdentity.TryGetValue(identity, out var node) && node.Path is { } known && !node.Names.Contains(path))
            {
                return (node.Id, known);
            }

            return null;
        }
    }

    /// <summary>The id of a path the kernel looked up (LOOKUP, CREATE, MKDIR…): counted, until it forgets it.</summary>
    /// <param name="path">The path looked up.</param>
    /// <param name="identity">The file it is, for a file with several names; <see langword="null"/> otherwise.</param>
    /// <param name="nameOf">A node checked to be the same file (from <see cref="OtherNameOf"/>): the path becomes another of its names; 0 for none.</param>
    public ulong LookedUp(string path, FileIdentity? identity = null, ulong nameOf = 0)
    {
        lock (_lock)
        {
            Node? node = null;
            if (nameOf != 0 && _byId.TryGetValue(nameOf, out var file) && file.Path is not null)
            {
                if (!_byPath.TryGetValue(path, out var current))
                {
                    node = file;
                }
                else if (current == file)
                {
                    node = file;
                }
                else if (current.Lookups == 0)
                {
                    // Known only from a listing: the name joins the file's node.
                    Detach(path, directory: false);
                    node = file;
                }
            }

            if (node is not null && !node.Names.Contains(path))
            {
                node.Names.Add(path);
                _byPath[path] = node;
            }

            node ??= GetOrAdd(path);
            node.Lookups++;
            if (identity is { } key)
            {
                if (node.Identity is { } old && old != key && _byIdentity.TryGetValue(old, out var mapped) && mapped == node)
                {
                    _byIdentity.Remove(old);
                }

                node.Identity = key;
                _byIdentity[key] = node;
            }

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

    /// <summary>The object at a path was removed: its id no longer names anything reachable (unless the file has other names).</summary>
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

            int at = moved.Names.IndexOf(source);
            if (at >= 0)
            {
                moved.Names[at] = destination;
            }

            _byPath[destination] = moved;
            if (!directory)
            {
                return;
            }

            string prefix = source + "/";
            List<(string Path, Node Node)>? descendants = null;
            foreach (var (path, node) in _byPath)
            {
                if (path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    (descendants ??= []).Add((path, node));
                }
            }

            if (descendants is null)
            {
                return;
            }

            foreach (var (path, _) in descendants)
            {
                _byPath.Remove(path);
            }

            foreach (var (path, node) in descendants)
            {
                string renamed = destination + path[source.Length..];
                int index = node.Names.IndexOf(path);
                if (index >= 0)
                {
                    node.Names[index] = renamed;
                }

                _byPath[renamed] = node;
            }
        }
    }

    /// <summary>
    /// What the kernel may hold for the table: every id, and every name as its parent directory's
    /// id and the last component of the path (names whose parent has no id are left out: the
    /// kernel cannot hold them).
    /// </summary>
    public (List<ulong> Ids, List<(ulong Parent, string Name)> Names) Known()
    {
        lock (_lock)
        {
            var ids = new List<ulong>(_byId.Count);
            ids.AddRange(_byId.Keys);
            var names = new List<(ulong Parent, string Name)>(_byPath.Count);
            foreach (var path in _byPath.Keys)
            {
                int slash = path.LastIndexOf('/');
                if (path == "/" || slash < 0)
                {
                    continue;
                }

                string parent = slash == 0 ? "/" : path[..slash];
                if (_byPath.TryGetValue(parent, out var directory))
                {
                    names.Add((directory.Id, path[(slash + 1)..]));
                }
            }

            return (ids, names);
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

        node.Names.Remove(path);
        if (node.Path is null)
        {
            if (node.Identity is { } identity && _byIdentity.TryGetValue(identity, out var mapped) && mapped == node)
            {
                _byIdentity.Remove(identity);
            }

            if (node.Lookups == 0)
            {
                _byId.Remove(node.Id);
            }
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

        /// <summary>The merged paths that name the object: one, or several for a file with hard links.</summary>
        public List<string> Names { get; } = [path];

        /// <summary>A name of the object, or <see langword="null"/> when it has none left (removed).</summary>
        public string? Path => Names.Count > 0 ? Names[0] : null;

        public ulong Lookups { get; set; }

        public FileIdentity? Identity { get; set; }
    }
}
