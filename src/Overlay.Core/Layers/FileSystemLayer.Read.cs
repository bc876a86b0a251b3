using Overlay.Layers.Host;
using Overlay.Paths;

namespace Overlay.Layers;

/// <content>Reading: entries, listings and file data, whiteouts and opaque marks decoded.</content>
public partial class FileSystemLayer
{
    /// <inheritdoc />
    public bool TryGetEntry(string path, out LayerEntry entry)
    {
        CheckLayerPath(path);
        entry = default;
        if (path == "/")
        {
            long rootVersion = KnownVersion;
            var root = Stat(Root);
            if (root.Kind != HostEntryKind.Directory)
            {
                return false;
            }

            entry = ToEntry("/", root, Root, opaque: false);
            RememberEntry("/", entry, rootVersion);
            return true;
        }

        string name = PosixPath.NameOf(path);
        long version = KnownVersion;
        if (IsReserved(name) || !ParentsAreDirectories(path, version))
        {
            return false;
        }

        int slash = path.LastIndexOf('/');
        var parent = slash == 0 ? "/" : path.AsSpan(0, slash);
        EnsureListed(parent);
        string host = HostPath(path);
        var found = KnownAbsent(parent, name) ? HostEntry.Missing : Stat(host);
        if (found.Kind is HostEntryKind.None)
        {
            if (IsOci && !KnownWithoutWhiteout(parent, name) && Stat(WhiteoutHostPath(path)) is { Exists: true } whiteout)
            {
                entry = WhiteoutEntry(name, whiteout);
                return true;
            }

            return false;
        }

        if (found.Kind != HostEntryKind.Directory)
        {
            return TryDecode(name, host, found, out entry);
        }

        LearnDirectory(path, version);
        bool decoded = TryDecode(name, host, found, out entry);
        RememberEntry(path, entry, version);
        return decoded;
    }

    /// <inheritdoc />
    public IReadOnlyList<LayerEntry> ListDirectory(string path)
    {
        CheckLayerPath(path);
        long version = KnownVersion;
        if (path != "/" && (IsReserved(PosixPath.NameOf(path)) || !ParentsAreDirectories(path, version)))
        {
            return [];
        }

        string host = HostPath(path);
        if (Stat(host).Kind != HostEntryKind.Directory)
        {
            return [];
        }

        LearnDirectory(path, version);
        var entries = new List<LayerEntry>();
        HashSet<string>? present = null;
        List<(string Name, HostEntry Stat)>? whiteouts = null;
        var listed = ListNames(host);
        var names = listed as IReadOnlyCollection<string> ?? [.. listed];
        RecordListing(path, names, version);
        foreach (var name in names)
        {
            string child = host + Separator + name;
            if (IsOci && OciWhiteout.Decode(name, out string? hidden) != OciName.Plain)
            {
                if (hidden is { Length: > 0 })
                {
                    (whiteouts ??= []).Add((hidden, Stat(child)));
                }

                continue;
            }

            var found = Stat(child);
            if (found.Exists && TryDecode(name, child, found, out var entry))
            {
                entries.Add(entry);
                (present ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
            }
        }

        if (whiteouts is not null)
        {
            foreach (var (name, stat) in whiteouts)
            {
                // A name stored both ways is the object: within one layer the whiteout only hides
                // what is below it.
                if (present is null || !present.Contains(name))
                {
                    entries.Add(WhiteoutEntry(name, stat));
                }
            }
        }

        return entries;
    }

    /// <inheritdoc />
    public Stream OpenRead(string path)
    {
        CheckLayerPath(path);
        if (TryOpenReadQuickly(path, asLower: true, out _) is { } handle)
        {
            // No advisory lock, as every read of a layer file: overlays sharing a lower never block each other.
            return new FileStream(handle, FileAccess.Read, 1);
        }

        return OpenReadCheckingEachParent(path);
    }

    /// <summary>
    /// <see cref="OpenRead"/> without its quick attempt: every parent stat-ed first (the containment
    /// walk), then the file opened without following a link. For a caller whose quick attempt was
    /// just refused.
    /// </summary>
    /// <param name="path">The layer path of a regular file.</param>
    internal Stream OpenReadCheckingEachParent(string path)
    {
        CheckLayerPath(path);
        string host = RequireKind(path, HostEntryKind.File);
        return OpenReadNoFollow(host);
    }

    /// <summary>
    /// What is stored at a layer path, found without following a link on the way (the containment
    /// rule); missing when a parent is not a directory or the name is reserved.
    /// </summary>
    private protected HostEntry StatContained(string path, string hostPath) =>
        path == "/" ? Stat(hostPath) : IsReserved(PosixPath.NameOf(path)) || !ParentsAreDirectories(path) ? HostEntry.Missing : Stat(hostPath);

    /// <summary>Whether a name cannot be an object of this layer (an OCI whiteout or marker name).</summary>
    private protected bool IsReserved(string name) => IsOci && OciWhiteout.IsReserved(name);

    /// <summary>
    /// As <see cref="RequireKind"/> for a regular file, but a file the layer has just made there
    /// (nothing changed since) is not stat-ed again: it is known to be a regular file.
    /// </summary>
    private string RequireFile(string path) =>
        IsFresh(path, HostEntryKind.File) ? HostPath(path) : RequireKind(path, HostEntryKind.File);

    /// <summary>The storage path of a layer path that must be an object of the given kind.</summary>
    private protected string RequireKind(string path, HostEntryKind kind)
    {
        string host = HostPath(path);
        var found = StatContained(path, host);
        if (!found.Exists)
        {
            throw new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path);
        }

        if (found.Kind != kind)
        {
            throw new IOException($"'{path}' in layer '{Name}' is a {Describe(found.Kind)}, not a {Describe(kind)}.", kind == HostEntryKind.Directory ? 20 : 21);
        }

        return host;
    }

