using Overlay.Layers.Host;

namespace Overlay.Layers;

/// <content>
/// What an overlay's upper knows of its own directories (<see cref="IUpperEntryCache"/>): which
/// paths are real directories of the storage, and for a directory listed once, every name it
/// holds. Once an overlay starts it, the layer changes only through its own write calls, and each
/// of them records the names it made or removed; so a lookup stats no parent it has seen before,
/// and a name a listed directory does not hold is answered "not here" without a system call. An
/// object that is there is always stat-ed (its length and times change through streams). Any
/// failure of a write forgets everything; a failed read records nothing.
/// </content>
public partial class FileSystemLayer : IUpperEntryCache
{
    private readonly Lock _knownGate = new();

    // Layer paths ("/", "/usr") seen to be directories of the storage since the cache started, each
    // with the names it holds once listed; null while nothing is kept. A directory is only ever
    // recorded after all its parents are, so forgetting one forgets what lies below it.
    private Dictionary<string, KnownDirectory>? _known;

    // Moves on with every change: what a read learnt is recorded only if nothing changed meanwhile.
    private long _knownVersion;

    /// <inheritdoc />
    void IUpperEntryCache.Start()
    {
        // Names are compared as stored, byte for byte: only where the storage does the same.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        lock (_knownGate)
        {
            _known = new Dictionary<string, KnownDirectory>(StringComparer.Ordinal) { ["/"] = new KnownDirectory() };
            _knownVersion++;
        }
    }

    /// <inheritdoc />
    void IUpperEntryCache.Clear() => ForgetKnown();

    /// <summary>Forgets all that was learnt (after a failed write: what it changed is not known).</summary>
    private protected void ForgetKnown()
    {
        lock (_knownGate)
        {
            if (_known is null)
            {
                return;
            }

            _known.Clear();
            _known["/"] = new KnownDirectory();
            _knownVersion++;
        }
    }

    /// <summary>The version a read starts under: what it learns is kept only if it is still current.</summary>
    private long KnownVersion => Volatile.Read(ref _knownVersion);

