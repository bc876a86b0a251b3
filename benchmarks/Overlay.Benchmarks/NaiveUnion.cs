namespace Overlay.Benchmarks;

/// <summary>
/// The baseline a union without an index is: every lookup probes the layers one by one, topmost
/// first, until one holds the name or hides it with an OCI whiteout (<c>.wh.name</c>), with one
/// System.IO call per probe. No caching, no copy-up: only what the read benchmarks need.
/// </summary>
public sealed class NaiveUnion
{
    private readonly string[] _layers;

    public NaiveUnion(string[] layersTopFirst)
    {
        _layers = layersTopFirst;
    }

    /// <summary>The host path of the topmost file at <paramref name="relative"/>, or null.</summary>
    public string? Find(string relative)
    {
        int slash = relative.LastIndexOf('/');
        string whiteout = relative[..(slash + 1)] + ".wh." + relative[(slash + 1)..];
        foreach (var layer in _layers)
        {
            string candidate = Path.Join(layer, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            if (Directory.Exists(candidate) || File.Exists(Path.Join(layer, whiteout)))
            {
                return null;
            }
        }

        return null;
    }

    public bool FileExists(string relative) => Find(relative) is not null;

    public long Length(string relative) =>
        Find(relative) is { } host ? new FileInfo(host).Length : throw new FileNotFoundException(null, relative);

    public byte[] ReadAllBytes(string relative) =>
        Find(relative) is { } host ? File.ReadAllBytes(host) : throw new FileNotFoundException(null, relative);

    /// <summary>Every file of the merged tree: each layer listed, names merged top first.</summary>
    public int CountFiles(string relativeDirectory = "")
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        int files = 0;
        foreach (var layer in _layers)
        {
            string host = Path.Join(layer, relativeDirectory);
            if (!Directory.Exists(host))
            {
                continue;
            }

            foreach (var entry in new DirectoryInfo(host).EnumerateFileSystemInfos())
            {
                if (!seen.Add(entry.Name) || entry.Name.StartsWith(".wh.", StringComparison.Ordinal))
                {
                    continue;
                }

                if (entry is DirectoryInfo)
                {
                    directories.Add(entry.Name);
                }
                else
                {
                    files++;
                }
            }
        }

        foreach (var directory in directories)
        {
            files += CountFiles(relativeDirectory.Length == 0 ? directory : relativeDirectory + "/" + directory);
        }

        return files;
    }
}
