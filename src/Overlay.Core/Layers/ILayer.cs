namespace Overlay.Layers;

/// <summary>
/// A read-only layer: the few primitives the union engine needs from where a layer's bytes live.
/// </summary>
/// <remarks>
/// Paths are absolute inside the layer, '/'-separated, already normalised ("/", "/etc/hosts"); the
/// engine never passes "." or ".." components. A layer never follows symbolic links itself: links
/// are resolved by the engine, inside the merged view. A layer used as a lower must not change while
/// an overlay uses it (call <see cref="OverlayFileSystem.InvalidateIndex"/> after changing it).
/// </remarks>
public interface ILayer
{
    /// <summary>A name for this layer in traces and messages.</summary>
    string Name { get; }

    /// <summary>Looks up one path in this layer only, without following symbolic links.</summary>
    /// <param name="path">The absolute path inside the layer.</param>
    /// <param name="entry">The entry, when found.</param>
    /// <returns><see langword="true"/> when the layer holds an entry (a whiteout included) at the path.</returns>
    bool TryGetEntry(string path, out LayerEntry entry);

    /// <summary>Lists a directory of this layer only, whiteouts included, in any order.</summary>
    /// <param name="path">The absolute path of a directory inside the layer.</param>
    /// <returns>The entries; empty when the path is not a directory of this layer.</returns>
    IReadOnlyList<LayerEntry> ListDirectory(string path);

    /// <summary>Opens a regular file of this layer for reading.</summary>
    /// <param name="path">The absolute path of a file inside the layer.</param>
    /// <returns>A readable, seekable stream over the file's data.</returns>
    Stream OpenRead(string path);

    /// <summary>
    /// Asks the layer for an optional capability: one of the capability interfaces of this namespace
    /// (<see cref="IHostFileHandles"/>, <see cref="IWholeFileReads"/>, <see cref="IConcurrentStaging"/>,
    /// <see cref="IDirectoryRedirects"/>, <see cref="IWhiteoutRename"/>). The overlay never infers
    /// what a layer can do from its type: it asks here, and takes its general way when the answer
    /// is <see langword="null"/>.
    /// </summary>
    /// <remarks>
    /// By default the layer itself, when it implements the interface. A layer whose capability
    /// depends on its storage answers <see langword="null"/> when the storage cannot. A decorator
    /// (a layer that wraps another) forwards the capabilities it does not change to the layer it
    /// wraps, and answers with its own object, or <see langword="null"/>, for those whose paths or
    /// calls it changes.
    /// </remarks>
    /// <typeparam name="TCapability">The capability interface.</typeparam>
    /// <returns>The object that provides it, or <see langword="null"/> when the layer does not.</returns>
    TCapability? GetCapability<TCapability>()
        where TCapability : class => this as TCapability;
}
