namespace Overlay.Fuse;

/// <summary>What stat(2) reports of one merged object, in the server's own terms.</summary>
/// <param name="Kind">File, directory, link, device node, FIFO or socket.</param>
/// <param name="Permissions">The permission bits, setuid, setgid and sticky included (07777).</param>
/// <param name="Size">A file's length, a link's target length in bytes; 0 for a directory.</param>
/// <param name="LastAccessTimeUtc">atime.</param>
/// <param name="LastWriteTimeUtc">mtime (also reported as ctime: the layers keep no change time).</param>
internal readonly record struct NodeStatus(NodeKind Kind, uint Permissions, long Size, DateTime LastAccessTimeUtc, DateTime LastWriteTimeUtc)
{
    /// <summary>The owner's user id, or <see langword="null"/> when the object's layer keeps no owners.</summary>
    public uint? UserId { get; init; }

    /// <summary>The owner's group id (<see langword="null"/> with <see cref="UserId"/>).</summary>
    public uint? GroupId { get; init; }

    /// <summary>st_nlink: the names the file has in its layer (hard links).</summary>
    public uint LinkCount { get; init; } = 1;

    /// <summary>Which file the object is: equal identities are hard links of one file; <see langword="null"/> when the layer cannot tell.</summary>
    public FileIdentity? Identity { get; init; }

    /// <summary>st_rdev of a device node, in the kernel's encoding.</summary>
    public uint Device { get; init; }
}

/// <summary>A file's identity across the stack: its layer (-1 for the upper) and its number there.</summary>
internal readonly record struct FileIdentity(int Layer, ulong FileId);
