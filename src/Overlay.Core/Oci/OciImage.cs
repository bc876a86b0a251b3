using Overlay.Layers;
using Overlay.Oci.Model;

namespace Overlay.Oci;

/// <summary>
/// An image imported from a <c>docker save</c> archive (the legacy <c>manifest.json</c> +
/// <c>&lt;id&gt;/layer.tar</c> layout, or the OCI layout Docker writes since version 25) or an OCI
/// image layout (a directory or its tar), every digest verified; its layers open as lowers.
/// </summary>
/// <remarks>
/// Loading reads the index, the manifest and the configuration, checks each blob's digest and size
/// against its descriptor and each layer's uncompressed sha256 against the configuration's
/// <c>rootfs.diff_ids</c>, and indexes every layer (see <see cref="TarLayer"/>). Layer data stays
/// in the archive: nothing is extracted unless <see cref="ExtractLayers"/> is called. Any mismatch
/// or malformed input is an <see cref="InvalidDataException"/> naming the file or member.
/// </remarks>
public sealed class OciImage : IDisposable
{
    private readonly ImageSource _source;

    private OciImage(ImageSource source, OciImageConfig config, Digest configDigest, OciImageManifest? manifest, IReadOnlyList<string> repoTags, IReadOnlyList<OciImageLayer> layers)
    {
        _source = source;
        Config = config;
        ConfigDigest = configDigest;
        Manifest = manifest;
        RepoTags = repoTags;
        Layers = layers;
    }

    /// <summary>The image configuration.</summary>
    public OciImageConfig Config { get; }

    /// <summary>The configuration's digest: the image id.</summary>
    public Digest ConfigDigest { get; }

    /// <summary>The manifest, when the input had one (OCI layouts; not legacy <c>docker save</c> archives).</summary>
    public OciImageManifest? Manifest { get; }

    /// <summary>The image's tags, as <c>manifest.json</c> or the index's annotations name them.</summary>
    public IReadOnlyList<string> RepoTags { get; }

    /// <summary>The layers, bottom first.</summary>
    public IReadOnlyList<OciImageLayer> Layers { get; }

    /// <summary>The layers as lowers for an <see cref="OverlayFileSystem"/>: topmost first.</summary>
    public IReadOnlyList<ILayer> LowersTopFirst => Layers.Reverse().Select(l => (ILayer)l.Layer).ToArray();

