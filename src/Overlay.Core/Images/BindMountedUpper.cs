using Overlay.Layers;

namespace Overlay.Images;

/// <summary>
/// A container's upper as its merged view sees it, with Docker's three per-container bind mounts:
/// <c>/etc/hostname</c>, <c>/etc/hosts</c> and <c>/etc/resolv.conf</c> answer from the container's
/// own files (<see cref="IContainerFiles"/>), never from the upper. Everything else is the upper.
/// </summary>
/// <remarks>
/// <para>This is the whole of the bind-mount support, and the engine knows nothing of it: the
/// engine looks a name up in the upper only inside a directory the upper holds, so this layer
/// shows <c>/etc</c> as an upper directory (merging with the lowers' <c>/etc</c>, like a copied-up
/// directory) until the upper really has one, and makes it for real, as a copy-up would, before
/// the first write that needs it. The three files then resolve here, and reads and writes go to
/// the container's files. Deleting or renaming a bind-mounted file, or <c>/etc</c> itself, fails
/// with EBUSY, as it does on a mount point.</para>
/// <para>The container's diff, commit and export read the real upper, so these files never appear
/// in them.</para>
/// <para>Capabilities: staging is the upper's own, so the upper's <see cref="IConcurrentStaging"/>
/// is forwarded as it is; those that name paths (host handles, whole-file reads, redirects, the
/// one-step rename leaving a whiteout) are offered when the upper offers them, through this layer,
/// so the bind mounts and the making of <c>/etc</c> apply to them too. Any other is not offered:
/// this layer cannot know whether it would bypass the bind mounts.</para>
/// </remarks>
internal sealed class BindMountedUpper : IWritableLayer, IHostFileHandles, IWholeFileReads, IDirectoryRedirects, IWhiteoutRename
{
    private const string Etc = "/etc";
    private const int EBUSY = 16;

    private static readonly Dictionary<string, string> BindPaths = new(StringComparer.Ordinal)
    {
        ["/etc/hostname"] = "hostname",
        ["/etc/hosts"] = "hosts",
        ["/etc/resolv.conf"] = "resolv.conf",
    };

    private readonly IWritableLayer _upper;
    private readonly ILayer[] _lowersTopFirst;
    private readonly IContainerFiles _files;

    public BindMountedUpper(IWritableLayer upper, IEnumerable<ILayer> lowersTopFirst, IContainerFiles files)
    {
        _upper = upper;
        _lowersTopFirst = [.. lowersTopFirst];
        _files = files;
    }

    /// <summary>The names of the bind-mounted files in the container's view.</summary>
    public static IReadOnlyCollection<string> Paths => BindPaths.Keys;

    public string Name => _upper.Name;

    public string HostDirectory => _upper.GetCapability<IHostFileHandles>()!.HostDirectory;

    public TCapability? GetCapability<TCapability>()
        where TCapability : class
    {
        // Owners, attributes and links are the upper's own: a bind-mounted file is not one of its
        // files, so the overlay asks the upper only about paths it holds.
        if (typeof(TCapability) == typeof(IConcurrentStaging) || typeof(TCapability) == typeof(IUnixMetadata) || typeof(TCapability) == typeof(IUnixMetadataWrites)
            || typeof(TCapability) == typeof(IUpperEntryCache))
        {
            return _upper.GetCapability<TCapability>();
        }

        bool throughThis = typeof(TCapability) == typeof(IHostFileHandles) || typeof(TCapability) == typeof(IWholeFileReads)
            || typeof(TCapability) == typeof(IDirectoryRedirects) || typeof(TCapability) == typeof(IWhiteoutRename);
        return throughThis && _upper.GetCapability<TCapability>() is not null ? this as TCapability : null;
    }

    // ---- Reading

    public bool TryGetEntry(string path, out LayerEntry entry)
    {
        if (BindPaths.TryGetValue(path, out string? name))
        {
            entry = _files.Stat(name) with { Name = name };
            return true;
        }

        if (_upper.TryGetEntry(path, out entry))
        {
            return true;
        }

        if (path == Etc && LowerEtc() is { } etc)
        {
            entry = etc;
            return true;
        }

        return false;
    }

    public IReadOnlyList<LayerEntry> ListDirectory(string path)
    {
        var entries = _upper.ListDirectory(path);
        if (path == "/" && !_upper.TryGetEntry(Etc, out _) && LowerEtc() is { } etc)
        {
            return [.. entries, etc];
        }

        if (path == Etc)
        {
            return [.. entries.Where(e => !BindPaths.ContainsKey(Etc + "/" + e.Name)), .. BindPaths.Values.Select(n => _files.Stat(n) with { Name = n })];
        }

        return entries;
    }

    public Stream OpenRead(string path) => OpenFile(path, FileAccess.Read);

    public Stream OpenFile(string path, FileAccess access) =>
        BindPaths.TryGetValue(path, out string? name) ? _files.Open(name, access) : _upper.OpenFile(path, access);

