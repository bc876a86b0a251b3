namespace Overlay.Layers;

/// <summary>
/// A layer capability (<see cref="ILayer.GetCapability{TCapability}"/>) of an upper: its staging of
/// a file, and its discard of a staged object, may run while other calls of the layer run on other
/// threads. The overlay then copies a large lower file into the work area with its lock released,
/// and holds the lock only to publish the copy (with the upper's <see cref="IWritableLayer.Publish"/>).
/// An upper without it is called one call at a time, as <see cref="IWritableLayer"/> promises.
/// </summary>
public interface IConcurrentStaging
{
    /// <summary>As <see cref="IWritableLayer.StageFile"/>, callable beside the layer's other calls.</summary>
    /// <param name="content">The data to copy in, or <see langword="null"/> for an empty file.</param>
    /// <param name="metadata">The mode and times the file gets after its data is written.</param>
    /// <returns>A token the upper's <see cref="IWritableLayer.Publish"/> and <see cref="IWritableLayer.Discard"/> accept.</returns>
    string StageFile(Stream? content, LayerMetadata metadata);

    /// <summary>As <see cref="IWritableLayer.Discard"/>, callable beside the layer's other calls.</summary>
    /// <param name="token">The token from <see cref="StageFile"/>.</param>
    void Discard(string token);
}
