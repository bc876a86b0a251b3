namespace Overlay.Layers;

/// <summary>
/// Which file a name stands for inside one layer, and how many names that file has: two names of a
/// layer with the same <see cref="FileId"/> are hard links of one file.
/// </summary>
/// <param name="FileId">The file's number inside its layer (an inode number, or the layer's own numbering); never 0.</param>
/// <param name="LinkCount">The number of names the file has in its layer (<c>st_nlink</c>).</param>
public readonly record struct UnixFileIdentity(ulong FileId, int LinkCount);
