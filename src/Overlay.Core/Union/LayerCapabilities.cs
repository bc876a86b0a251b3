using Overlay.Layers;

namespace Overlay.Union;

/// <summary>
/// What one layer of the stack said it can do, asked once when the overlay is built (a layer stack
/// is immutable): the capability objects of <see cref="ILayer.GetCapability{TCapability}"/>, each
/// null when the layer does not offer it and the engine takes its general way.
/// </summary>
internal sealed class LayerCapabilities
{
    private LayerCapabilities(ILayer layer)
    {
        HostFiles = layer.GetCapability<IHostFileHandles>();
        WholeFiles = layer.GetCapability<IWholeFileReads>();
        DirectReads = layer.GetCapability<IDirectFileReads>();
        Staging = layer.GetCapability<IConcurrentStaging>();
        Redirects = layer.GetCapability<IDirectoryRedirects>();
        WhiteoutRename = layer.GetCapability<IWhiteoutRename>();
        Unix = layer.GetCapability<IUnixMetadata>();
        UnixWrites = layer.GetCapability<IUnixMetadataWrites>();
        EntryCache = layer.GetCapability<IUpperEntryCache>();
    }

    /// <summary>Native handles of host files (File.OpenHandle, the drive's sizes).</summary>
    public IHostFileHandles? HostFiles { get; }

    /// <summary>Whole-file reads with no stream between (File.ReadAllBytes).</summary>
    public IWholeFileReads? WholeFiles { get; }

    /// <summary>Whole-file reads by path in one walk of an in-memory tree (an upper's files read with no lookup of their own).</summary>
    public IDirectFileReads? DirectReads { get; }

    /// <summary>An upper's staging beside its other calls (a large copy-up outside the lock).</summary>
    public IConcurrentStaging? Staging { get; }

    /// <summary>An upper's directory redirects (redirect_dir=on).</summary>
    public IDirectoryRedirects? Redirects { get; }

    /// <summary>An upper's one-step rename that leaves a whiteout (RENAME_WHITEOUT).</summary>
    public IWhiteoutRename? WhiteoutRename { get; }

    /// <summary>Owners, extended attributes, hard-link identity and device numbers.</summary>
    public IUnixMetadata? Unix { get; }

    /// <summary>An upper's owners, attributes, hard links and special files (copy-up keeps them).</summary>
    public IUnixMetadataWrites? UnixWrites { get; }

    /// <summary>An upper's knowledge of its own directories, kept between calls while the overlay is its only writer.</summary>
    public IUpperEntryCache? EntryCache { get; }

    public static LayerCapabilities Of(ILayer layer) => new(layer);
}
