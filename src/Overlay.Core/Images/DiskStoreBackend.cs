using Overlay.Layers;
using Overlay.Layers.Host;

namespace Overlay.Images;

/// <summary>
/// An image store's storage on disk, in overlay2's layout: <c>&lt;root&gt;/overlay2/&lt;cache-id&gt;/</c>
/// holding <c>diff/</c> (the layer), <c>link</c> (its short name), <c>lower</c> (the short links of
/// the layers below, topmost first), <c>work/</c> and, once finished, <c>committed</c>; the short
/// links in <c>&lt;root&gt;/overlay2/l/</c>; the metadata as JSON in <c>&lt;root&gt;/image/overlay2/</c>
/// and <c>&lt;root&gt;/containers/&lt;id&gt;/</c>, beside each container's own files.
/// </summary>
internal sealed class DiskStoreBackend : StoreBackend
{
    private const string Prefix = "sha256:";
    private readonly string _root;
    private readonly WhiteoutForm _form;
    private readonly bool _durable;

    public DiskStoreBackend(string root, WhiteoutForm form, bool durable)
    {
        _root = root;
        _form = form;
        _durable = durable;
        Directory.CreateDirectory(Path.Combine(root, "overlay2", "l"));
        Directory.CreateDirectory(Path.Combine(root, "image", "overlay2", "layerdb"));
        Directory.CreateDirectory(Path.Combine(root, "image", "overlay2", "imagedb"));
        Directory.CreateDirectory(Path.Combine(root, "containers"));
    }

    public override string GraphRoot => _root;

    private string LayerDirectory(string cacheId) => Path.Combine(_root, "overlay2", cacheId);

    public override IWritableLayer CreateLayer(string cacheId, IReadOnlyList<string> lowerCacheIdsTopFirst)
    {
        string directory = LayerDirectory(cacheId);
        if (Directory.Exists(directory))
        {
            throw new IOException($"Layer directory '{directory}' already exists.");
        }

        Directory.CreateDirectory(Path.Combine(directory, "diff"));
        string link = Digests.RandomShortLink();
        File.WriteAllText(Path.Combine(directory, "link"), link);
        if (lowerCacheIdsTopFirst.Count > 0)
        {
            var lowers = lowerCacheIdsTopFirst.Select(id => "l/" + File.ReadAllText(Path.Combine(LayerDirectory(id), "link")).Trim());
            File.WriteAllText(Path.Combine(directory, "lower"), string.Join(':', lowers));
        }

        File.CreateSymbolicLink(Path.Combine(_root, "overlay2", "l", link), Path.Combine("..", cacheId, "diff"));
        return OpenWritable(cacheId);
    }

    public override IWritableLayer OpenWritable(string cacheId)
    {
        string directory = RequireLayer(cacheId);
        return new HostDirectoryLayer(Path.Combine(directory, "diff"), new HostDirectoryLayerOptions
        {
            Name = cacheId,
            WhiteoutForm = _form,
            WorkDirectory = Path.Combine(directory, "work"),
            Durable = _durable,
        });
    }

    public override ILayer OpenReadOnly(string cacheId) =>
        new HostDirectoryLayer(Path.Combine(RequireLayer(cacheId), "diff"), new HostDirectoryLayerOptions { Name = cacheId, WhiteoutForm = _form });

    /// <summary>
    /// Linux: the whole tree is written relative to held directory descriptors
    /// (<see cref="HostTreeWriter"/>), and nothing is synced file by file: <see cref="Commit"/>
    /// syncs the file system once. Elsewhere: copied through the layer, each object synced as the
    /// layer's <c>Durable</c> says.
    /// </summary>
    public override void Fill(string cacheId, IWritableLayer target, ILayer content, CancellationToken cancellationToken)
    {
        if (!LinuxSyscalls.IsSupported)
        {
            base.Fill(cacheId, target, content, cancellationToken);
            return;
        }

        var writer = new HostTreeWriter
        {
            Name = cacheId,
            Form = _form,
            SkipUnwritableAttributes = true,
            CancellationToken = cancellationToken,
        };
        writer.Write(content, Path.Combine(LayerDirectory(cacheId), "diff"));
    }

