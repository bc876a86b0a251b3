using System.Text;

namespace Overlay.Layers;

/// <summary>
/// A layer held in memory: a lower built from code (a test fixture, an image in a unit test) or a
/// fast upper. Thread-safe; its work area is a set of detached objects that
/// <see cref="IWritableLayer.Publish"/> attaches in one step under the layer's lock.
/// </summary>
/// <remarks>
/// Its public members build and read it; the members the overlay writes an upper with are those of
/// <see cref="IWritableLayer"/> and of the capabilities it offers (<see cref="IConcurrentStaging"/>:
/// the tree has its lock and a staged file is built before it is attached under it;
/// <see cref="IDirectoryRedirects"/>; <see cref="IWholeFileReads"/>; <see cref="IUnixMetadata"/> and
/// <see cref="IUnixMetadataWrites"/>: owners, extended attributes, hard links and special files are
/// kept as given), implemented explicitly.
/// </remarks>
public sealed partial class MemoryLayer : IWritableLayer, IConcurrentStaging, IDirectoryRedirects, IWholeFileReads, IUnixMetadata, IUnixMetadataWrites, IDirectFileReads
{
    private const UnixFileMode DefaultDirectoryMode = (UnixFileMode)0b111_101_101; // 0755
    private const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100; // 0644

    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, MemoryNode> _staged = new(StringComparer.Ordinal);
    private MemoryNode _root;
    private long _nextToken;

    // The last directory a lookup found, and the path it was found by: a lookup below it (the
    // overlay asks for a path's components one after another) starts there instead of at the root.
    // Guarded by _gate; forgotten whenever a directory leaves the tree or moves in it.
    private string? _lastDirectoryPath;
    private string _lastDirectoryName = "/";
    private MemoryNode? _lastDirectory;

    /// <summary>Creates an empty layer.</summary>
    /// <param name="name">A name for traces and messages.</param>
    /// <param name="clock">The clock for new objects' times; the system clock when omitted.</param>
    public MemoryLayer(string name = "memory", TimeProvider? clock = null)
    {
        Name = name;
        _clock = clock ?? TimeProvider.System;
        _root = new MemoryNode(LayerEntryKind.Directory, DefaultDirectoryMode, Now);
    }

    /// <inheritdoc />
    public string Name { get; }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    // ---- Building a layer from code

    /// <summary>Adds a file, creating missing parents as 0755 directories.</summary>
    /// <param name="path">The file's absolute path.</param>
    /// <param name="content">Its text, stored as UTF-8.</param>
    /// <param name="mode">Its mode; 0644 when omitted.</param>
    /// <param name="lastWriteTimeUtc">Its mtime; now when omitted.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer AddFile(string path, string content, UnixFileMode? mode = null, DateTime? lastWriteTimeUtc = null) =>
        AddFile(path, Encoding.UTF8.GetBytes(content), mode, lastWriteTimeUtc);

