using System.Globalization;
using System.Text;
using System.Text.Json;
using Overlay.Layers;
using Overlay.Oci.Export;

namespace Overlay.Images;

/// <summary>
/// Docker's image storage: a layer store (layers identified by diff_id and chain id, kept in
/// overlay2 directories under random cache ids), images (stacks of those layers), and containers
/// (an image's layers under an init layer and a writable layer of their own). In memory
/// (<see cref="CreateInMemory"/>) or on disk in overlay2's layout (<see cref="Open"/>).
/// </summary>
/// <remarks>
/// A facade over three parts, each a folder of Docker's data root: the layer store
/// (<see cref="LayerStore"/>, layerdb), the image records (<see cref="ImageRecords"/>, imagedb) and
/// the container records (<see cref="ContainerRecords"/>); this class holds the lock and the rules
/// that span them (what uses a layer, what a container is made of).
/// Layers are shared: two images with the same bottom layers use the same directories. A layer an
/// image, a container or another layer still uses cannot be deleted. Safe to use from many
/// threads; one container is open at most once at a time.
/// </remarks>
public sealed partial class ImageStore : IDisposable
{
    internal const string LayerKind = "layerdb";
    internal const string ImageKind = "imagedb";
    internal const string ContainerKind = "containers";

    private readonly StoreBackend _backend;
    private readonly LayerStore _layers;
    private readonly ImageRecords _images;
    private readonly ContainerRecords _containers;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Container> _open = new(StringComparer.Ordinal);

    private ImageStore(StoreBackend backend, TimeProvider clock)
    {
        _backend = backend;
        _clock = clock;
        _layers = new LayerStore(backend);
        _images = new ImageRecords(backend);
        _containers = new ContainerRecords(backend);
    }

    /// <summary>Creates an empty store that lives in memory, for tests and short-lived uses.</summary>
    /// <param name="options">Settings; the defaults when omitted.</param>
    /// <returns>The store.</returns>
    public static ImageStore CreateInMemory(ImageStoreOptions? options = null)
    {
        options ??= new ImageStoreOptions();
        return new ImageStore(new MemoryStoreBackend(options.GraphRoot.TrimEnd('/'), options.Clock), options.Clock);
    }

    /// <summary>
    /// Opens the store in a directory (Docker's data root, e.g. <c>/var/lib/docker</c>), creating it
    /// when missing. What an earlier store left there (images, containers and their writes) is there.
    /// </summary>
    /// <param name="root">The store's root directory.</param>
    /// <param name="options">Settings; the defaults when omitted.</param>
    /// <returns>The store.</returns>
    public static ImageStore Open(string root, ImageStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new ImageStoreOptions();
        root = Path.GetFullPath(root);
        Directory.CreateDirectory(root);
        string settings = Path.Combine(root, "image", "overlay2", "store.json");
        WhiteoutForm form;
        if (File.Exists(settings))
        {
            form = JsonSerializer.Deserialize(File.ReadAllText(settings), StoreJsonContext.Default.StoreSettings)!.WhiteoutForm;
        }
        else
        {
            form = options.WhiteoutForm
                ?? (OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess ? WhiteoutForm.Kernel : WhiteoutForm.Oci);
            Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
            File.WriteAllText(settings, JsonSerializer.Serialize(new StoreSettings(form), StoreJsonContext.Default.StoreSettings));
        }

        if (form == WhiteoutForm.None)
        {
            throw new ArgumentException("A store's layers need a whiteout form that stores whiteouts: Kernel or Oci.", nameof(options));
        }

        return new ImageStore(new DiskStoreBackend(root, form, options.Durable), options.Clock);
    }

    /// <summary>The root that GraphDriver paths start with: the directory on disk, or the nominal root of a store in memory.</summary>
    public string GraphRoot => _backend.GraphRoot;

    // ---- Images

    /// <summary>Every image in the store.</summary>
    public IReadOnlyList<Image> Images
    {
        get
        {
            lock (_gate)
            {
                return [.. _images.All().Select(ToImage).OrderBy(i => i.Created)];
            }
        }
    }

