namespace Overlay.Layers;

/// <summary>Steps any writable layer can take with its own primitives.</summary>
internal static class WritableLayers
{
    /// <summary>A rename, then a whiteout published at the old name: two steps, for layers that have no one-step way.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="sourcePath">The entry to move.</param>
    /// <param name="destinationPath">Its new path.</param>
    public static void RenameThenWhiteout(IWritableLayer layer, string sourcePath, string destinationPath)
    {
        layer.Rename(sourcePath, destinationPath);
        string token = layer.StageWhiteout();
        try
        {
            layer.Publish(token, sourcePath, keepParentTimes: false);
        }
        catch
        {
            layer.Discard(token);
            throw;
        }
    }
}
