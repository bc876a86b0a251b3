namespace Overlay.Cli.Inspection;

/// <summary>One name of the merged tree with its provenance, or a name a whiteout hides.</summary>
/// <param name="Name">The entry's name ("/" for the root).</param>
/// <param name="Path">Its merged path.</param>
/// <param name="Kind">file, directory, symlink, whiteout (a whited-out name), or hidden (a name of a lower copy under an opaque directory, listed with --hidden).</param>
/// <param name="Layer">The layer the entry comes from; for a whiteout, the layer holding the whiteout; for a hidden name, the layer holding it.</param>
/// <param name="Merges">For a directory: the layers whose copies merge beneath it, topmost first.</param>
/// <param name="Shadows">The layers below that also hold the name but are not seen through it.</param>
/// <param name="OpaqueIn">For a directory: the layer whose copy is opaque (nothing below it merges), if any; for a hidden name, the layer of the opaque directory hiding it.</param>
/// <param name="Size">A file's length in bytes.</param>
/// <param name="LinkTarget">A symbolic link's target.</param>
/// <param name="Children">A directory's entries, sorted by name.</param>
internal sealed record TreeEntry(
    string Name,
    string Path,
    string Kind,
    string? Layer,
    IReadOnlyList<string> Merges,
    IReadOnlyList<string> Shadows,
    string? OpaqueIn,
    long? Size,
    string? LinkTarget,
    IReadOnlyList<TreeEntry> Children);
