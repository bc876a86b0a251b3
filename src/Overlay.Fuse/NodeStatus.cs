namespace Overlay.Fuse;

/// <summary>What stat(2) reports of one merged object, in the server's own terms.</summary>
/// <param name="Kind">File, directory or link.</param>
/// <param name="Permissions">The permission bits, setuid, setgid and sticky included (07777).</param>
/// <param name="Size">A file's length, a link's target length in bytes; 0 for a directory.</param>
/// <param name="LastAccessTimeUtc">atime.</param>
/// <param name="LastWriteTimeUtc">mtime (also reported as ctime: the layers keep no change time).</param>
internal readonly record struct NodeStatus(NodeKind Kind, uint Permissions, long Size, DateTime LastAccessTimeUtc, DateTime LastWriteTimeUtc);
