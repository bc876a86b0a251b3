namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Lists a kernel overlay's upper directory on disk in <see cref="TreeLines"/> format: lstat (via
/// statx) tells the type; a character device 0/0 is a whiteout (<c>w</c>); a directory whose
/// <c>trusted.overlay.opaque</c> is <c>y</c> gets an <c>opaque</c> line. The kernel's other xattrs
/// (origin, impure, uuid, …) are not shown. Symlinks are not followed.
/// </summary>
public static class KernelUpperDumper
{
    /// <summary>The tree below <paramref name="upperDirectory"/>, sorted ordinally.</summary>
    public static string[] Dump(string upperDirectory)
    {
        ArgumentNullException.ThrowIfNull(upperDirectory);
        var lines = new List<string>();
        Walk(upperDirectory, string.Empty, lines);
        return TreeLines.Sort(lines);
    }

    private static void Walk(string directory, string relativePrefix, List<string> lines)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            var relative = relativePrefix + Path.GetFileName(entry);
            var stat = LinuxNative.LStat(entry);
            var mode = (UnixFileMode)stat.Permissions;
            switch (stat.Type)
            {
                case LinuxNative.S_IFDIR:
                    lines.Add(TreeLines.Directory(relative, mode));
                    if (LinuxNative.GetXattr(entry, KernelLayerWriter.OpaqueXattr) == "y")
                    {
                        lines.Add(TreeLines.Opaque(relative));
                    }

                    Walk(entry, relative + "/", lines);
                    break;
                case LinuxNative.S_IFREG:
                    lines.Add(TreeLines.File(relative, mode, File.ReadAllBytes(entry)));
                    break;
                case LinuxNative.S_IFLNK:
                    lines.Add(TreeLines.Symlink(relative, new FileInfo(entry).LinkTarget
                        ?? throw new IOException($"readlink('{entry}') failed")));
                    break;
                case LinuxNative.S_IFCHR when stat.RdevMajor == 0 && stat.RdevMinor == 0:
                    lines.Add(TreeLines.Whiteout(relative));
                    break;
                default:
                    throw new IOException(
                        $"Unexpected file type 0x{stat.Type:x} (rdev {stat.RdevMajor}:{stat.RdevMinor}) in the upper layer: {entry}");
            }
        }
    }
}
