namespace Overlay.Images;

/// <summary>One layer of the layer store, as Docker's layerdb keeps it (<c>diff</c>, <c>parent</c>, <c>cache-id</c>).</summary>
internal sealed record LayerRecord(string ChainId, string DiffId, string? Parent, string CacheId);

/// <summary>One image: its config's digest is its id; its layers are its config's diff_ids, bottom first.</summary>
internal sealed record ImageRecord(string Id, string Config, List<string> DiffIds, List<string> Tags, string? Parent, string? Comment, DateTime Created);

/// <summary>One container: its image, its layer (mount id) and init layer, its hostname.</summary>
internal sealed record ContainerRecord(string Id, string Name, string ImageId, string MountId, string Hostname, DateTime Created);

/// <summary>A store's settings on disk (<c>image/overlay2/store.json</c>): fixed when it is first made.</summary>
internal sealed record StoreSettings(Overlay.Layers.WhiteoutForm WhiteoutForm);