    /// <summary>Loads an image and verifies every digest.</summary>
    /// <param name="path">A <c>docker save</c> tar, an OCI layout directory, or an OCI layout tar.</param>
    /// <param name="options">Which image, platform and layer limits; defaults when omitted.</param>
    /// <param name="progress">Receives verification, decompression and indexing progress.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The image; dispose it to release the archive and the layers' caches.</returns>
    /// <exception cref="InvalidDataException">The input is malformed, hostile, or a digest does not match.</exception>
    /// <exception cref="FileNotFoundException">The input, or a file it names, does not exist.</exception>
    public static OciImage Load(string path, OciImageLoadOptions? options = null, IProgress<OciProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OciImageLoadOptions();
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"No image at '{path}'.", path);
        }

        var source = ImageSource.Open(path, options.LayerOptions.Limits, cancellationToken);
        try
        {
            return source.Exists(OciLayoutFile.FileName) && source.Exists("index.json")
                ? LoadOciLayout(source, options, progress, cancellationToken)
                : source.Exists(DockerArchiveManifestEntry.FileName)
                    ? LoadDockerArchive(source, options, progress, cancellationToken)
                    : throw new InvalidDataException($"'{path}' is neither an OCI image layout (oci-layout, index.json) nor a docker save archive (manifest.json).");
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Extracts every layer into its own directory under <paramref name="directory"/>, named by
    /// the diff_id's hex digits, in the given whiteout form, and opens them as
    /// <see cref="HostDirectoryLayer"/>s. A layer already extracted there is reused.
    /// </summary>
    /// <param name="directory">The parent directory (created when missing).</param>
    /// <param name="form">The whiteout form to write.</param>
    /// <param name="progress">Receives extraction progress.</param>
    /// <param name="cancellationToken">Cancels the extraction (the layer being written leaves nothing behind).</param>
    /// <returns>The extracted layers, bottom first; the caller disposes them.</returns>
    public IReadOnlyList<HostDirectoryLayer> ExtractLayers(string directory, WhiteoutForm form = WhiteoutForm.Oci, IProgress<OciProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var result = new List<HostDirectoryLayer>();
        foreach (var layer in Layers)
        {
            string target = System.IO.Path.Combine(directory, layer.DiffId.Encoded);
            if (!Directory.Exists(target))
            {
                layer.Layer.ExtractTo(target, form, progress, cancellationToken);
            }

            result.Add(new HostDirectoryLayer(target, new HostDirectoryLayerOptions { Name = layer.DiffId.ToString(), WhiteoutForm = form }));
        }

        return result;
    }

    /// <summary>Releases the archive and the layers.</summary>
    public void Dispose()
    {
        foreach (var layer in Layers)
        {
            layer.Layer.Dispose();
        }

        _source.Dispose();
    }

    // ---- docker save (legacy)

    private static OciImage LoadDockerArchive(ImageSource source, OciImageLoadOptions options, IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        var entries = OciJson.Deserialize<DockerArchiveManifestEntry[]>(source.ReadAll(DockerArchiveManifestEntry.FileName, options.MaxDocumentSize), DockerArchiveManifestEntry.FileName);
        var entry = options.Reference is { } reference
            ? entries.FirstOrDefault(e => e.RepoTags?.Contains(reference) == true)
                ?? throw new InvalidDataException($"Image '{source.Path}': manifest.json has no image tagged '{reference}'.")
            : entries.Length == 1 ? entries[0]
            : throw new InvalidDataException($"Image '{source.Path}': manifest.json lists {entries.Length} images; name one (OciImageLoadOptions.Reference).");

        byte[] configBytes = source.ReadAll(entry.Config, options.MaxDocumentSize);
        var configDigest = Digest.Compute(configBytes);
        string configHex = System.IO.Path.GetFileNameWithoutExtension(entry.Config);
        if (configHex.Length == 64 && configHex != configDigest.Encoded)
        {
            throw new InvalidDataException($"Image '{source.Path}': digest mismatch for '{entry.Config}': its name says sha256:{configHex}, its bytes are {configDigest}.");
        }

        var config = OciJson.Deserialize<OciImageConfig>(configBytes, entry.Config);
        if (config.RootFs.DiffIds.Count != entry.Layers.Count)
        {
            throw new InvalidDataException($"Image '{source.Path}': manifest.json lists {entry.Layers.Count} layers, the configuration {config.RootFs.DiffIds.Count} diff_ids.");
        }

        var layers = new List<OciImageLayer>();
        try
        {
            for (int i = 0; i < entry.Layers.Count; i++)
            {
                var diffId = config.RootFs.DiffIds[i];
                var layer = OpenLayer(source, entry.Layers[i], diffId, null, options, progress, cancellationToken);
                var compression = layer.Compression;
                var digest = compression == LayerCompression.None ? diffId : source.Hash(entry.Layers[i]);
                string mediaType = compression switch
                {
                    LayerCompression.Gzip => MediaTypes.DockerLayerTarGzip,
                    LayerCompression.Zstd => MediaTypes.OciLayerTarZstd,
                    _ => MediaTypes.DockerLayerTar,
                };
                layers.Add(new OciImageLayer(diffId, digest, mediaType, source.LengthOf(entry.Layers[i]), layer));
            }
        }
        catch
        {
            layers.ForEach(l => l.Layer.Dispose());
            throw;
        }

        return new OciImage(source, config, configDigest, null, entry.RepoTags ?? [], layers);
    }

    // ---- OCI layout

    private static OciImage LoadOciLayout(ImageSource source, OciImageLoadOptions options, IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        var layout = OciJson.Deserialize<OciLayoutFile>(source.ReadAll(OciLayoutFile.FileName, options.MaxDocumentSize), OciLayoutFile.FileName);
        if (!layout.ImageLayoutVersion.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Image '{source.Path}': unsupported OCI layout version '{layout.ImageLayoutVersion}'.");
        }

        var index = OciJson.Deserialize<OciImageIndex>(source.ReadAll("index.json", options.MaxDocumentSize), "index.json");
        var (descriptor, tags) = ChooseManifest(source, index, options, "index.json", depth: 0);
        var manifestBytes = ReadBlob(source, descriptor, options);
        var manifest = OciJson.Deserialize<OciImageManifest>(manifestBytes, BlobPath(descriptor.Digest));
        var configBytes = ReadBlob(source, manifest.Config, options);
        var config = OciJson.Deserialize<OciImageConfig>(configBytes, BlobPath(manifest.Config.Digest));
        if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
        {
            throw new InvalidDataException($"Image '{source.Path}': manifest {descriptor.Digest} lists {manifest.Layers.Count} layers, the configuration {config.RootFs.DiffIds.Count} diff_ids.");
        }

        var layers = new List<OciImageLayer>();
        try
        {
            for (int i = 0; i < manifest.Layers.Count; i++)
            {
                var blob = manifest.Layers[i];
                var diffId = config.RootFs.DiffIds[i];
                string path = BlobPath(blob.Digest);
                if (MediaTypes.LayerCompressionOf(blob.MediaType) is null)
                {
                    throw new InvalidDataException($"Image '{source.Path}': layer {blob.Digest} has media type '{blob.MediaType}', not a layer tar.");
                }

                CheckSize(source, blob, path);
                progress?.Report(new OciProgress(OciProgressStage.Verifying, path, 0, blob.Size, 0));
                var actual = source.Hash(path);
                if (actual != blob.Digest)
                {
                    throw new InvalidDataException($"Image '{source.Path}': digest mismatch for layer blob '{path}': the manifest says {blob.Digest}, its bytes are {actual}.");
                }

                var layer = OpenLayer(source, path, diffId, blob.Digest, options, progress, cancellationToken);
                layers.Add(new OciImageLayer(diffId, blob.Digest, blob.MediaType!, blob.Size, layer));
            }
        }
        catch
        {
            layers.ForEach(l => l.Layer.Dispose());
            throw;
        }

        return new OciImage(source, config, manifest.Config.Digest, manifest, tags, layers);
    }

    private static (OciDescriptor Manifest, IReadOnlyList<string> Tags) ChooseManifest(ImageSource source, OciImageIndex index, OciImageLoadOptions options, string what, int depth)
    {
        if (depth > 4)
        {
            throw new InvalidDataException($"Image '{source.Path}': image indexes nest deeper than 4 levels.");
        }

        var candidates = index.Manifests.Where(m => m.Platform is null
            || ((m.Platform.OS is null || m.Platform.OS == options.OperatingSystem)
                && (options.Architecture is null || m.Platform.Architecture == options.Architecture))).ToList();
        if (options.Reference is { } reference && depth == 0)
        {
            candidates = candidates.Where(m => RefNames(m).Contains(reference)).ToList();
            if (candidates.Count == 0)
            {
                throw new InvalidDataException($"Image '{source.Path}': {what} has no image named '{reference}'.");
            }
        }
        else if (depth == 0 && candidates.Select(RefNames).Where(n => n.Count > 0).Select(n => n[0]).Distinct().Count() > 1)
        {
            throw new InvalidDataException($"Image '{source.Path}': {what} lists several images; name one (OciImageLoadOptions.Reference).");
        }

        var chosen = candidates.FirstOrDefault(m => MediaTypes.IsManifest(m.MediaType) || MediaTypes.IsIndex(m.MediaType))
            ?? throw new InvalidDataException($"Image '{source.Path}': {what} has no image manifest for {options.OperatingSystem}/{options.Architecture ?? "any"}.");
        var tags = RefNames(chosen);
        if (MediaTypes.IsIndex(chosen.MediaType))
        {
            var nested = OciJson.Deserialize<OciImageIndex>(ReadBlob(source, chosen, options), BlobPath(chosen.Digest));
            var (manifest, nestedTags) = ChooseManifest(source, nested, options, BlobPath(chosen.Digest), depth + 1);
            return (manifest, tags.Count > 0 ? tags : nestedTags);
        }

        return (chosen, tags);
    }

    private static List<string> RefNames(OciDescriptor descriptor) =>
        descriptor.Annotations is not { } annotations ? []
            : new[] { "io.containerd.image.name", "org.opencontainers.image.ref.name" }
                .Where(annotations.ContainsKey).Select(k => annotations[k]).ToList();

    private static string BlobPath(Digest digest) => "blobs/sha256/" + digest.Encoded;

    private static byte[] ReadBlob(ImageSource source, OciDescriptor descriptor, OciImageLoadOptions options)
    {
        string path = BlobPath(descriptor.Digest);
        CheckSize(source, descriptor, path);
        byte[] data = source.ReadAll(path, options.MaxDocumentSize);
        var actual = Digest.Compute(data);
        return actual == descriptor.Digest
            ? data
            : throw new InvalidDataException($"Image '{source.Path}': digest mismatch for '{path}': the descriptor says {descriptor.Digest}, its bytes are {actual}.");
    }

    private static void CheckSize(ImageSource source, OciDescriptor descriptor, string path)
    {
        long length = source.LengthOf(path);
        if (length != descriptor.Size)
        {
            throw new InvalidDataException($"Image '{source.Path}': size mismatch for '{path}': the descriptor says {descriptor.Size} bytes, the blob has {length}.");
        }
    }

    private static TarLayer OpenLayer(ImageSource source, string path, Digest diffId, Digest? blobDigest, OciImageLoadOptions options, IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        var (handle, offset, length, owned) = source.OpenRange(path);
        TarLayer layer;
        try
        {
            layer = TarLayer.Open(System.IO.Path.Combine(source.Path, path), handle, offset, length, owned, options.LayerOptions with { Name = options.LayerOptions.Name ?? diffId.ToString() }, progress, cancellationToken);
        }
        catch
        {
            if (owned)
            {
                handle.Dispose();
            }

            throw;
        }

        try
        {
            // A plain blob already checked against a digest equal to the diff_id needs no second hash.
            if (!(layer.Compression == LayerCompression.None && blobDigest == diffId))
            {
                progress?.Report(new OciProgress(OciProgressStage.Verifying, path, 0, layer.UncompressedLength, 0));
                var actual = layer.ComputeDiffId();
                if (actual != diffId)
                {
                    throw new InvalidDataException($"Image '{source.Path}': diff_id mismatch for layer '{path}': the configuration says {diffId}, the uncompressed tar is {actual}.");
                }
            }

            return layer;
        }
        catch
        {
            layer.Dispose();
            throw;
        }
    }
}
