using Overlay.Layers;
using Overlay.Union;

namespace Overlay.MergedView;

/// <summary>What System.IO's FileSystemInfo caches of one path: lstat(2), and whether a link leads to a directory.</summary>
/// <param name="Exists">Something is at the path (a dangling link included).</param>
/// <param name="IsDirectory">It is a directory, or a link to one.</param>
/// <param name="Node">The object itself, links not followed.</param>
/// <param name="Error">Why the lstat failed, when it did.</param>
/// <param name="TargetMode">
/// For a link that leads to an object, that object's mode: System.IO takes a link's permission bits
/// from stat(2) of its target (so the write bits, and ReadOnly, are the target's).
/// </param>
internal readonly record struct FileStatus(bool Exists, bool IsDirectory, MergedNode Node, Errno Error = Errno.None, UnixFileMode? TargetMode = null)
{
    public FileAttributes Attributes => Exists ? AttributesOf(Node.Entry.Name, Node.Entry, IsDirectory, TargetMode) : (FileAttributes)(-1);

    /// <summary>The permission bits System.IO works from: a link's target's, or the object's own (a dangling link's 0777).</summary>
    public UnixFileMode Mode => TargetMode ?? Node.Entry.Mode;

    /// <summary>
    /// Throws the error the status was taken with (a name too long, a link loop…) as System.IO's
    /// FileSystemInfo does on reading metadata; a missing object (ENOENT, ENOTDIR) is no error.
    /// </summary>
    /// <param name="fullPath">The path, for the message.</param>
    /// <returns>This status.</returns>
    public FileStatus ThrowIfFailed(string fullPath) =>
        Error is Errno.None or Errno.ENOENT or Errno.ENOTDIR ? this : throw IoErrors.For(Error, fullPath);

    /// <summary>System.IO's attributes on Unix: derived from the name, the kind and the write bits (a link's from its target, <paramref name="targetMode"/>).</summary>
    public static FileAttributes AttributesOf(string name, in LayerEntry entry, bool isDirectory, UnixFileMode? targetMode = null)
    {
        FileAttributes attributes = 0;
        if (isDirectory)
        {
            attributes |= FileAttributes.Directory;
        }

        // A link that leads nowhere keeps its own 0777 in System.IO: never read-only.
        var mode = entry.Kind == LayerEntryKind.SymbolicLink ? targetMode : entry.Mode;
        if (mode is { } bits && (bits & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
        {
            attributes |= FileAttributes.ReadOnly;
        }

        if (entry.Kind == LayerEntryKind.SymbolicLink)
        {
            attributes |= FileAttributes.ReparsePoint;
        }

        if (name.Length > 1 && name[0] == '.')
        {
            attributes |= FileAttributes.Hidden;
        }

        return attributes == 0 ? FileAttributes.Normal : attributes;
    }
}
