using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Union;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <content>Metadata: modes and times, as System.IO sets them on Linux.</content>
internal sealed partial class PosixIo
{
    // ---- Metadata

    public void SetUnixFileMode(string fullPath, UnixFileMode mode)
    {
        if (((int)mode & ~0xFFF) != 0)
        {
            throw new ArgumentException("Invalid UnixFileMode value.", nameof(mode));
        }

        // chmod(2) follows links: Linux has no link permissions.
        Check(_engine.SetUnixFileMode(fullPath, mode), fullPath);
    }

    /// <summary>The mode of what the path names: a link is followed, as stat(2) does.</summary>
    public UnixFileMode GetUnixFileMode(string fullPath)
    {
        var status = RequireStatus(fullPath);
        if (!status.Node.IsSymbolicLink)
        {
            return status.Node.Entry.Mode;
        }

        // A link whose target cannot be reached (dangling, or "link-to-file/") has no mode: not found.
        if (_engine.Stat(fullPath, followLinks: true, out var target) != Errno.None)
        {
            ThrowNotFound(fullPath);
        }

        return target.Entry.Mode;
    }

    /// <summary>
    /// utimensat(2) with AT_SYMLINK_NOFOLLOW after System.IO's existence check: as .NET does, the
    /// times of a link are the link's own. A <see langword="null"/> time keeps its value.
    /// </summary>
    /// <remarks>
    /// The time not set is the one lstat(2) found without the trailing separator, as System.IO
    /// passes both: through "link/" (which utimensat(2) follows) the target gets the link's own time.
    /// </remarks>
    public void SetTimes(string fullPath, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        var status = RequireStatus(fullPath);
        if (status.Node.IsSymbolicLink && fullPath.Length > 1 && fullPath[^1] == '/')
        {
            lastAccessTimeUtc ??= status.Node.Entry.LastAccessTimeUtc;
            lastWriteTimeUtc ??= status.Node.Entry.LastWriteTimeUtc;
        }

        Check(_engine.SetTimes(fullPath, lastAccessTimeUtc, lastWriteTimeUtc, followLinks: false), fullPath);
    }
}