    /// <summary>Every layer in the store.</summary>
    public IReadOnlyList<ImageLayer> Layers
    {
        get
        {
            lock (_gate)
            {
                return [.. _layers.All().Select(LayerStore.ToLayer)];
            }
        }
    }

    /// <summary>
    /// Adds an image made of the given layers. Each layer's content is copied into the store (a
    /// layer already there with the same chain id is shared, not copied again).
    /// </summary>
    /// <param name="layersBottomFirst">The layers' contents, bottom first, as a manifest lists them.</param>
    /// <param name="diffIds">
    /// Their diff_ids (the sha256 of each uncompressed layer tar, as an image config lists them), or
    /// <see langword="null"/> to compute them: the sha256 of the layer tar Docker would write for each.
    /// </param>
    /// <param name="tag">A name for the image (e.g. "dockres/base:1"), or <see langword="null"/>.</param>
    /// <param name="comment">A comment kept with the image, or <see langword="null"/>.</param>
    /// <param name="progress">
    /// Told while each layer's diff_id is computed (stage <see cref="Oci.OciProgressStage.Exporting"/>,
    /// item <c>"layer i/n"</c>, one report per member) and when each layer is in the store
    /// (<see cref="Oci.OciProgressStage.Completed"/>); synchronously, on the calling thread.
    /// </param>
    /// <param name="cancellationToken">Checked before each layer and while a layer is copied; a cancelled add leaves no image and no half-copied layer.</param>
    /// <returns>The image.</returns>
    /// <exception cref="ArgumentException">The diff_ids do not match the layers, or one is not a sha256 digest.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Image AddImage(IReadOnlyList<ILayer> layersBottomFirst, IReadOnlyList<string>? diffIds = null, string? tag = null, string? comment = null, IProgress<Oci.OciProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layersBottomFirst);
        if (diffIds is not null && diffIds.Count != layersBottomFirst.Count)
        {
            throw new ArgumentException($"{diffIds.Count} diff_ids were given for {layersBottomFirst.Count} layers.", nameof(diffIds));
        }

        if (diffIds?.FirstOrDefault(d => !Digests.IsDigest(d)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a diff_id: a diff_id is 'sha256:' and 64 lowercase hex digits.", nameof(diffIds));
        }

        lock (_gate)
        {
            string? parent = null;
            var ids = new List<string>();
            for (int i = 0; i < layersBottomFirst.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string item = $"layer {i + 1}/{layersBottomFirst.Count}";
                string diffId = diffIds?[i] ?? DiffIdOf(layersBottomFirst[i], item, progress, cancellationToken);
                parent = _layers.Register(layersBottomFirst[i], diffId, parent, cancellationToken).ChainId;
                progress?.Report(new Oci.OciProgress(Oci.OciProgressStage.Completed, item, 0, null, 0) { Entry = diffId });
                ids.Add(diffId);
            }

            return SaveImage(ids, tag, parentImage: null, comment);
        }
    }

    /// <summary>Finds an image by id (full, or its first hex digits) or by tag.</summary>
    /// <param name="idOrTag">The id, an id prefix of at least 4 hex digits, or a tag.</param>
    /// <returns>The image.</returns>
    /// <exception cref="KeyNotFoundException">No such image.</exception>
    public Image GetImage(string idOrTag)
    {
        lock (_gate)
        {
            return ToImage(_images.Find(idOrTag));
        }
    }

    /// <summary>Adds a tag to an image (taking it from any image that had it).</summary>
    /// <param name="idOrTag">The image.</param>
    /// <param name="tag">The new tag.</param>
    /// <returns>The image with its new tag.</returns>
    public Image Tag(string idOrTag, string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        lock (_gate)
        {
            var record = _images.Find(idOrTag);
            _images.Untag(tag);
            record = _images.Read(record.Id)!;
            record.Tags.Add(tag);
            _images.Write(record);
            return ToImage(record);
        }
    }

