namespace Overlay.Layers;

/// <summary>
/// A layer capability (<see cref="ILayer.GetCapability{TCapability}"/>) of an upper: it can rename
/// an entry and leave a whiteout at the old name in one step (the kernel's <c>RENAME_WHITEOUT</c>).
/// Without it the overlay renames, then publishes a whiteout.
/// </summary>
public interface IWhiteoutRename
{
    /// <summary>Renames an entry and leaves a whiteout at its old name.</summary>
    /// <param name="sourcePath">The entry to move; a whiteout takes its place.</param>
    /// <param name="destinationPath">Its new path; the parent exists. Whatever it held is replaced.</param>
    void RenameLeavingWhiteout(string sourcePath, string destinationPath);
}