    /// <summary>Adds a file, creating missing parents as 0755 directories.</summary>
    /// <param name="path">The file's absolute path.</param>
    /// <param name="content">Its bytes.</param>
    /// <param name="mode">Its mode; 0644 when omitted.</param>
    /// <param name="lastWriteTimeUtc">Its mtime; now when omitted.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer AddFile(string path, byte[] content, UnixFileMode? mode = null, DateTime? lastWriteTimeUtc = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var node = new MemoryNode(LayerEntryKind.File, mode ?? DefaultFileMode, lastWriteTimeUtc ?? Now);
        node.Data!.Write(0, content);
        Add(path, node);
        return this;
    }

    /// <summary>Adds a directory (and its missing parents).</summary>
    /// <param name="path">The directory's absolute path.</param>
    /// <param name="mode">Its mode; 0755 when omitted.</param>
    /// <param name="opaque">Whether it is opaque.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer AddDirectory(string path, UnixFileMode? mode = null, bool opaque = false)
    {
        lock (_gate)
        {
            var (parent, name) = Walk(path, createParents: true);
            if (name.Length == 0)
            {
                _root.IsOpaque |= opaque;
                return this;
            }

            if (!parent.Children!.TryGetValue(name, out var node) || node.Kind != LayerEntryKind.Directory)
            {
                node = new MemoryNode(LayerEntryKind.Directory, mode ?? DefaultDirectoryMode, Now);
                parent.Children[name] = node;
            }
            else if (mode is { } m)
            {
                node.Mode = m;
            }

            node.IsOpaque |= opaque;
        }

        return this;
    }

    /// <summary>Adds a symbolic link.</summary>
    /// <param name="path">The link's absolute path.</param>
    /// <param name="target">Its target, stored as given.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer AddSymbolicLink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        Add(path, new MemoryNode(LayerEntryKind.SymbolicLink, (UnixFileMode)0b111_111_111, Now) { LinkTarget = target });
        return this;
    }

    /// <summary>Adds a whiteout: the name is deleted for every layer below this one.</summary>
    /// <param name="path">The deleted name's absolute path.</param>
    /// <returns>This layer.</returns>
    public MemoryLayer AddWhiteout(string path)
    {
        Add(path, new MemoryNode(LayerEntryKind.Whiteout, 0, Now));
        return this;
    }

    private void Add(string path, MemoryNode node)
    {
        lock (_gate)
        {
            var (parent, name) = Walk(path, createParents: true);
            if (name.Length == 0)
            {
                throw new IOException($"Cannot replace the root of layer '{Name}' with '{path}'.", 17);
            }

            if (parent.Children!.TryGetValue(name, out var replaced))
            {
                Unlinked(replaced);
            }

            parent.Children[name] = node;
        }
    }

    /// <summary>Forgets the last directory found: called whenever a directory leaves the tree or moves in it.</summary>
    private void ForgetDirectories()
    {
        _lastDirectoryPath = null;
        _lastDirectory = null;
    }

    // ---- Reading

    /// <inheritdoc />
    public bool TryGetEntry(string path, out LayerEntry entry)
    {
        lock (_gate)
        {
            if (Find(path, out string name) is { } node)
            {
                if (node.Children is not null && path.Length > 1 && path[^1] != '/')
                {
                    _lastDirectoryPath = path;
                    _lastDirectoryName = name;
                    _lastDirectory = node;
                }

                entry = node.ToEntry(name);
                return true;
            }
        }

        entry = default;
        return false;
    }

    /// <inheritdoc />
    public IReadOnlyList<LayerEntry> ListDirectory(string path)
    {
        lock (_gate)
        {
            if (Find(path) is not { Children: { } children })
            {
                return [];
            }

            var list = new LayerEntry[children.Count];
            int i = 0;
            foreach (var (name, child) in children)
            {
                list[i++] = child.ToEntry(name);
            }

            return list;
        }
    }

    /// <inheritdoc />
    public Stream OpenRead(string path) => new MemoryFileStream(RequireFile(path), FileAccess.Read, _clock);

    /// <summary>Reads a whole file of this layer.</summary>
    /// <param name="path">The file's absolute path.</param>
    /// <returns>Its bytes.</returns>
    public byte[] ReadAllBytes(string path) => RequireFile(path).Data!.ToArray();

    /// <summary>A copy taken under the layer's lock: nothing to read afterwards.</summary>
    WholeFileRead IWholeFileReads.OpenWholeFile(string path, bool asLower) => WholeFileRead.FromBytes(ReadAllBytes(path));

    /// <summary>One walk of the tree (plain directories only: a link, a whiteout or a file on the way ends it), then a copy of the file's data.</summary>
    bool IDirectFileReads.TryReadFile(string path, out byte[]? data)
    {
        MemoryNode? node;
        lock (_gate)
        {
            node = Find(path);
        }

        data = node is { Kind: LayerEntryKind.File, Data: { } bytes } ? bytes.ToArray() : null;
        return data is not null;
    }

    // ---- Writing

    /// <inheritdoc />
    void IWritableLayer.CreateDirectory(string path, UnixFileMode mode) =>
        Attach(path, new MemoryNode(LayerEntryKind.Directory, mode, Now), replace: false);

    /// <inheritdoc />
    void IWritableLayer.CreateFile(string path, UnixFileMode mode) =>
        Attach(path, new MemoryNode(LayerEntryKind.File, mode, Now), replace: false);

    /// <inheritdoc />
    void IWritableLayer.CreateSymbolicLink(string path, string target) =>
        Attach(path, new MemoryNode(LayerEntryKind.SymbolicLink, (UnixFileMode)0b111_111_111, Now) { LinkTarget = target }, replace: false);

    /// <inheritdoc />
    Stream IWritableLayer.OpenFile(string path, FileAccess access) => new MemoryFileStream(RequireFile(path), access, _clock);

    /// <inheritdoc />
    void IWritableLayer.Delete(string path)
    {
        lock (_gate)
        {
            var parent = WalkToParent(path, out var name);
            if (name.IsEmpty || !parent.Children!.GetAlternateLookup<ReadOnlySpan<char>>().Remove(name, out _, out var removed))
            {
                throw NotFound(path);
            }

            Unlinked(removed);

            parent.LastWriteTimeUtc = Now;
        }
    }

    /// <inheritdoc />
    void IWritableLayer.Rename(string sourcePath, string destinationPath)
    {
        lock (_gate)
        {
            var (sourceParent, sourceName) = Walk(sourcePath, createParents: false);
            if (sourceName.Length == 0 || !sourceParent.Children!.TryGetValue(sourceName, out var node))
            {
                throw NotFound(sourcePath);
            }

            var (destinationParent, destinationName) = Walk(destinationPath, createParents: false);
            if (destinationName.Length == 0)
            {
                throw new IOException($"Cannot rename '{sourcePath}' over the root of layer '{Name}'.", 16);
            }

            ForgetDirectories();
            sourceParent.Children.Remove(sourceName);
            if (destinationParent.Children!.TryGetValue(destinationName, out var replaced) && !ReferenceEquals(replaced, node))
            {
                Unlinked(replaced);
            }

            destinationParent.Children[destinationName] = node;
            sourceParent.LastWriteTimeUtc = destinationParent.LastWriteTimeUtc = Now;
        }
    }

    /// <inheritdoc />
    void IWritableLayer.SetUnixFileMode(string path, UnixFileMode mode)
    {
        lock (_gate)
        {
            (Find(path) ?? throw NotFound(path)).Mode = mode;
        }
    }

    /// <inheritdoc />
    void IWritableLayer.SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            if (lastAccessTimeUtc is { } atime)
            {
                node.LastAccessTimeUtc = atime;
            }

            if (lastWriteTimeUtc is { } mtime)
            {
                node.LastWriteTimeUtc = mtime;
            }
        }
    }

    /// <inheritdoc />
    void IWritableLayer.SetOpaque(string path, bool opaque)
    {
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            if (node.Kind != LayerEntryKind.Directory)
            {
                throw new IOException($"'{path}' in layer '{Name}' is not a directory.", 20);
            }

            node.IsOpaque = opaque;
        }
    }

    /// <inheritdoc />
    void IDirectoryRedirects.SetRedirect(string path, string? redirect)
    {
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            if (node.Kind != LayerEntryKind.Directory)
            {
                throw new IOException($"'{path}' in layer '{Name}' is not a directory.", 20);
            }

            node.Redirect = redirect;
        }
    }

    // ---- The work area

    /// <inheritdoc />
    string IWritableLayer.StageFile(Stream? content, LayerMetadata metadata) => StageFile(content, metadata);

    /// <inheritdoc />
    string IConcurrentStaging.StageFile(Stream? content, LayerMetadata metadata) => StageFile(content, metadata);

    private string StageFile(Stream? content, LayerMetadata metadata)
    {
        var node = new MemoryNode(LayerEntryKind.File, metadata.Mode, Now);
        if (content is not null)
        {
            // The data is copied outside the layer's lock: only the attach in Publish needs it.
            node.Data!.CopyFrom(content);
        }

        return Stage(node, metadata);
    }

    /// <inheritdoc />
    string IWritableLayer.StageDirectory(LayerMetadata metadata, bool opaque) =>
        Stage(new MemoryNode(LayerEntryKind.Directory, metadata.Mode, Now) { IsOpaque = opaque }, metadata);

    /// <inheritdoc />
    string IWritableLayer.StageSymbolicLink(string target, LayerMetadata metadata) =>
        Stage(new MemoryNode(LayerEntryKind.SymbolicLink, (UnixFileMode)0b111_111_111, Now) { LinkTarget = target }, metadata);

    /// <inheritdoc />
    string IWritableLayer.StageWhiteout() => Stage(new MemoryNode(LayerEntryKind.Whiteout, 0, Now), null);

    /// <inheritdoc />
    void IWritableLayer.Publish(string token, string path, bool keepParentTimes)
    {
        lock (_gate)
        {
            if (!_staged.Remove(token, out var node))
            {
                throw new IOException($"Nothing is staged as '{token}' in layer '{Name}'.", 2);
            }

            var (parent, name) = Walk(path, createParents: false);
            if (name.Length == 0)
            {
                throw new IOException($"Cannot publish over the root of layer '{Name}'.", 16);
            }

            var parentTime = parent.LastWriteTimeUtc;
            if (parent.Children!.TryGetValue(name, out var replaced))
            {
                Unlinked(replaced);
            }

            parent.Children[name] = node;
            parent.LastWriteTimeUtc = keepParentTimes ? parentTime : Now;
        }
    }

    /// <inheritdoc />
    void IWritableLayer.Discard(string token) => Discard(token);

    /// <inheritdoc />
    void IConcurrentStaging.Discard(string token) => Discard(token);

    private void Discard(string token)
    {
        lock (_gate)
        {
            _staged.Remove(token);
        }
    }

    /// <summary>The number of objects staged in the work area and neither published nor discarded.</summary>
    internal int StagedCount
    {
        get
        {
            lock (_gate)
            {
                return _staged.Count;
            }
        }
    }

    /// <summary>Empties the layer: its root keeps no entries and no opaque mark.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _root = new MemoryNode(LayerEntryKind.Directory, _root.Mode, Now);
            _staged.Clear();
            ForgetDirectories();
        }
    }

    private string Stage(MemoryNode node, LayerMetadata? metadata)
    {
        if (metadata is { } m)
        {
            node.LastWriteTimeUtc = m.LastWriteTimeUtc;
            node.LastAccessTimeUtc = m.LastAccessTimeUtc;
        }

        lock (_gate)
        {
            string token = "#" + (++_nextToken).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _staged.Add(token, node);
            return token;
        }
    }

    private void Attach(string path, MemoryNode node, bool replace)
    {
        lock (_gate)
        {
            var (parent, name) = Walk(path, createParents: false);
            if (name.Length == 0 || (!replace && parent.Children!.ContainsKey(name)))
            {
                throw new IOException($"'{path}' already exists in layer '{Name}'.", 17);
            }

            parent.Children![name] = node;
            parent.LastWriteTimeUtc = Now;
        }
    }

    private MemoryNode RequireFile(string path)
    {
        lock (_gate)
        {
            var node = Find(path) ?? throw NotFound(path);
            if (node.Kind != LayerEntryKind.File)
            {
                throw new UnauthorizedAccessException($"'{path}' in layer '{Name}' is not a regular file.");
            }

            return node;
        }
    }

    private MemoryNode? Find(ReadOnlySpan<char> path) => Find(path, out _);

    /// <summary>The node at a path, and the name it is stored under ("/" for the root): the directory's own key, so naming it allocates nothing.</summary>
    /// <remarks>
    /// The last directory found (see <see cref="TryGetEntry"/>) answers its own path, and a path below
    /// it is walked from there: the overlay's lookups ask for "/a", then "/a/b", then "/a/b/c", and
    /// then often for "/a/b" again (the parent of a name it creates or removes), so each costs one
    /// probe or none.
    /// </remarks>
    private MemoryNode? Find(ReadOnlySpan<char> path, out string name)
    {
        var node = _root;
        name = "/";
        if (_lastDirectoryPath is { } known)
        {
            if (path.Length == known.Length && path.SequenceEqual(known))
            {
                name = _lastDirectoryName;
                return _lastDirectory;
            }

            if (path.Length > known.Length + 1
                && path[known.Length] == '/'
                && path[known.Length + 1] != '/'
                && path.StartsWith(known, StringComparison.Ordinal))
            {
                node = _lastDirectory!;
                path = path[(known.Length + 1)..];
            }
        }

        foreach (var range in path.Split('/'))
        {
            var part = path[range];
            if (part.IsEmpty)
            {
                continue;
            }

            if (node.Children is null || !node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(part, out string? key, out var child))
            {
                return null;
            }

            node = child;
            name = key;
        }

        return node;
    }

    /// <summary>The parent directory of a path's last name, and that name as a slice of the path (empty for the root).</summary>
    private MemoryNode WalkToParent(string path, out ReadOnlySpan<char> name)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"A layer path must be absolute: '{path}'.", nameof(path));
        }

        var trimmed = path.AsSpan().TrimEnd('/');
        if (trimmed.Length == 0)
        {
            name = ReadOnlySpan<char>.Empty;
            return _root;
        }

        int slash = trimmed.LastIndexOf('/');
        var parent = Find(trimmed[..Math.Max(slash, 1)]);
        if (parent?.Children is null)
        {
            throw new DirectoryNotFoundException($"The parent of '{path}' is not a directory of layer '{Name}'.");
        }

        name = trimmed[(slash + 1)..];
        return parent;
    }

    private (MemoryNode Parent, string Name) Walk(string path, bool createParents)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"A layer path must be absolute: '{path}'.", nameof(path));
        }

        var trimmed = path.AsSpan().TrimEnd('/');
        if (trimmed.Length == 0)
        {
            return (_root, string.Empty);
        }

        int slash = trimmed.LastIndexOf('/');
        var parentPath = trimmed[..Math.Max(slash, 1)];
        string name = trimmed[(slash + 1)..].ToString();
        var parent = Find(parentPath);
        if (parent is null && createParents)
        {
            parent = _root;
            foreach (var part in parentPath.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!parent.Children!.TryGetValue(part, out var child))
                {
                    child = new MemoryNode(LayerEntryKind.Directory, DefaultDirectoryMode, Now);
                    parent.Children[part] = child;
                }

                parent = child;
            }
        }

        if (parent?.Children is null)
        {
            throw new DirectoryNotFoundException($"The parent of '{path}' is not a directory of layer '{Name}'.");
        }

        return (parent, name);
    }

    private FileNotFoundException NotFound(string path) => new($"'{path}' is not in layer '{Name}'.", path);
}
