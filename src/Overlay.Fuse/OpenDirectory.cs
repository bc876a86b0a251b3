namespace Overlay.Fuse;

/// <summary>
/// A directory the kernel opened (OPENDIR): the merged listing taken at the first READDIR (and at
/// a rewind), so READDIR's offsets index one stable list, as getdents(2) on a directory being
/// changed expects.
/// </summary>
internal sealed class OpenDirectory(string path, ulong node)
{
    public string Path { get; } = path;

    /// <summary>The directory's node id ("." of the listing).</summary>
    public ulong Node { get; } = node;

    /// <summary>Whether <see cref="Entries"/> holds a listing yet.</summary>
    public bool Listed { get; set; }

    public Lock Lock { get; } = new();

    /// <summary>"." and "..", then the merged entries; offset i+1 follows entry i.</summary>
    public List<DirectoryEntry> Entries { get; set; } = [];
}

/// <summary>One name of a directory listing, with the inode number stat(2) reports for it.</summary>
internal readonly record struct DirectoryEntry(string Name, ulong Ino, NodeKind Kind);
