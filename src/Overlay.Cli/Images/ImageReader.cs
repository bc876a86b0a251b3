using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Overlay.Layers;

namespace Overlay.Cli.Images;

/// <summary>
/// Opens what the tool accepts as IMAGE: a <c>docker save</c> archive (or its unpacked directory), an
/// OCI image layout (directory or tar), or layers given as directories or layer tars, several joined
/// by ':' topmost first as the kernel's <c>lowerdir=</c> lists them. Layer tars are unpacked into a
/// scratch directory and read as OCI-form layers (whiteouts as <c>.wh.</c> files), as Docker's
/// overlay2 driver unpacks them before mounting.
/// </summary>
internal sealed class ImageReader
{
    private readonly Action<string, int, int>? _progress;

    /// <param name="progress">Told (step, done, total) as layers are unpacked.</param>
    public ImageReader(Action<string, int, int>? progress = null)
    {
        _progress = progress;
    }

    public OpenedImage Open(string image)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            throw new CliException(ExitCode.Usage, "IMAGE is empty: give a docker save archive, an OCI layout, or layer directories/tars joined by ':'.");
        }

        var parts = image.Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            if (!File.Exists(part) && !Directory.Exists(part))
            {
                throw new CliException(ExitCode.InputNotFound, $"{part}: no such file or directory.");
            }
        }

        string scratch = Directory.CreateTempSubdirectory("overlay-cli-").FullName;
        var layers = new List<ImageLayer>();
        try
        {
            if (parts.Length == 1 && Directory.Exists(parts[0]) && File.Exists(Path.Combine(parts[0], "oci-layout")))
            {
                OpenOciLayout(parts[0], scratch, layers);
            }
            else if (parts.Length == 1 && Directory.Exists(parts[0]) && File.Exists(Path.Combine(parts[0], "manifest.json")))
            {
                OpenDockerSave(parts[0], scratch, layers);
            }
            else if (parts.Length == 1 && File.Exists(parts[0]) && ArchiveKind(parts[0]) is { } kind && kind != "layer")
            {
                string unpacked = Path.Combine(scratch, "archive");
                Extract(parts[0], unpacked, parts[0]);
                if (kind == "oci")
                {
                    OpenOciLayout(unpacked, scratch, layers);
                }
                else
                {
                    OpenDockerSave(unpacked, scratch, layers);
                }
            }
            else
            {
                // Layers given one by one, topmost first: number them bottom first.
                var bottomFirst = parts.Reverse().ToArray();
                for (int i = 0; i < bottomFirst.Length; i++)
                {
                    _progress?.Invoke("unpacking layers", i, bottomFirst.Length);
                    layers.Add(Directory.Exists(bottomFirst[i])
                        ? DirectoryLayer(i, bottomFirst[i])
                        : TarLayer(i, bottomFirst[i], bottomFirst[i], scratch));
                }
            }

            _progress?.Invoke("unpacking layers", layers.Count, layers.Count);
            if (layers.Count == 0)
            {
                throw new CliException(ExitCode.NotAnImage, $"{image}: the image has no layers.");
            }

            return new OpenedImage(image, layers, scratch);
        }
        catch
        {
            foreach (var layer in layers)
            {
                (layer.Layer as IDisposable)?.Dispose();
            }

            Directory.Delete(scratch, recursive: true);
            throw;
        }
    }

    // ---- docker save

    private void OpenDockerSave(string root, string scratch, List<ImageLayer> layers)
    {
        using var manifest = ReadJson(Path.Combine(root, "manifest.json"));
        if (manifest.RootElement.ValueKind != JsonValueKind.Array || manifest.RootElement.GetArrayLength() == 0
            || !manifest.RootElement[0].TryGetProperty("Layers", out var layerPaths) || layerPaths.ValueKind != JsonValueKind.Array)
        {
            throw new CliException(ExitCode.NotAnImage, $"{root}: manifest.json is not a docker save manifest (an array of {{Config, Layers}}).");
        }

        var paths = layerPaths.EnumerateArray().Select(p => p.GetString() ?? string.Empty).ToArray();
        for (int i = 0; i < paths.Length; i++)
        {
            _progress?.Invoke("unpacking layers", i, paths.Length);
            string tar = Contained(root, paths[i]);
            if (!File.Exists(tar))
            {
                throw new CliException(ExitCode.NotAnImage, $"{root}: manifest.json names layer '{paths[i]}', which the archive does not hold.");
            }

            layers.Add(TarLayer(i, tar, paths[i], scratch));
        }
    }

    // ---- OCI image layout

    private void OpenOciLayout(string root, string scratch, List<ImageLayer> layers)
    {
        using var index = ReadJson(Path.Combine(root, "index.json"));
        var manifestDescriptor = FirstManifest(root, index.RootElement);
        using var manifest = ReadJson(Blob(root, manifestDescriptor));
        if (!manifest.RootElement.TryGetProperty("layers", out var descriptors) || descriptors.ValueKind != JsonValueKind.Array)
        {
            throw new CliException(ExitCode.NotAnImage, $"{root}: the image manifest has no layers array.");
        }

        var all = descriptors.EnumerateArray().ToArray();
        for (int i = 0; i < all.Length; i++)
        {
            _progress?.Invoke("unpacking layers", i, all.Length);
            string blob = Blob(root, all[i]);
            string source = all[i].GetProperty("digest").GetString()!;
            layers.Add(TarLayer(i, blob, source, scratch));
        }
    }

    private static JsonElement FirstManifest(string root, JsonElement index)
    {
        // An index may point at a nested index (as skopeo and buildx write them): follow to a manifest.
        for (int depth = 0; depth < 4; depth++)
        {
            if (!index.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array || manifests.GetArrayLength() == 0)
            {
                throw new CliException(ExitCode.NotAnImage, $"{root}: index.json lists no manifest.");
            }

            var first = manifests[0];
            string mediaType = first.TryGetProperty("mediaType", out var type) ? type.GetString() ?? string.Empty : string.Empty;
            if (!mediaType.Contains("index", StringComparison.Ordinal) && !mediaType.Contains("manifest.list", StringComparison.Ordinal))
            {
                return first;
            }

            index = JsonDocument.Parse(File.ReadAllBytes(Blob(root, first))).RootElement.Clone();
        }

        throw new CliException(ExitCode.NotAnImage, $"{root}: index.json nests indexes too deeply.");
    }

    private static string Blob(string root, JsonElement descriptor)
    {
        string digest = descriptor.TryGetProperty("digest", out var d) ? d.GetString() ?? string.Empty : string.Empty;
        int colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || digest.AsSpan(colon + 1).ContainsAny("/\\.".AsSpan()))
        {
            throw new CliException(ExitCode.NotAnImage, $"{root}: '{digest}' is not a digest.");
        }

        string path = Path.Combine(root, "blobs", digest[..colon], digest[(colon + 1)..]);
        if (!File.Exists(path))
        {
            throw new CliException(ExitCode.NotAnImage, $"{root}: blob {digest} is missing.");
        }

        return path;
    }

    // ---- Layers

    private static ImageLayer DirectoryLayer(int index, string directory)
    {
        var full = Path.GetFullPath(directory);
        long size = new DirectoryInfo(full).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        var layer = new HostDirectoryLayer(full, new HostDirectoryLayerOptions { Name = ImageLayer.NameOf(index) });
        return new ImageLayer(index, string.Empty, size, full, layer);
    }

    private static ImageLayer TarLayer(int index, string file, string source, string scratch)
    {
        // A compressed layer is inflated first: its digest (diff_id) is the uncompressed tar's.
        string tar = file;
        if (IsGzip(file))
        {
            tar = Path.Combine(scratch, $"layer-{index}.tar");
            using var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
            using var output = File.Create(tar);
            try
            {
                input.CopyTo(output);
            }
            catch (InvalidDataException e)
            {
                throw new CliException(ExitCode.NotAnImage, $"{source}: corrupt gzip data ({e.Message}).", e);
            }
        }

        string digest;
        long size;
        using (var stream = File.OpenRead(tar))
        {
            size = stream.Length;
            digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        string directory = Path.Combine(scratch, $"layer-{index}");
        Extract(tar, directory, source);
        var layer = new HostDirectoryLayer(directory, new HostDirectoryLayerOptions { Name = ImageLayer.NameOf(index) });
        return new ImageLayer(index, digest, size, source, layer);
    }

    private static void Extract(string tar, string directory, string source)
    {
        Directory.CreateDirectory(directory);
        try
        {
            TarFile.ExtractToDirectory(tar, directory, overwriteFiles: true);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or IOException and not FileNotFoundException)
        {
            throw new CliException(ExitCode.NotAnImage, $"{source}: not a readable tar archive ({e.Message}).", e);
        }
    }

    /// <summary>"docker" or "oci" for an image archive, "layer" for a layer tar; refuses what is not a tar.</summary>
    private static string? ArchiveKind(string file)
    {
        if (IsGzip(file))
        {
            return "layer";
        }

        try
        {
            using var stream = File.OpenRead(file);
            using var reader = new TarReader(stream);
            bool sawIndex = false, sawLayout = false, any = false;
            while (reader.GetNextEntry() is { } entry)
            {
                any = true;
                string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                switch (name)
                {
                    case "manifest.json":
                        return "docker";
                    case "oci-layout":
                        sawLayout = true;
                        break;
                    case "index.json":
                        sawIndex = true;
                        break;
                }
            }

            if (!any)
            {
                throw new CliException(ExitCode.NotAnImage, $"{file}: not a tar archive (no entries).");
            }

            return sawIndex && sawLayout ? "oci" : "layer";
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new CliException(ExitCode.NotAnImage, $"{file}: not a tar archive ({e.Message}).", e);
        }
    }

    private static bool IsGzip(string file)
    {
        using var stream = File.OpenRead(file);
        Span<byte> magic = stackalloc byte[2];
        return stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static JsonDocument ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCode.NotAnImage, $"{path}: missing.");
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCode.NotAnImage, $"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private static string Contained(string root, string relative)
    {
        string full = Path.GetFullPath(Path.Combine(root, relative));
        string prefix = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new CliException(ExitCode.NotAnImage, $"{root}: manifest.json names '{relative}', outside the archive.");
        }

        return full;
    }
}