    /// <summary>
    /// Deletes an image, and the layers no other image uses. Fails while a container uses the
    /// image, as <c>docker rmi</c> does.
    /// </summary>
    /// <param name="idOrTag">The image.</param>
    /// <exception cref="InvalidOperationException">A container uses the image.</exception>
    public void DeleteImage(string idOrTag)
    {
        lock (_gate)
        {
            var image = _images.Find(idOrTag);
            if (_containers.All().FirstOrDefault(c => c.ImageId == image.Id) is { } user)
            {
                throw new InvalidOperationException($"Image '{idOrTag}' ({image.Id}) cannot be deleted: container '{user.Name}' ({user.Id}) uses it.");
            }

            _images.Delete(image.Id);
            foreach (string chainId in LayerStore.ChainIds(image.DiffIds).Reverse())
            {
                if (WhoUsesLayer(chainId) is not null)
                {
                    break;
                }

                _layers.Remove(chainId);
            }
        }
    }

    /// <summary>Deletes a layer. Fails while an image, a container or a layer above it uses it.</summary>
    /// <param name="chainId">The layer's chain id.</param>
    /// <exception cref="KeyNotFoundException">No such layer.</exception>
    /// <exception cref="InvalidOperationException">The layer is in use: the message says by what.</exception>
    public void DeleteLayer(string chainId)
    {
        lock (_gate)
        {
            if (_layers.Read(chainId) is null)
            {
                throw new KeyNotFoundException($"Layer '{chainId}' is not in the store.");
            }

            if (WhoUsesLayer(chainId) is { } user)
            {
                throw new InvalidOperationException($"Layer '{chainId}' cannot be deleted: {user} uses it.");
            }

            _layers.Remove(chainId);
        }
    }

    // ---- Containers

