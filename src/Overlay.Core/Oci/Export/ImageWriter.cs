using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Overlay.Oci.Model;
using Overlay.Oci.Tar;

namespace Overlay.Oci.Export;

/// <summary>
/// Writes an image — layers bottom first plus a config — as a <c>docker save</c> archive or as an OCI
/// image layout, with every digest, diff_id and size computed from the bytes written. A commit is the
/// base image's layer tars plus one layer exported from an upper
/// (<see cref="ImageLayerSource.FromLayer"/>).
/// </summary>
/// <remarks>
/// Both writers build their output under a temporary name beside the destination and rename it into
/// place at the end: a failed or cancelled write leaves nothing behind.
/// </remarks>
public static class ImageWriter
{
    /// <summary>
    /// Writes a <c>docker save</c> archive in the layout <c>docker load</c> of every version reads
    /// (the one Docker wrote before version 25): <c>manifest.json</c>, <c>repositories</c>,
    /// <c>&lt;config digest&gt;.json</c> and one <c>&lt;id&gt;/{VERSION,json,layer.tar}</c> directory per
    /// layer with the uncompressed tar, whose sha256 is its diff_id.
    /// </summary>
    /// <param name="image">The layers and config.</param>
    /// <param name="path">The archive file to create or replace; its directory must exist.</param>
    /// <param name="progress">Told after every member of every exported layer and every blob.</param>
    /// <param name="cancellationToken">Stops the write; nothing is left behind.</param>
    /// <returns>The config, manifest and layer digests.</returns>
    public static ImageExportResult WriteDockerArchive(
        ImageExportRequest image,
        string path,
        IProgress<OciProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var full = Path.GetFullPath(path);
        var staging = StagingDirectory(full);
        try
        {
            var layers = StageLayers(image, staging, LayerCompression.None, progress, cancellationToken);
            var (config, configBytes) = BuildConfig(image, layers);
            var configDigest = Digest.Compute(configBytes);
            var manifestBytes = BuildManifest(configDigest, configBytes.Length, layers);
            var created = TarHeader.UnixSeconds(image.Created ?? DateTime.UnixEpoch);

            // v1 ids only name the layer directories; they are derived from the chain so that the same
            // image gives the same archive.
            var ids = new List<string>();
            Digest? chain = null;
            foreach (var layer in layers)
            {
                chain = chain is null ? layer.Result.DiffId : Digest.Compute(Encoding.ASCII.GetBytes(chain + " " + layer.Result.DiffId));
                ids.Add(Digest.Compute(Encoding.ASCII.GetBytes(configDigest + " " + chain)).Encoded);
            }

            var result = AtomicFile.Write(full, stream =>
            {
                using var tar = new TarWriter(stream, leaveOpen: true);
                for (var i = 0; i < layers.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var id = ids[i];
                    tar.WriteEntry(Header(id + "/", '5', 0x41ED, 0, created), null, cancellationToken);
                    WriteBytes(tar, id + "/VERSION", "1.0"u8.ToArray(), created, cancellationToken);
                    WriteBytes(tar, id + "/json", LegacyLayerJson(id, i == 0 ? null : ids[i - 1], image, config), created, cancellationToken);
                    using (var data = File.OpenRead(layers[i].Path))
                    {
                        tar.WriteEntry(Header(id + "/layer.tar", '0', 0x81A4, data.Length, created), data, cancellationToken);
                    }

                    progress?.Report(new OciProgress(OciProgressStage.Writing, $"layer {i + 1}/{layers.Count}", layers[i].Result.UncompressedSize, layers[i].Result.UncompressedSize, 0) { Entry = id + "/layer.tar" });
                }

                WriteBytes(tar, configDigest.Encoded + ".json", configBytes, created, cancellationToken);
                var entry = new DockerArchiveManifestEntry
                {
                    Config = configDigest.Encoded + ".json",
                    RepoTags = image.RepoTags.Count == 0 ? null : image.RepoTags,
                    Layers = [.. ids.Select(id => id + "/layer.tar")],
                };
                WriteBytes(tar, DockerArchiveManifestEntry.FileName, OciJson.SerializeToUtf8Bytes<DockerArchiveManifestEntry[]>([entry]), 0, cancellationToken);
                WriteBytes(tar, "repositories", Repositories(image.RepoTags, ids[^1]), 0, cancellationToken);
                tar.Finish();
                progress?.Report(new OciProgress(OciProgressStage.Writing, "manifest", 0, null, 0) { Entry = DockerArchiveManifestEntry.FileName });
                return new ImageExportResult
                {
                    ConfigDigest = configDigest,
                    ManifestDigest = Digest.Compute(manifestBytes),
                    Config = config,
                    Layers = [.. layers.Select(l => l.Result)],
                };
            });
            return result;
        }
        finally
        {
            AtomicFile.TryDelete(staging);
        }
    }