    private static string Describe(HostEntryKind kind) => kind switch
    {
        HostEntryKind.File => "regular file",
        HostEntryKind.Directory => "directory",
        HostEntryKind.SymbolicLink => "symbolic link",
        HostEntryKind.CharacterDevice => "character device",
        _ => "special file",
    };

    /// <summary>Turns what the storage holds into a layer entry; false for what a layer cannot hold.</summary>
    private protected virtual bool TryDecode(string name, string hostPath, in HostEntry found, out LayerEntry entry)
    {
        switch (found.Kind)
        {
            case HostEntryKind.Directory:
                entry = ToEntry(name, found, hostPath, IsOpaqueDirectory(hostPath)) with { RedirectPath = ReadRedirect(hostPath) };
                return true;
            case HostEntryKind.WhiteoutDevice when WhiteoutForm == WhiteoutForm.Kernel:
                entry = WhiteoutEntry(name, found);
                return true;
            case HostEntryKind.File when found.Length == 0 && WhiteoutForm == WhiteoutForm.Kernel && IsXWhiteout(hostPath):
                entry = WhiteoutEntry(name, found);
                return true;
            case HostEntryKind.File:
            case HostEntryKind.SymbolicLink:
            case HostEntryKind.CharacterDevice:
            case HostEntryKind.BlockDevice:
            case HostEntryKind.Fifo:
            case HostEntryKind.Socket:
                entry = ToEntry(name, found, hostPath, opaque: false);
                return true;
            default:
                entry = default;
                return false;
        }
    }

    /// <summary>Whether a storage directory is marked opaque in the layer's form.</summary>
    private protected virtual bool IsOpaqueDirectory(string hostPath)
    {
        if (!IsOci)
        {
            return false;
        }

        string marker = hostPath + Separator + OciWhiteout.OpaqueMarker;
        return !KnownAbsentAtHost(marker) && Stat(marker).Exists;
    }

    /// <summary>A storage directory's redirect (kernel form only), or <see langword="null"/>.</summary>
    private protected virtual string? ReadRedirect(string hostPath) => null;

    /// <summary>Whether a zero-size file is one of the kernel's xwhiteouts (kernel form only).</summary>
    private protected virtual bool IsXWhiteout(string hostPath) => false;

    private LayerEntry ToEntry(string name, in HostEntry found, string hostPath, bool opaque)
    {
        string? target = found.Kind == HostEntryKind.SymbolicLink ? ReadLink(hostPath) : null;
        return new LayerEntry
        {
            Name = name,
            Kind = found.Kind switch
            {
                HostEntryKind.Directory => LayerEntryKind.Directory,
                HostEntryKind.SymbolicLink => LayerEntryKind.SymbolicLink,
                HostEntryKind.CharacterDevice => LayerEntryKind.CharacterDevice,
                HostEntryKind.BlockDevice => LayerEntryKind.BlockDevice,
                HostEntryKind.Fifo => LayerEntryKind.Fifo,
                HostEntryKind.Socket => LayerEntryKind.Socket,
                _ => LayerEntryKind.File,
            },
            Mode = found.Kind == HostEntryKind.SymbolicLink ? LinkMode : found.Mode,
            Length = target is null ? found.Length : ByteCount(target),
            LastWriteTimeUtc = found.LastWriteTimeUtc,
            LastAccessTimeUtc = found.LastAccessTimeUtc,
            CreationTimeUtc = found.CreationTimeUtc,
            LinkTarget = target,
            IsOpaque = opaque,
        };
    }

    private protected static LayerEntry WhiteoutEntry(string name, in HostEntry stored) => new()
    {
        Name = name,
        Kind = LayerEntryKind.Whiteout,
        Mode = WhiteoutFileMode,
        LastWriteTimeUtc = stored.LastWriteTimeUtc,
        LastAccessTimeUtc = stored.LastAccessTimeUtc,
        CreationTimeUtc = stored.CreationTimeUtc,
    };
}
