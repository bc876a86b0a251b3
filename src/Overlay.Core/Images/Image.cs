namespace Overlay.Images;

/// <summary>An image of an <see cref="ImageStore"/>: read-only layers, bottom first, and its names.</summary>
public sealed class Image
{
    internal Image(string id, string config, IReadOnlyList<ImageLayer> layers, IReadOnlyList<string> tags, string? parent, string? comment, DateTime created)
    {
        Id = id;
        Config = config;
        Layers = layers;
        Tags = tags;
        Parent = parent;
        Comment = comment;
        Created = created;
    }

    /// <summary>The image id: "sha256:" and the digest of its <see cref="Config"/>, as Docker names images.</summary>
    public string Id { get; }

    /// <summary>The image's config JSON, whose <c>rootfs.diff_ids</c> list its layers.</summary>
    public string Config { get; }

    /// <summary>The layers, bottom first, as a manifest and the config's diff_ids list them.</summary>
    public IReadOnlyList<ImageLayer> Layers { get; }

    /// <summary>The names the image is tagged with (e.g. "dockres/base:1").</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The id of the image this one was committed from, or <see langword="null"/>.</summary>
    public string? Parent { get; }

    /// <summary>The comment given when the image was made, or <see langword="null"/>.</summary>
    public string? Comment { get; }

    /// <summary>When the image was made, UTC.</summary>
    public DateTime Created { get; }

    /// <summary>The chain id of the top layer, which names the whole stack; <see langword="null"/> for an image without layers.</summary>
    public string? TopChainId => Layers.Count == 0 ? null : Layers[^1].ChainId;

    /// <inheritdoc />
    public override string ToString() => Tags.Count > 0 ? $"{Tags[0]} ({Id[..19]})" : Id;
}
