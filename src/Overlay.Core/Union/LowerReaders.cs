using Overlay.Layers;

namespace Overlay.Union;

/// <summary>The read streams open on lower files, by path, so a copy-up can move them to the upper copy.</summary>
internal sealed class LowerReaders
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<LowerReadStream>> _byPath = new(StringComparer.Ordinal);

    public LowerReadStream Open(Stream lowerStream, string path)
    {
        var stream = new LowerReadStream(lowerStream, path, this);
        lock (_gate)
        {
            if (!_byPath.TryGetValue(path, out var list))
            {
                _byPath[path] = list = [];
            }

            list.Add(stream);
        }

        return stream;
    }

    public void Remove(LowerReadStream stream)
    {
        lock (_gate)
        {
            if (_byPath.TryGetValue(stream.Path, out var list) && list.Remove(stream) && list.Count == 0)
            {
                _byPath.Remove(stream.Path);
            }
        }
    }

    /// <summary>The lower file at the path was copied up: its readers continue on the upper copy.</summary>
    public void Redirect(string path, IWritableLayer upper)
    {
        LowerReadStream[] readers;
        lock (_gate)
        {
            if (!_byPath.Remove(path, out var list))
            {
                return;
            }

            readers = [.. list];
        }

        foreach (var reader in readers)
        {
            reader.SwitchTo(upper.OpenFile(path, FileAccess.Read));
        }
    }

    /// <summary>A directory moved while lower files under it stay in the lowers: their readers follow the new path.</summary>
    public void Rename(string sourceDirectory, string destinationDirectory)
    {
        string prefix = sourceDirectory + "/";
        lock (_gate)
        {
            foreach (var path in _byPath.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                _byPath.Remove(path, out var list);
                string moved = destinationDirectory + path[sourceDirectory.Length..];
                foreach (var reader in list!)
                {
                    reader.Path = moved;
                }

                if (_byPath.TryGetValue(moved, out var existing))
                {
                    existing.AddRange(list);
                }
                else
                {
                    _byPath[moved] = list;
                }
            }
        }
    }

    /// <summary>The lower file at the path left the merged view: its readers keep the lower data, like an fd on an unlinked file.</summary>
    public void Forget(string path)
    {
        lock (_gate)
        {
            _byPath.Remove(path);
        }
    }
}