    /// <summary>The ids of every container in the store.</summary>
    public IReadOnlyList<string> ContainerIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _containers.All().OrderBy(c => c.Created).Select(c => c.Id)];
            }
        }
    }

    /// <summary>
    /// Creates a container from an image, as <c>docker create</c> does, and opens it: a new
    /// writable layer over the image's init layer, and the container's own hostname, hosts and
    /// resolv.conf files.
    /// </summary>
    /// <param name="imageIdOrTag">The image.</param>
    /// <param name="options">Settings; the defaults when omitted.</param>
    /// <returns>The open container; dispose it to close it.</returns>
    public Container CreateContainer(string imageIdOrTag, ContainerOptions? options = null)
    {
        options ??= new ContainerOptions();
        string id;
        lock (_gate)
        {
            var image = ToImage(_images.Find(imageIdOrTag));
            id = Digests.RandomId();
            string mountId = Digests.RandomId();
            string name = options.Name ?? id[..12];
            if (!ValidName().IsMatch(name))
            {
                throw new ArgumentException($"Invalid container name '{name}': as Docker requires, [a-zA-Z0-9][a-zA-Z0-9_.-]* only.", nameof(options));
            }

            if (_containers.All().Any(c => c.Name == name))
            {
                throw new InvalidOperationException($"The container name '{name}' is already in use.");
            }

            var imageCacheIds = ImageCacheIdsTopFirst(image);
            string hostname = options.Hostname ?? id[..12];
            try
            {
                var init = _backend.CreateLayer(mountId + "-init", imageCacheIds);
                var lowers = imageCacheIds.Select(_backend.OpenReadOnly).ToList();
                try
                {
                    InitLayer.Build(init, lowers, _clock);
                }
                catch
                {
                    _backend.Close(init);
                    throw;
                }
                finally
                {
                    lowers.ForEach(_backend.Close);
                }

                _backend.Commit(mountId + "-init", init);
                _backend.Close(_backend.CreateLayer(mountId, [mountId + "-init", .. imageCacheIds]));
                _backend.CreateContainerFiles(id, new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["hostname"] = hostname + "\n",
                    ["hosts"] = options.Hosts ?? DefaultHosts,
                    ["resolv.conf"] = options.ResolvConf ?? string.Empty,
                });
            }
            catch
            {
                // Nothing half-made stays behind: no layer directory, no short link, no files.
                _backend.DeleteLayer(mountId);
                _backend.DeleteLayer(mountId + "-init");
                _backend.DeleteRecord(ContainerKind, id);
                throw;
            }

            var record = new ContainerRecord(id, name, image.Id, mountId, hostname, _clock.GetUtcNow().UtcDateTime);
            _containers.Write(record);
        }

        return OpenContainer(id);
    }

    /// <summary>
    /// Opens a container by id (full or a prefix) or name: its merged view shows everything it
    /// wrote before it was closed, as a restarted Docker container does.
    /// </summary>
    /// <param name="idOrName">The container.</param>
    /// <returns>The open container; dispose it to close it.</returns>
    /// <exception cref="KeyNotFoundException">No such container.</exception>
    /// <exception cref="InvalidOperationException">The container is open already.</exception>
    public Container OpenContainer(string idOrName)
    {
        lock (_gate)
        {
            var record = _containers.Find(idOrName);
            if (_open.ContainsKey(record.Id))
            {
                throw new InvalidOperationException($"Container '{record.Name}' ({record.Id}) is open already: close it first.");
            }

            var image = ToImage(_images.Read(record.ImageId)
                ?? throw new InvalidDataException($"Container '{record.Name}' uses image '{record.ImageId}', which is not in the store."));
            var lowers = new List<ILayer>();
            IWritableLayer? upper = null;
            try
            {
                lowers.Add(_backend.OpenReadOnly(record.MountId + "-init"));
                lowers.AddRange(ImageCacheIdsTopFirst(image).Select(_backend.OpenReadOnly));
                upper = _backend.OpenWritable(record.MountId);
                var container = new Container(this, record, image, lowers, upper, _backend.OpenContainerFiles(record.Id), GraphDriverOf(record.MountId, image), _clock);
                _open.Add(record.Id, container);
                return container;
            }
            catch
            {
                lowers.ForEach(_backend.Close);
                if (upper is not null)
                {
                    _backend.Close(upper);
                }

                throw;
            }
        }
    }

    /// <summary>Deletes a closed container: its layer, its init layer and its own files.</summary>
    /// <param name="idOrName">The container.</param>
    /// <exception cref="InvalidOperationException">The container is open.</exception>
    public void DeleteContainer(string idOrName)
    {
        lock (_gate)
        {
            var record = _containers.Find(idOrName);
            if (_open.ContainsKey(record.Id))
            {
                throw new InvalidOperationException($"Container '{record.Name}' ({record.Id}) is open: close it before deleting it.");
            }

            _backend.DeleteLayer(record.MountId);
            _backend.DeleteLayer(record.MountId + "-init");
            _containers.Delete(record.Id);
        }
    }

    /// <summary>Closes every open container.</summary>
    public void Dispose()
    {
        List<Container> open;
        lock (_gate)
        {
            open = [.. _open.Values];
        }

        open.ForEach(c => c.Dispose());
        _backend.Dispose();
    }

    // ---- Used by Container

    internal void Closed(Container container, IEnumerable<ILayer> layers)
    {
        lock (_gate)
        {
            foreach (var layer in layers)
            {
                _backend.Close(layer);
            }

            _open.Remove(container.Id);
        }
    }

    internal Image CommitLayer(Image image, ILayer upper, string? tag, string? comment, string containerId, IProgress<Oci.OciProgress>? progress, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            string diffId = DiffIdOf(upper, "layer", progress, cancellationToken);
            _layers.Register(upper, diffId, image.TopChainId, cancellationToken);
            progress?.Report(new Oci.OciProgress(Oci.OciProgressStage.Completed, "layer", 0, null, 0) { Entry = diffId });
            return SaveImage([.. image.Layers.Select(l => l.DiffId), diffId], tag, image.Id, comment, containerId);
        }
    }

    // ---- Layers

    /// <summary>A layer's diff_id: the sha256 of the layer tar Docker writes for it (<see cref="LayerTarExporter"/>).</summary>
    private static string DiffIdOf(ILayer layer, string item, IProgress<Oci.OciProgress>? progress, CancellationToken cancellationToken)
    {
        var relay = progress is null ? null : new ItemRelay(progress, item);
        return LayerTarExporter.Export(layer, Stream.Null, progress: relay, cancellationToken: cancellationToken).DiffId.ToString();
    }

    /// <summary>Passes a layer export's progress on, named after the layer of the image it is.</summary>
    private sealed class ItemRelay(IProgress<Oci.OciProgress> inner, string item) : IProgress<Oci.OciProgress>
    {
        public void Report(Oci.OciProgress value) => inner.Report(value with { Item = item });
    }

    private string? WhoUsesLayer(string chainId)
    {
        var images = _images.All();
        if (images.FirstOrDefault(i => LayerStore.ChainIds(i.DiffIds).Contains(chainId)) is { } image)
        {
            return $"image {ImageRecords.Describe(image)}";
        }

        if (_containers.All().FirstOrDefault(c => _images.Read(c.ImageId) is { } i && LayerStore.ChainIds(i.DiffIds).Contains(chainId)) is { } container)
        {
            return $"container '{container.Name}' ({container.Id})";
        }

        if (_layers.ChildOf(chainId) is { } child)
        {
            return $"layer '{child.ChainId}' (its parent)";
        }

        return null;
    }

    private List<string> ImageCacheIdsTopFirst(Image image) =>
        image.TopChainId is { } top ? _layers.CacheIdsTopFirst(top) : [];

    private GraphDriverData GraphDriverOf(string mountId, Image image)
    {
        string Dir(string id, string part) => $"{GraphRoot}/overlay2/{id}/{part}";
        var lowers = new[] { mountId + "-init" }.Concat(ImageCacheIdsTopFirst(image)).Select(id => Dir(id, "diff"));
        return new GraphDriverData(string.Join(':', lowers), Dir(mountId, "merged"), Dir(mountId, "diff"), Dir(mountId, "work"));
    }

    // ---- Records

    private Image SaveImage(List<string> diffIds, string? tag, string? parentImage, string? comment, string? containerId = null)
    {
        var created = _clock.GetUtcNow().UtcDateTime;
        string config = ImageConfig(diffIds, parentImage, comment, containerId, created);
        string id = Digests.Sha256(Encoding.UTF8.GetBytes(config));
        if (tag is not null)
        {
            _images.Untag(tag);
        }

        var record = _images.Read(id) ?? new ImageRecord(id, config, diffIds, [], parentImage, comment, created);
        if (tag is not null && !record.Tags.Contains(tag))
        {
            record.Tags.Add(tag);
        }

        _images.Write(record);
        return ToImage(record);
    }

    // The image config Docker writes (the fields this store knows); the image id is its digest.
    private static string ImageConfig(List<string> diffIds, string? parent, string? comment, string? containerId, DateTime created)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("architecture", "amd64");
            if (comment is not null)
            {
                json.WriteString("comment", comment);
            }

            if (containerId is not null)
            {
                json.WriteString("container", containerId);
            }

            json.WriteString("created", created.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
            json.WriteString("os", "linux");
            if (parent is not null)
            {
                json.WriteString("parent", parent);
            }

            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            diffIds.ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private Image ToImage(ImageRecord record)
    {
        var layers = new List<ImageLayer>();
        string? parent = null;
        foreach (string chainId in LayerStore.ChainIds(record.DiffIds))
        {
            var layer = _layers.Read(chainId) ?? throw new InvalidDataException($"Image '{record.Id}' uses layer '{chainId}', which is not in the store.");
            layers.Add(new ImageLayer(layer.DiffId, layer.ChainId, parent, layer.CacheId));
            parent = chainId;
        }

        return new Image(record.Id, record.Config, layers, [.. record.Tags], record.Parent, record.Comment, record.Created);
    }

    private const string DefaultHosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial System.Text.RegularExpressions.Regex ValidName();
}