    /// <summary>Whether a layer path is known to be a directory of the storage.</summary>
    private bool IsKnownDirectory(ReadOnlySpan<char> path)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return false;
        }

        lock (_knownGate)
        {
            return _known is { } known && known.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(path);
        }
    }

    /// <summary>Records that a layer path is a directory, when nothing changed since <paramref name="version"/>.</summary>
    private void LearnDirectory(ReadOnlySpan<char> path, long version)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return;
        }

        lock (_knownGate)
        {
            if (_known is { } known && version == _knownVersion && !known.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(path))
            {
                known[path.ToString()] = new KnownDirectory();
            }
        }
    }

    /// <summary>
    /// Lists a known directory once, so that later lookups in it answer "not here" from its names.
    /// </summary>
    /// <param name="directory">The directory's layer path.</param>
    private void EnsureListed(ReadOnlySpan<char> directory)
    {
        long version;
        lock (_knownGate)
        {
            if (_known is null || !_known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(directory, out var known) || known.Names is not null)
            {
                return;
            }

            version = _knownVersion;
        }

        string path = directory.ToString();
        if (ListNamesQuietly(HostPath(path)) is { } names)
        {
            RecordListing(path, names, version);
        }
    }

    /// <summary>Keeps the names a known directory holds, as just listed, when nothing changed since <paramref name="version"/>.</summary>
    private void RecordListing(string directory, IEnumerable<string> names, long version)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return;
        }

        var set = new HashSet<string>(names, StringComparer.Ordinal);
        lock (_knownGate)
        {
            if (_known is { } known && version == _knownVersion && known.TryGetValue(directory, out var entry))
            {
                entry.Names ??= set;
            }
        }
    }

    /// <summary>Whether a listed directory holds no such name: a lookup of it can answer "not here" at once.</summary>
    /// <param name="directory">The directory's layer path.</param>
    /// <param name="name">A name as stored (a whiteout's or marker's included).</param>
    private bool KnownAbsent(ReadOnlySpan<char> directory, ReadOnlySpan<char> name)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return false;
        }

        lock (_knownGate)
        {
            return _known is { } known
                && known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(directory, out var entry)
                && entry.Names is { } names
                && !names.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name);
        }
    }

    /// <summary>Whether a listed directory holds no OCI whiteout for a name.</summary>
    private bool KnownWithoutWhiteout(ReadOnlySpan<char> directory, ReadOnlySpan<char> name)
    {
        int length = OciWhiteout.Prefix.Length + name.Length;
        Span<char> whiteout = length <= 512 ? stackalloc char[length] : new char[length];
        OciWhiteout.Prefix.AsSpan().CopyTo(whiteout);
        name.CopyTo(whiteout[OciWhiteout.Prefix.Length..]);
        return KnownAbsent(directory, whiteout);
    }

    /// <summary>
    /// Whether a storage path's object is known not to be there (its directory was listed and does
    /// not hold its name); false when not known. For a path outside the layer's tree, false.
    /// </summary>
    private bool KnownAbsentAtHost(string hostPath)
    {
        if (Volatile.Read(ref _known) is null || _separator != '/' || hostPath.Length <= _rootPrefix.Length + 1
            || !hostPath.StartsWith(_rootPrefix, StringComparison.Ordinal) || hostPath[_rootPrefix.Length] != '/')
        {
            return false;
        }

        var path = hostPath.AsSpan(_rootPrefix.Length);
        int slash = path.LastIndexOf('/');
        return KnownAbsent(slash == 0 ? "/" : path[..slash], path[(slash + 1)..]);
    }

    /// <summary>
    /// Records a change the layer made at a name: what was known of the object there (and below
    /// it) is forgotten, and the directory's names gain it (<paramref name="present"/>) or lose it.
    /// </summary>
    /// <param name="path">The layer path of the name.</param>
    /// <param name="present">Whether something may be at the name now; false only when certainly nothing is.</param>
    private protected void Changed(string path, bool present)
    {
        if (Volatile.Read(ref _known) is null || path == "/")
        {
            return;
        }

        int slash = path.LastIndexOf('/');
        ChangedName(slash == 0 ? "/" : path.AsSpan(0, slash), path.AsSpan(slash + 1), present, path);
    }

    /// <summary>As <see cref="Changed"/>, for the OCI whiteout file of a name.</summary>
    private protected void ChangedWhiteout(string path, bool present)
    {
        if (Volatile.Read(ref _known) is null || !IsOci || path == "/")
        {
            return;
        }

        int slash = path.LastIndexOf('/');
        ChangedName(slash == 0 ? "/" : path.AsSpan(0, slash), OciWhiteout.NameFor(path[(slash + 1)..]), present, null);
    }

    /// <summary>As <see cref="Changed"/>, for the OCI opaque marker inside a directory.</summary>
    private protected void ChangedOpaqueMarker(string directory, bool present)
    {
        if (Volatile.Read(ref _known) is null || !IsOci)
        {
            return;
        }

        ChangedName(directory, OciWhiteout.OpaqueMarker, present, null);
        ChangedEntry(directory);
    }

    private void ChangedName(ReadOnlySpan<char> directory, ReadOnlySpan<char> name, bool present, string? objectPath)
    {
        lock (_knownGate)
        {
            if (_known is not { } known)
            {
                return;
            }

            _knownVersion++;
            if (objectPath is not null && known.Remove(objectPath))
            {
                string prefix = objectPath + "/";
                List<string>? below = null;
                foreach (string key in known.Keys)
                {
                    if (key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        (below ??= []).Add(key);
                    }
                }

                below?.ForEach(key => known.Remove(key));
            }

            if (!known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(directory, out var entry))
            {
                return;
            }

            entry.Files?.GetAlternateLookup<ReadOnlySpan<char>>().Remove(name);
            if (entry.Names is { } names)
            {
                if (present)
                {
                    names.GetAlternateLookup<ReadOnlySpan<char>>().Add(name);
                }
                else
                {
                    names.GetAlternateLookup<ReadOnlySpan<char>>().Remove(name);
                }
            }
        }
    }

    /// <summary>
    /// Records that the layer has just made a regular file at a name (after <see cref="Changed"/>
    /// for it): until the next change at that name, its kind is known without asking the storage.
    /// </summary>
    private protected void MadeFile(string path)
    {
        if (Volatile.Read(ref _known) is null || path == "/")
        {
            return;
        }

        int slash = path.LastIndexOf('/');
        var directory = slash == 0 ? "/" : path.AsSpan(0, slash);
        lock (_knownGate)
        {
            if (_known is { } known && known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(directory, out var entry))
            {
                (entry.Files ??= new HashSet<string>(StringComparer.Ordinal)).Add(path[(slash + 1)..]);
            }
        }
    }

    /// <inheritdoc />
    bool IUpperEntryCache.HasDefaultAcl(string directory) => HasDefaultAcl(directory);

    /// <summary>
    /// Whether a directory of the layer carries a default POSIX ACL: read once for a known
    /// directory while the cache runs (an attribute change through the layer forgets it), else each
    /// time.
    /// </summary>
    /// <param name="directory">The directory's layer path.</param>
    private protected bool HasDefaultAcl(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        long version = 0;
        if (Volatile.Read(ref _known) is not null)
        {
            lock (_knownGate)
            {
                if (_known is { } known && known.TryGetValue(directory, out var entry) && entry.DefaultAcl is { } kept)
                {
                    return kept;
                }

                version = _knownVersion;
            }
        }

        bool has = ReadHasDefaultAcl(HostPath(directory));
        if (Volatile.Read(ref _known) is not null)
        {
            lock (_knownGate)
            {
                if (_known is { } known && version == _knownVersion && known.TryGetValue(directory, out var entry))
                {
                    entry.DefaultAcl = has;
                }
            }
        }

        return has;
    }

    /// <inheritdoc />
    bool IUpperEntryCache.IsKnownFile(string path)
    {
        if (Volatile.Read(ref _known) is null || path == "/")
        {
            return false;
        }

        int slash = path.LastIndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var directory = slash == 0 ? "/" : path.AsSpan(0, slash);
        lock (_knownGate)
        {
            return _known is { } known
                && known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(directory, out var entry)
                && entry.Files is { } files
                && files.GetAlternateLookup<ReadOnlySpan<char>>().Contains(path.AsSpan(slash + 1));
        }
    }

    /// <inheritdoc />
    bool IUpperEntryCache.TryGetKnownDirectory(string path, out LayerEntry entry)
    {
        entry = default;
        if (Volatile.Read(ref _known) is null)
        {
            return false;
        }

        lock (_knownGate)
        {
            if (_known is { } known && known.TryGetValue(path, out var directory) && directory.Entry is { } found)
            {
                entry = found;
                return true;
            }
        }

        return false;
    }

    /// <summary>Keeps a known directory's entry as just read, when nothing changed since <paramref name="version"/>.</summary>
    private void RememberEntry(string path, in LayerEntry entry, long version)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return;
        }

        lock (_knownGate)
        {
            if (_known is { } known && version == _knownVersion && known.TryGetValue(path, out var directory))
            {
                directory.Entry = entry;
            }
        }
    }

    /// <summary>
    /// Forgets a known directory's entry: its mark, redirect or mode changed. After a change of
    /// extended attributes (<paramref name="kindMayChange"/>) it also forgets that a file the layer
    /// made is a plain file: an attribute can make a file read as a whiteout or a recorded device.
    /// </summary>
    private protected void ChangedEntry(string path, bool kindMayChange = false)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return;
        }

        lock (_knownGate)
        {
            _knownVersion++;
            if (_known is not { } known)
            {
                return;
            }

            if (known.TryGetValue(path, out var directory))
            {
                directory.Entry = null;
                directory.DefaultAcl = null;
            }

            int slash = path.LastIndexOf('/');
            if (kindMayChange && slash >= 0 && path != "/"
                && known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(slash == 0 ? "/" : path.AsSpan(0, slash), out var parent))
            {
                parent.Files?.GetAlternateLookup<ReadOnlySpan<char>>().Remove(path.AsSpan(slash + 1));
            }
        }
    }

    // The object the layer made last at a free name, while no change has been made since (the
    // version it was made under); null when none. Read by the calls that follow a create at once.
    private FreshObject? _fresh;

    /// <summary>
    /// Records that the layer has just made a new file or directory at a free name: until the next
    /// change, it is known to be that kind of object and to carry no <c>user.*</c> attribute (a new
    /// inode inherits at most a default ACL or a security label from its directory, never a
    /// <c>user.*</c> attribute), so no <c>user.containers.override_stat</c> record. Kept only while the cache runs (the
    /// storage changes only through the layer).
    /// </summary>
    private protected void MadeFresh(string path, HostEntryKind kind)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return;
        }

        lock (_knownGate)
        {
            _fresh = _known is null ? null : new FreshObject(path, kind, _knownVersion);
        }
    }

    /// <summary>
    /// Whether a layer path holds the object the layer made there last, of that kind, with no
    /// change through the layer since: what the layer knows of it without reading the storage.
    /// </summary>
    private protected bool IsFresh(string path, HostEntryKind kind)
    {
        if (Volatile.Read(ref _known) is null)
        {
            return false;
        }

        lock (_knownGate)
        {
            return _known is not null && _fresh is { } fresh && fresh.Version == _knownVersion
                && fresh.Kind == kind && string.Equals(fresh.Path, path, StringComparison.Ordinal);
        }
    }

    /// <summary>A new object the layer made, and the version of what is known right after.</summary>
    private sealed record FreshObject(string Path, HostEntryKind Kind, long Version);

    /// <summary>
    /// What a directory is known to hold: its names, once listed; its entry, once looked up (null
    /// before); the names the layer made regular files at since (null while none); whether it has
    /// a default ACL, once read (null before).
    /// </summary>
    private sealed class KnownDirectory
    {
        public HashSet<string>? Names { get; set; }

        public HashSet<string>? Files { get; set; }

        public bool? DefaultAcl { get; set; }

        public LayerEntry? Entry { get; set; }
    }
}
