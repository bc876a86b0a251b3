using System.Text.Json;
using Overlay.Layers;

namespace Overlay.Images;

/// <summary>
/// The layer store: layers by chain id (layerdb records) and their content in directories named by
/// random cache ids. A layer already there with the same chain id is shared, never copied again.
/// Not thread-safe: <see cref="ImageStore"/> calls it under its lock.
/// </summary>
internal sealed class LayerStore(StoreBackend backend)
{
    private const string Kind = ImageStore.LayerKind;

    /// <summary>The chain ids of a stack of diff_ids, bottom first.</summary>
    public static IEnumerable<string> ChainIds(IEnumerable<string> diffIds)
    {
        string? chain = null;
        foreach (string diffId in diffIds)
        {
            chain = Digests.ChainId(chain, diffId);
            yield return chain;
        }
    }

    public static ImageLayer ToLayer(LayerRecord record) => new(record.DiffId, record.ChainId, record.Parent, record.CacheId);

    public LayerRecord? Read(string chainId) =>
        backend.ReadRecord(Kind, chainId) is { } json ? JsonSerializer.Deserialize(json, StoreJsonContext.Default.LayerRecord) : null;

    public IEnumerable<LayerRecord> All() => backend.ListRecords(Kind).Select(id => Read(id)!);

    /// <summary>Stores a layer's content over its parent, or finds it stored already.</summary>
    public ImageLayer Register(ILayer content, string diffId, string? parentChainId, CancellationToken cancellationToken)
    {
        string chainId = Digests.ChainId(parentChainId, diffId);
        if (Read(chainId) is { } existing && backend.LayerExists(existing.CacheId))
        {
            return ToLayer(existing);
        }

        string cacheId = Digests.RandomId();
        var lowers = parentChainId is null ? [] : CacheIdsTopFirst(parentChainId);
        var target = backend.CreateLayer(cacheId, lowers);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            backend.Fill(cacheId, target, content, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            backend.Commit(cacheId, target);
        }
        catch
        {
            backend.Close(target);
            backend.DeleteLayer(cacheId);
            throw;
        }

        var record = new LayerRecord(chainId, diffId, parentChainId, cacheId);
        backend.WriteRecord(Kind, chainId, JsonSerializer.Serialize(record, StoreJsonContext.Default.LayerRecord));
        return ToLayer(record);
    }

    /// <summary>Removes a layer's directory and its record.</summary>
    public void Remove(string chainId)
    {
        var record = Read(chainId)!;
        backend.DeleteLayer(record.CacheId);
        backend.DeleteRecord(Kind, chainId);
    }

    /// <summary>The layer whose parent this one is, if any.</summary>
    public LayerRecord? ChildOf(string chainId) => All().FirstOrDefault(l => l.Parent == chainId);

    /// <summary>The cache ids of a layer and every layer below it, topmost first.</summary>
    public List<string> CacheIdsTopFirst(string chainId)
    {
        var ids = new List<string>();
        for (string? id = chainId; id is not null;)
        {
            var record = Read(id) ?? throw new InvalidDataException($"Layer '{id}' is missing from the store.");
            ids.Add(record.CacheId);
            id = record.Parent;
        }

        return ids;
    }
}
