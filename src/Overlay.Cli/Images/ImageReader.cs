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

        var disposables = new List<IDisposable>();
        try
        {
            var layers = new List<ImageLayer>();
            if (parts.Length == 1 && IsImage(parts[0]))
            {
                var loaded = OciImage.Load(parts[0], progress: Progress());
                disposables.Add(loaded);
                foreach (var (layer, index) in loaded.Layers.Select((l, i) => (l, i)))
                {
                    layers.Add(new ImageLayer(index, layer.DiffId.ToString(), layer.Layer.UncompressedLength, layer.Digest.ToString(),
                        new NamedLayer(ImageLayer.NameOf(index), layer.Layer)));
                }
            }
            else
            {
                // Layers given one by one, topmost first: number them bottom first.
                var bottomFirst = parts.Reverse().ToArray();
                for (int i = 0; i < bottomFirst.Length; i++)
                {
                    var layer = Directory.Exists(bottomFirst[i]) ? DirectoryLayer(i, bottomFirst[i]) : TarLayerOf(i, bottomFirst[i]);
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
                InvalidDataException or FormatException or EndOfStreamException => new CliException(ExitCode.NotAnImage, $"{image}: not an image or a layer ({e.Message})", e),
                NotSupportedException => new CliException(ExitCode.NotAnImage, $"{image}: {e.Message}", e),
                _ => e,
            };
        }
    }

    private Progress<OciProgress>? Progress() =>
        _progress is null ? null : new Progress<OciProgress>(p => _progress(p.Item, p.BytesProcessed, p.TotalBytes ?? p.BytesProcessed));

    // An image is a directory with oci-layout or manifest.json, or a tar holding one of them; any other
    // tar is a layer.
    private static bool IsImage(string path)
    {
        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, "oci-layout")) || File.Exists(Path.Combine(path, "manifest.json"));
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new System.Formats.Tar.TarReader(stream);
            while (reader.GetNextEntry() is { } entry)
            {
                string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (name is "manifest.json" or "oci-layout" or "index.json")
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            // Not a plain tar: a compressed layer, or not an archive at all (TarLayer.Open tells which).
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

    private ImageLayer TarLayerOf(int index, string file)
    {
        var layer = TarLayer.Open(file, new LayerTarOptions { Name = ImageLayer.NameOf(index) }, Progress());
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