    /// <summary>
    /// Marks a layer finished. In a durable store on Linux, everything the layer's directory holds
    /// reaches the disk before the mark does: one <c>syncfs</c> of the file system the layer is on
    /// (its files, directories, <c>link</c>, <c>lower</c> and short link), then the empty
    /// <c>committed</c> file, then an <c>fsync</c> of the layer's directory. The layer record, which
    /// the caller writes after this, is synced by <see cref="WriteRecord"/>.
    /// </summary>
    public override void Commit(string cacheId, IWritableLayer layer)
    {
        Close(layer);
        string directory = LayerDirectory(cacheId);

        // overlay2 gives the bottom layer of a chain no work directory: nothing is ever mounted with it as upper.
        if (!File.Exists(Path.Combine(directory, "lower")))
        {
            Directory.Delete(Path.Combine(directory, "work"), recursive: true);
        }

        bool sync = _durable && LinuxSyscalls.IsSupported;
        if (sync)
        {
            SyncFileSystem(directory);
        }

        using (File.Create(Path.Combine(directory, "committed")))
        {
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(directory, "committed"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (sync)
        {
            SyncDirectory(directory);
        }
    }

    /// <summary><c>syncfs</c> of the file system a directory is on: its data and metadata are on the disk when it returns.</summary>
    private static void SyncFileSystem(string directory)
    {
        int errno = LinuxSyscalls.OpenDirectoryNoFollow(directory, out int fd);
        if (errno == 0)
        {
            errno = LinuxSyscalls.Syncfs(fd);
            LinuxSyscalls.Close(fd);
        }

        if (errno != 0)
        {
            throw new IOException($"Cannot sync the file system of '{directory}' to the disk: {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }

    /// <summary><c>fsync</c> of a directory: the names it holds are on the disk when it returns.</summary>
    private static void SyncDirectory(string directory)
    {
        int errno = LinuxSyscalls.FsyncDirectory(directory);
        if (errno != 0)
        {
            throw new IOException($"Cannot sync the directory '{directory}' to the disk: {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }

    public override void Close(ILayer layer) => (layer as IDisposable)?.Dispose();

    public override void DeleteLayer(string cacheId)
    {
        string directory = LayerDirectory(cacheId);
        string linkFile = Path.Combine(directory, "link");
        if (File.Exists(linkFile))
        {
            File.Delete(Path.Combine(_root, "overlay2", "l", File.ReadAllText(linkFile).Trim()));
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public override bool LayerExists(string cacheId) => Directory.Exists(Path.Combine(LayerDirectory(cacheId), "diff"));

    public override IContainerFiles CreateContainerFiles(string containerId, IReadOnlyDictionary<string, string> contents)
    {
        var files = new DiskContainerFiles(Path.Combine(_root, "containers", containerId));
        foreach (var (name, content) in contents)
        {
            files.Write(name, content);
        }

        return files;
    }

    public override IContainerFiles OpenContainerFiles(string containerId) =>
        new DiskContainerFiles(Path.Combine(_root, "containers", containerId));

    private string RecordPath(string kind, string id) => kind == ImageStore.ContainerKind
        ? Path.Combine(_root, "containers", id, "config.v2.json")
        : Path.Combine(_root, "image", "overlay2", kind, FileName(id) + ".json");

    private static string FileName(string id) => id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : id;

    public override string? ReadRecord(string kind, string id)
    {
        string path = RecordPath(kind, id);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public override void WriteRecord(string kind, string id, string json)
    {
        string path = RecordPath(kind, id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        if (!(_durable && LinuxSyscalls.IsSupported))
        {
            File.WriteAllText(temporary, json);
            File.Move(temporary, path, overwrite: true);
            return;
        }

        // Durable: the record's data is on the disk before its name replaces the old one, and the
        // name is on the disk before this returns, as an atomic file write in Docker's layer store is.
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(json));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    public override void DeleteRecord(string kind, string id)
    {
        if (kind == ImageStore.ContainerKind)
        {
            string directory = Path.Combine(_root, "containers", id);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            return;
        }

        File.Delete(RecordPath(kind, id));
    }

    public override IEnumerable<string> ListRecords(string kind)
    {
        if (kind == ImageStore.ContainerKind)
        {
            return [.. Directory.EnumerateDirectories(Path.Combine(_root, "containers"))
                .Where(d => File.Exists(Path.Combine(d, "config.v2.json")))
                .Select(d => Path.GetFileName(d))];
        }

        return [.. Directory.EnumerateFiles(Path.Combine(_root, "image", "overlay2", kind), "*.json")
            .Select(f => Prefix + Path.GetFileNameWithoutExtension(f))];
    }

    private string RequireLayer(string cacheId)
    {
        string directory = LayerDirectory(cacheId);
        return Directory.Exists(Path.Combine(directory, "diff"))
            ? directory
            : throw new DirectoryNotFoundException($"Layer directory '{directory}' does not exist in the store.");
    }
}