    public WholeFileRead OpenWholeFile(string path, bool asLower) =>
        BindPaths.TryGetValue(path, out string? name) ? WholeFileRead.FromStream(_files.Open(name, FileAccess.Read))
        : _upper.GetCapability<IWholeFileReads>()!.OpenWholeFile(path, asLower);

    public Microsoft.Win32.SafeHandles.SafeFileHandle OpenHandle(string path, FileAccess access) =>
        BindPaths.ContainsKey(path)
            ? throw new NotSupportedException($"'{path}' is a bind mount of the container, not a file of its upper: it has no operating-system handle to give.")
            : _upper.GetCapability<IHostFileHandles>()!.OpenHandle(path, access);

    // ---- Writing

    public void CreateDirectory(string path, UnixFileMode mode)
    {
        Prepare(path);
        _upper.CreateDirectory(path, mode);
    }

    public void CreateFile(string path, UnixFileMode mode)
    {
        Prepare(path);
        _upper.CreateFile(path, mode);
    }

    public void CreateSymbolicLink(string path, string target)
    {
        Prepare(path);
        _upper.CreateSymbolicLink(path, target);
    }

    public void Delete(string path)
    {
        Prepare(path);
        _upper.Delete(path);
    }

    public void Rename(string sourcePath, string destinationPath)
    {
        Prepare(sourcePath);
        Prepare(destinationPath);
        _upper.Rename(sourcePath, destinationPath);
    }

    public void RenameLeavingWhiteout(string sourcePath, string destinationPath)
    {
        Prepare(sourcePath);
        Prepare(destinationPath);
        _upper.GetCapability<IWhiteoutRename>()!.RenameLeavingWhiteout(sourcePath, destinationPath);
    }

    public void SetUnixFileMode(string path, UnixFileMode mode)
    {
        if (BindPaths.TryGetValue(path, out string? name))
        {
            _files.SetUnixFileMode(name, mode);
            return;
        }

        MaterializeEtc(path);
        _upper.SetUnixFileMode(path, mode);
    }

    public void SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        if (BindPaths.TryGetValue(path, out string? name))
        {
            _files.SetTimes(name, lastAccessTimeUtc, lastWriteTimeUtc);
            return;
        }

        MaterializeEtc(path);
        _upper.SetTimes(path, lastAccessTimeUtc, lastWriteTimeUtc);
    }

    public void SetOpaque(string path, bool opaque)
    {
        MaterializeEtc(path);
        _upper.SetOpaque(path, opaque);
    }

    public void SetRedirect(string path, string? redirect)
    {
        MaterializeEtc(path);
        _upper.GetCapability<IDirectoryRedirects>()!.SetRedirect(path, redirect);
    }

    public string StageFile(Stream? content, LayerMetadata metadata) => _upper.StageFile(content, metadata);

    public string StageDirectory(LayerMetadata metadata, bool opaque) => _upper.StageDirectory(metadata, opaque);

    public string StageSymbolicLink(string target, LayerMetadata metadata) => _upper.StageSymbolicLink(target, metadata);

    public string StageWhiteout() => _upper.StageWhiteout();

    public void Publish(string token, string path, bool keepParentTimes)
    {
        Prepare(path);
        _upper.Publish(token, path, keepParentTimes);
    }

    public void Discard(string token) => _upper.Discard(token);

    // ---- The bind mounts

    /// <summary>Refuses to replace or remove a mount point; makes /etc real before a name inside it changes.</summary>
    private void Prepare(string path)
    {
        if (BindPaths.ContainsKey(path) || path == Etc)
        {
            throw new IOException($"Device or resource busy: '{path}' is a bind mount of the container (or holds one) and cannot be replaced or removed.", EBUSY);
        }

        MaterializeEtc(path);
    }

    /// <summary>Copies /etc up for real (the lowers' directory, its mode and times) when a path at or under it is written.</summary>
    private void MaterializeEtc(string path)
    {
        if (!(path == Etc || path.StartsWith(Etc + "/", StringComparison.Ordinal)) || _upper.TryGetEntry(Etc, out _))
        {
            return;
        }

        if (LowerEtc() is not { } etc)
        {
            return;
        }

        string token = _upper.StageDirectory(LayerMetadata.From(etc), opaque: false);
        try
        {
            _upper.Publish(token, Etc, keepParentTimes: true);
        }
        catch
        {
            _upper.Discard(token);
            throw;
        }
    }

    /// <summary>The lowers' /etc (the topmost layer that names it; the init layer always makes it), shown as an upper directory.</summary>
    private LayerEntry? LowerEtc()
    {
        foreach (var lower in _lowersTopFirst)
        {
            if (lower.TryGetEntry(Etc, out var entry))
            {
                return entry.IsDirectory ? entry with { Name = "etc", IsOpaque = false, RedirectPath = null } : null;
            }
        }

        return null;
    }
}
