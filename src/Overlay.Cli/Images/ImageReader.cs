using Overlay.Layers;
using Overlay.Oci;

namespace Overlay.Cli.Images;

/// <summary>
/// Opens what the tool accepts as IMAGE: a <c>docker save</c> archive or an OCI image layout
/// (directory or tar), read with <see cref="OciImage.Load"/> (every digest verified), or layers given
/// as directories or layer tars, several joined by ':' topmost first as the kernel's <c>lowerdir=</c>
/// lists them (directories in the OCI whiteout form, tars read in place by <see cref="TarLayer"/>).
/// </summary>
internal sealed class ImageReader
{
    private readonly Action<string, long, long>? _progress;

    /// <param name="progress">Told (item, done, total) while archives are verified and indexed.</param>
    public ImageReader(Action<string, long, long>? progress = null)
    {
        _progress = progress;
    }

    public OpenedImage Open(string image) => Open(image, ImageReading.Default);

    public OpenedImage Open(string image, ImageReading reading)
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

        var disposables = new List<IDisposable>();
        try
        {
            var layers = new List<ImageLayer>();
            if (parts.Length == 1 && IsImage(parts[0]))
            {
                var loaded = OciImage.Load(parts[0], new OciImageLoadOptions
                {
                    Reference = reading.Reference,
                    LayerOptions = new LayerTarOptions { SpecialFiles = reading.SpecialFiles },
                }, Progress());
                disposables.Add(loaded);
                foreach (var (layer, index) in loaded.Layers.Select((l, i) => (l, i)))
                {
                    layers.Add(new ImageLayer(index, layer.DiffId.ToString(), layer.Layer.UncompressedLength, layer.Digest.ToString(),
                        new NamedLayer(ImageLayer.NameOf(index), layer.Layer)));
                }
            }
            else if (reading.Reference is not null)
            {
                throw new CliException(ExitCode.Usage, $"{image}: --ref {reading.Reference} names an image in an archive, but this is {(parts.Length == 1 ? "a layer" : "a list of layers")}.");
            }
            else
            {
                // Layers given one by one, topmost first: number them bottom first.
                var bottomFirst = parts.Reverse().ToArray();
                for (int i = 0; i < bottomFirst.Length; i++)
                {
                    var layer = Directory.Exists(bottomFirst[i]) ? DirectoryLayer(i, bottomFirst[i]) : TarLayerOf(i, bottomFirst[i], reading.SpecialFiles);
                    disposables.Add((IDisposable)layer.Layer);
                    layers.Add(layer);
                }
            }

            return new OpenedImage(image, layers, disposables);
        }
        catch (Exception e)
        {
            foreach (var disposable in disposables)
            {
                disposable.Dispose();
            }

            throw e switch
            {
                CliException => e,
                FileNotFoundException or DirectoryNotFoundException => new CliException(ExitCode.InputNotFound, $"{image}: {e.Message}", e),
                InvalidDataException when e.Message.Contains(SeveralImages, StringComparison.Ordinal) =>
                    new CliException(ExitCode.Usage, $"{image}: {e.Message.Replace(SeveralImages, "name one with --ref", StringComparison.Ordinal)}", e),
                InvalidDataException or FormatException or EndOfStreamException => new CliException(ExitCode.NotAnImage, $"{image}: not an image or a layer ({e.Message})", e),
                NotSupportedException => new CliException(ExitCode.NotAnImage, $"{image}: {e.Message}", e),
                _ => e,
            };
        }
    }

    private Progress<OciProgress>? Progress() =>
        _progress is null ? null : new Progress<OciProgress>(p => _progress(p.Item, p.BytesProcessed, p.TotalBytes ?? p.BytesProcessed));

    // The words OciImage.Load uses when an archive holds several images and none is named.
    private const string SeveralImages = "name one (OciImageLoadOptions.Reference)";

    private const int MaxManifestSize = 4 << 20;

    /// <summary>
    /// Whether IMAGE is an image archive rather than one layer, decided by structure: an OCI layout
    /// has <c>oci-layout</c>, <c>index.json</c> and <c>blobs/</c>; a docker save archive has a
    /// <c>manifest.json</c> listing a config and layers that are all there. A layer tar whose top
    /// level happens to hold a file of one of those names is still a layer.
    /// </summary>
    internal static bool IsImage(string path)
    {
        if (Directory.Exists(path))
        {
            return IsImage(
                name => File.Exists(Path.Combine(path, name)),
                prefix => Directory.Exists(Path.Combine(path, prefix)),
                () => File.ReadAllBytes(Path.Combine(path, "manifest.json")));
        }

        try
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var directories = new HashSet<string>(StringComparer.Ordinal);
            byte[]? manifest = null;
            using (var stream = File.OpenRead(path))
            using (var reader = new System.Formats.Tar.TarReader(stream))
            {
                while (reader.GetNextEntry() is { } entry)
                {
                    string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                    name = name.TrimEnd('/');
                    names.Add(name);
                    int slash = name.IndexOf('/', StringComparison.Ordinal);
                    if (slash > 0)
                    {
                        directories.Add(name[..slash]);
                    }
                    else if (entry.EntryType is System.Formats.Tar.TarEntryType.Directory)
                    {
                        directories.Add(name);
                    }

                    if (name == "manifest.json" && entry.DataStream is { } data && entry.Length <= MaxManifestSize)
                    {
                        using var copy = new MemoryStream();
                        data.CopyTo(copy);
                        manifest = copy.ToArray();
                    }
                }
            }

            return IsImage(names.Contains, directories.Contains, () => manifest ?? []);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            // Not a plain tar: a compressed layer, or not an archive at all (TarLayer.Open tells which).
            return false;
        }
    }

    private static bool IsImage(Func<string, bool> fileExists, Func<string, bool> directoryExists, Func<byte[]> manifest)
    {
        if (fileExists("oci-layout") && fileExists("index.json") && directoryExists("blobs"))
        {
            return true;
        }

        if (!fileExists("manifest.json"))
        {
            return false;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(manifest());
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                return false;
            }

            foreach (var image in document.RootElement.EnumerateArray())
            {
                if (image.ValueKind != System.Text.Json.JsonValueKind.Object
                    || !image.TryGetProperty("Config", out var config) || config.ValueKind != System.Text.Json.JsonValueKind.String
                    || !fileExists(config.GetString()!)
                    || !image.TryGetProperty("Layers", out var layers) || layers.ValueKind != System.Text.Json.JsonValueKind.Array
                    || layers.EnumerateArray().Any(l => l.ValueKind != System.Text.Json.JsonValueKind.String || !fileExists(l.GetString()!)))
                {
                    return false;
                }
            }

            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            // A manifest.json that is not JSON is a layer's file, not an archive's manifest.
            return false;
        }
    }

    private static ImageLayer DirectoryLayer(int index, string directory)
    {
        var full = Path.GetFullPath(directory);
        long size = new DirectoryInfo(full).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        var layer = new HostDirectoryLayer(full, new HostDirectoryLayerOptions { Name = ImageLayer.NameOf(index) });
        return new ImageLayer(index, string.Empty, size, full, layer);
    }

    private ImageLayer TarLayerOf(int index, string file, SpecialFileHandling specialFiles)
    {
        var layer = TarLayer.Open(file, new LayerTarOptions { Name = ImageLayer.NameOf(index), SpecialFiles = specialFiles }, Progress());
        try
        {
            return new ImageLayer(index, layer.ComputeDiffId().ToString(), layer.UncompressedLength, file, layer);
        }
        catch
        {
            layer.Dispose();
            throw;
        }
    }
}
