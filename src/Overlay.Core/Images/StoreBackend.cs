using Overlay.Layers;

namespace Overlay.Images;

/// <summary>Where an <see cref="ImageStore"/> keeps layer contents, container files and metadata.</summary>
internal abstract class StoreBackend : IDisposable
{
    /// <summary>The root shown in GraphDriver paths (<c>&lt;root&gt;/overlay2/&lt;id&gt;/diff</c>).</summary>
    public abstract string GraphRoot { get; }

    /// <summary>Makes a new, empty layer directory and opens it for writing.</summary>
    /// <param name="cacheId">Its directory name.</param>
    /// <param name="lowerCacheIdsTopFirst">The layers below it, topmost first (overlay2's <c>lower</c> file).</param>
    public abstract IWritableLayer CreateLayer(string cacheId, IReadOnlyList<string> lowerCacheIdsTopFirst);

    /// <summary>Opens an existing layer directory for writing (a container's layer).</summary>
    public abstract IWritableLayer OpenWritable(string cacheId);

    /// <summary>Opens an existing layer directory for reading (an image or init layer).</summary>
    public abstract ILayer OpenReadOnly(string cacheId);

    /// <summary>Fills a new, empty layer made by <see cref="CreateLayer"/> with every entry of <paramref name="content"/>.</summary>
    public virtual void Fill(string cacheId, IWritableLayer target, ILayer content, CancellationToken cancellationToken) =>
        LayerCopy.Copy(content, target);

    /// <summary>Marks a layer finished: overlay2's empty <c>committed</c> file; the writable handle is closed.</summary>
    public abstract void Commit(string cacheId, IWritableLayer layer);

    /// <summary>Closes a layer handle this backend opened.</summary>
    public abstract void Close(ILayer layer);

    /// <summary>Removes a layer directory and its short link.</summary>
    public abstract void DeleteLayer(string cacheId);

    /// <summary>Whether a layer directory exists.</summary>
    public abstract bool LayerExists(string cacheId);

    /// <summary>Creates a container's own files with their content.</summary>
    public abstract IContainerFiles CreateContainerFiles(string containerId, IReadOnlyDictionary<string, string> contents);

    /// <summary>Opens a container's own files.</summary>
    public abstract IContainerFiles OpenContainerFiles(string containerId);

    /// <summary>Reads one metadata record, or <see langword="null"/>.</summary>
    public abstract string? ReadRecord(string kind, string id);

    /// <summary>Writes one metadata record (replacing it in one step).</summary>
    public abstract void WriteRecord(string kind, string id, string json);

    /// <summary>Removes one metadata record.</summary>
    public abstract void DeleteRecord(string kind, string id);

    /// <summary>The ids of every record of a kind.</summary>
    public abstract IEnumerable<string> ListRecords(string kind);

    /// <inheritdoc />
    public virtual void Dispose()
    {
    }
}