    /// <summary>
    /// Writes an OCI image layout directory: <c>oci-layout</c>, <c>index.json</c> (one manifest per
    /// tag, named by <c>org.opencontainers.image.ref.name</c>) and <c>blobs/sha256/</c> holding the
    /// layers (gzip unless <see cref="ImageExportRequest.OciLayoutCompression"/> says otherwise), the
    /// config and the manifest.
    /// </summary>
    /// <param name="image">The layers and config.</param>
    /// <param name="directory">The layout directory to create; it must not exist, its parent must.</param>
    /// <param name="progress">Told after every member of every exported layer and every blob.</param>
    /// <param name="cancellationToken">Stops the write; nothing is left behind.</param>
    /// <returns>The config, manifest and layer digests.</returns>
    /// <exception cref="IOException"><paramref name="directory"/> already exists.</exception>
    public static ImageExportResult WriteOciLayout(
        ImageExportRequest image,
        string directory,
        IProgress<OciProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var full = Path.GetFullPath(directory);
        if (Directory.Exists(full) || File.Exists(full))
        {
            throw new IOException($"'{full}' already exists: an OCI layout is written into a new directory.", 17);
        }

        var staging = StagingDirectory(full);
        try
        {
            var blobs = Path.Combine(staging, "blobs", "sha256");
            Directory.CreateDirectory(blobs);
            var layers = StageLayers(image, staging, image.OciLayoutCompression, progress, cancellationToken);
            foreach (var layer in layers)
            {
                File.Move(layer.Path, Path.Combine(blobs, layer.Result.Digest.Encoded), overwrite: true);
            }

            var (config, configBytes) = BuildConfig(image, layers);
            var configDigest = Digest.Compute(configBytes);
            File.WriteAllBytes(Path.Combine(blobs, configDigest.Encoded), configBytes);
            var manifestBytes = BuildManifest(configDigest, configBytes.Length, layers);
            var manifestDigest = Digest.Compute(manifestBytes);
            File.WriteAllBytes(Path.Combine(blobs, manifestDigest.Encoded), manifestBytes);
            File.WriteAllBytes(Path.Combine(staging, OciLayoutFile.FileName), OciJson.SerializeToUtf8Bytes(new OciLayoutFile()));
            var tags = image.RepoTags.Count == 0 ? [null] : image.RepoTags.Select(t => (string?)t).ToArray();
            var index = new OciImageIndex
            {
                MediaType = MediaTypes.OciImageIndex,
                Manifests = [.. tags.Select(tag => new OciDescriptor
                {
                    MediaType = MediaTypes.OciImageManifest,
                    Digest = manifestDigest,
                    Size = manifestBytes.Length,
                    Annotations = tag is null ? null : new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = tag },
                })],
            };
            File.WriteAllBytes(Path.Combine(staging, "index.json"), OciJson.SerializeToUtf8Bytes(index));
            cancellationToken.ThrowIfCancellationRequested();
            Directory.Move(staging, full);
            progress?.Report(new OciProgress(OciProgressStage.Writing, "manifest", 0, null, 0) { Entry = "index.json" });
            return new ImageExportResult
            {
                ConfigDigest = configDigest,
                ManifestDigest = manifestDigest,
                Config = config,
                Layers = [.. layers.Select(l => l.Result)],
            };
        }
        finally
        {
            AtomicFile.TryDelete(staging);
        }
    }

    private sealed record StagedLayer(string Path, LayerExportResult Result);

    /// <summary>Passes a layer's progress on synchronously, under the image's stage name.</summary>
    private sealed class StageRelay(IProgress<OciProgress> inner, string stage) : IProgress<OciProgress>
    {
        public void Report(OciProgress value) => inner.Report(value with { Item = stage });
    }

    private static string StagingDirectory(string destination)
    {
        var staging = AtomicFile.TempName(destination);
        Directory.CreateDirectory(staging);
        return staging;
    }

    private static List<StagedLayer> StageLayers(
        ImageExportRequest image,
        string staging,
        LayerCompression compression,
        IProgress<OciProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (image.LayersBottomFirst.Count == 0)
        {
            throw new ArgumentException("An image needs at least one layer.", nameof(image));
        }

        var staged = new List<StagedLayer>();
        for (var i = 0; i < image.LayersBottomFirst.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var source = image.LayersBottomFirst[i];
            var stage = $"layer {i + 1}/{image.LayersBottomFirst.Count}";
            var path = Path.Combine(staging, $"layer-{i}");
            LayerExportResult result;
            if (source.Layer is { } layer)
            {
                var relay = progress is null ? null : new StageRelay(progress, stage);
                result = LayerTarExporter.ExportToFile(layer, path, new LayerExportOptions { Compression = compression }, relay, cancellationToken);
            }
            else
            {
                result = CopyTar(source.TarPath!, path, compression, cancellationToken);
            }

            staged.Add(new StagedLayer(path, result));
            progress?.Report(new OciProgress(OciProgressStage.Completed, stage, result.UncompressedSize, result.UncompressedSize, result.EntryCount) { Entry = source.ToString() });
        }

        return staged;
    }

    /// <summary>Copies a layer tar (decompressing gzip), hashing the tar for its diff_id and the blob for its digest.</summary>
    private static LayerExportResult CopyTar(string source, string destination, LayerCompression compression, CancellationToken cancellationToken)
    {
        using var input = File.OpenRead(source);
        Span<byte> magic = stackalloc byte[2];
        var isGzip = input.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        input.Position = 0;
        using Stream tarStream = isGzip ? new GZipStream(input, CompressionMode.Decompress, leaveOpen: true) : input;
        return AtomicFile.Write(destination, output =>
        {
            using var blob = new DigestingStream(output, leaveOpen: true);
            Stream? gzip = compression == LayerCompression.Gzip ? new GZipStream(blob, CompressionLevel.Optimal, leaveOpen: true) : null;
            Digest diffId;
            long length;
            using (var tar = new DigestingStream(gzip ?? blob, leaveOpen: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = tarStream.Read(buffer)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    tar.Write(buffer.AsSpan(0, read));
                }

                diffId = tar.CurrentDigest();
                length = tar.BytesWritten;
            }

            gzip?.Dispose();
            return new LayerExportResult
            {
                DiffId = diffId,
                Digest = blob.CurrentDigest(),
                Size = blob.BytesWritten,
                UncompressedSize = length,
                Compression = compression,
                EntryCount = 0,
            };
        });
    }

    private static (OciImageConfig Config, byte[] Bytes) BuildConfig(ImageExportRequest image, List<StagedLayer> layers)
    {
        var baseConfig = image.BaseConfig;
        var created = FormatTime(image.Created ?? DateTime.UnixEpoch);
        var history = new List<OciHistory>(baseConfig?.History ?? []);
        var described = history.Count(h => h.EmptyLayer != true);
        for (var i = described; i < layers.Count; i++)
        {
            history.Add(new OciHistory { Created = created, CreatedBy = image.CreatedBy });
        }

        var config = new OciImageConfig
        {
            Created = created,
            Author = baseConfig?.Author,
            Architecture = baseConfig?.Architecture ?? GoArchitecture(),
            Variant = baseConfig?.Variant,
            OS = baseConfig?.OS ?? "linux",
            OSVersion = baseConfig?.OSVersion,
            Config = baseConfig?.Config,
            RootFs = new OciRootFs { DiffIds = [.. layers.Select(l => l.Result.DiffId)] },
            History = history,
            ExtensionData = baseConfig?.ExtensionData,
        };
        return (config, OciJson.SerializeToUtf8Bytes(config));
    }

    private static byte[] BuildManifest(Digest configDigest, long configSize, List<StagedLayer> layers) =>
        OciJson.SerializeToUtf8Bytes(new OciImageManifest
        {
            MediaType = MediaTypes.OciImageManifest,
            Config = new OciDescriptor { MediaType = MediaTypes.OciImageConfig, Digest = configDigest, Size = configSize },
            Layers = [.. layers.Select(l => l.Result.ToDescriptor())],
        });

    private static byte[] LegacyLayerJson(string id, string? parent, ImageExportRequest image, OciImageConfig config)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            if (parent is not null)
            {
                json.WriteString("parent", parent);
            }

            json.WriteString("created", FormatTime(image.Created ?? DateTime.UnixEpoch));
            json.WriteString("os", config.OS);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Repositories(IReadOnlyList<string> tags, string topId)
    {
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var reference in tags)
        {
            var colon = reference.LastIndexOf(':');
            var (repository, tag) = colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
            if (!repositories.TryGetValue(repository, out var byTag))
            {
                repositories[repository] = byTag = new SortedDictionary<string, string>(StringComparer.Ordinal);
            }

            byTag[tag] = topId;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (repository, byTag) in repositories)
            {
                json.WriteStartObject(repository);
                foreach (var (tag, id) in byTag)
                {
                    json.WriteString(tag, id);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static TarHeader Header(string name, char type, int mode, long size, long mtime) => new()
    {
        Name = name,
        TypeFlag = type,
        Mode = mode,
        Size = size,
        ModificationTime = mtime,
        UserName = "root",
        GroupName = "root",
    };

    private static void WriteBytes(TarWriter tar, string name, byte[] data, long mtime, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(data, writable: false);
        tar.WriteEntry(Header(name, '0', 0x81A4, data.Length, mtime), stream, cancellationToken);
    }

    private static string FormatTime(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string GoArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        Architecture.RiscV64 => "riscv64",
        _ => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
    };
}
