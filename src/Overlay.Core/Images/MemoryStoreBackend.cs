using Overlay.Layers;

namespace Overlay.Images;

/// <summary>An image store's storage in memory: each layer a <see cref="MemoryLayer"/>, records as JSON strings.</summary>
internal sealed class MemoryStoreBackend(string graphRoot, TimeProvider clock) : StoreBackend
{
    private readonly Dictionary<string, MemoryLayer> _layers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemoryContainerFiles> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Id), string> _records = [];
    private readonly Lock _gate = new();

    public override string GraphRoot => graphRoot;

    public override IWritableLayer CreateLayer(string cacheId, IReadOnlyList<string> lowerCacheIdsTopFirst)
    {
        lock (_gate)
        {
            var layer = new MemoryLayer(cacheId, clock);
            _layers.Add(cacheId, layer);
            return layer;
        }
    }

    public override IWritableLayer OpenWritable(string cacheId) => Get(cacheId);

    public override ILayer OpenReadOnly(string cacheId) => Get(cacheId);

    public override void Commit(string cacheId, IWritableLayer layer)
    {
    }

    public override void Close(ILayer layer)
    {
    }

    public override void DeleteLayer(string cacheId)
    {
        lock (_gate)
        {
            _layers.Remove(cacheId);
        }
    }

    public override bool LayerExists(string cacheId)
    {
        lock (_gate)
        {
            return _layers.ContainsKey(cacheId);
        }
    }

    public override IContainerFiles CreateContainerFiles(string containerId, IReadOnlyDictionary<string, string> contents)
    {
        var files = new MemoryContainerFiles(graphRoot + "/containers/" + containerId);
        foreach (var (name, content) in contents)
        {
            files.Write(name, content);
        }

        lock (_gate)
        {
            _files[containerId] = files;
        }

        return files;
    }

    public override IContainerFiles OpenContainerFiles(string containerId)
    {
        lock (_gate)
        {
            return _files[containerId];
        }
    }

    public override string? ReadRecord(string kind, string id)
    {
        lock (_gate)
        {
            return _records.GetValueOrDefault((kind, id));
        }
    }

    public override void WriteRecord(string kind, string id, string json)
    {
        lock (_gate)
        {
            _records[(kind, id)] = json;
        }
    }

    public override void DeleteRecord(string kind, string id)
    {
        lock (_gate)
        {
            _records.Remove((kind, id));
            if (kind == ImageStore.ContainerKind)
            {
                _files.Remove(id);
            }
        }
    }

    public override IEnumerable<string> ListRecords(string kind)
    {
        lock (_gate)
        {
            return [.. _records.Keys.Where(k => k.Kind == kind).Select(k => k.Id)];
        }
    }

    private MemoryLayer Get(string cacheId)
    {
        lock (_gate)
        {
            return _layers.TryGetValue(cacheId, out var layer)
                ? layer
                : throw new DirectoryNotFoundException($"Layer directory '{graphRoot}/overlay2/{cacheId}' does not exist in the store.");
        }
    }
}
