using System.IO.Abstractions;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Lists a tree through an <see cref="IFileSystem"/> the way the recordings' <c>merged</c> lines
/// were made: <c>Directory.EnumerateFileSystemEntries</c> level by level, <c>FileInfo.LinkTarget</c>
/// to tell a symlink (never followed, not even to a directory), <c>File.GetUnixFileMode</c> for
/// modes, <c>File.ReadAllBytes</c> for contents. An entry that is listed but can be neither
/// looked up as a file, a directory nor a link (the kernel's "ghost" whiteout inside an opaque
/// directory) is left out, as in the recordings.
/// </summary>
public static class MergedTreeDumper
{
    /// <summary>The tree below <paramref name="root"/> in <see cref="TreeLines"/> format, sorted ordinally.</summary>
    public static string[] Dump(IFileSystem fileSystem, string root)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(root);
        var lines = new List<string>();
        Walk(fileSystem, root, string.Empty, lines);
        return TreeLines.Sort(lines);
    }

    private static void Walk(IFileSystem fs, string directory, string relativePrefix, List<string> lines)
    {
        foreach (var entry in fs.Directory.EnumerateFileSystemEntries(directory))
        {
            var relative = relativePrefix + fs.Path.GetFileName(entry);
            var linkTarget = fs.FileInfo.New(entry).LinkTarget;
            if (linkTarget is not null)
            {
                lines.Add(TreeLines.Symlink(relative, linkTarget));
            }
            else if (fs.Directory.Exists(entry))
            {
                lines.Add(TreeLines.Directory(relative, UnixMode(fs, entry)));
                Walk(fs, entry, relative + "/", lines);
            }
            else if (fs.File.Exists(entry))
            {
                lines.Add(TreeLines.File(relative, UnixMode(fs, entry), fs.File.ReadAllBytes(entry)));
            }

            // else: listed but not there (the kernel's ghost whiteout in an opaque directory).
        }
    }

    private static UnixFileMode UnixMode(IFileSystem fs, string path) => OperatingSystem.IsWindows()
        ? throw new PlatformNotSupportedException("Unix file modes are not available on Windows.")
        : fs.File.GetUnixFileMode(path);
}
