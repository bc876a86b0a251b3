namespace Overlay.Images;

/// <summary>
/// One layer of an image, identified as Docker's layer store identifies it: by the digest of its
/// uncompressed content (diff_id), by its chain id (which also names every layer below it, so the
/// same content on another base is another layer), and by the random cache id that names its
/// overlay2 directory.
/// </summary>
/// <param name="DiffId">The layer's diff_id: "sha256:" and 64 hex digits.</param>
/// <param name="ChainId">The chain id: the diff_id for a bottom layer, else sha256("parent-chain-id diff_id").</param>
/// <param name="ParentChainId">The chain id of the layer below, or <see langword="null"/> for a bottom layer.</param>
/// <param name="CacheId">The overlay2 directory name: 64 random hex digits.</param>
public sealed record ImageLayer(string DiffId, string ChainId, string? ParentChainId, string CacheId);
