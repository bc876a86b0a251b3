namespace Overlay.Layers;

/// <summary>
/// A writable layer that can say its <see cref="IWritableLayer.StageFile"/> and
/// <see cref="IWritableLayer.Discard"/> may run while other calls of the layer run on other
/// threads: the overlay then copies a large lower file into the work area outside its lock, and
/// holds the lock only to publish the copy. Any other layer is called one call at a time, as the
/// interface promises.
/// </summary>
internal interface IStagesConcurrently
{
    /// <summary>Whether staging may run beside the layer's other calls.</summary>
    bool StagesConcurrently { get; }
}
