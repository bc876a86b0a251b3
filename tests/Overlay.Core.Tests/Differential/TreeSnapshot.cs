using System.Globalization;
using System.IO.Abstractions;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Differential;

/// <summary>
/// The line format of the differential dumps, sorted ordinally by path:
/// <c>path d MODE TIME</c>, <c>path f MODE CONTENT TIME</c>, <c>path l TARGET</c>, and in an upper
/// <c>path w</c> (a whiteout, either form) and <c>path opaque</c> (either form). In a merged dump of
/// the kernel, <c>path ghost</c> is a name the directory lists but that cannot be looked up.
/// MODE is octal, CONTENT as in <see cref="TreeLines.Content"/>. TIME is the mtime: <c>now</c> for
/// any time from the case's start on (a write stamps the clock's time, which two file systems
/// never share to the tick), else the exact UTC time (a lower's, or one an operation set).
/// </summary>
/// <remarks>
/// Why mtimes are compared: both sides keep them exactly where they are copied (a copy-up keeps the
/// lower's mtime, and the parent's; a rename keeps the object's) and both stamp "now" where an
/// object or a directory's entries change, so "lower time, set time or now" is deterministic and
/// catches a copy-up that loses a time, or a directory whose mtime moves when it should not.
/// Access times and ctimes are not compared (relatime, and every copy-up changes a ctime).
/// Symbolic links' times are not compared either (System.IO reports a link's target's times).
/// </remarks>
public static class TreeSnapshot
{
    /// <summary>How far before the case's start a time still counts as "now" (the kernel stamps with a coarse clock).</summary>
    public static readonly TimeSpan NowSlack = TimeSpan.FromSeconds(2);

    /// <summary>The label of an mtime.</summary>
    public static string Time(DateTime utc, DateTime startedUtc) =>
        utc >= startedUtc - NowSlack
            ? "now"
            : utc.ToUniversalTime().ToString(utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The permission bits of a path (links followed), in octal.</summary>
    public static string Mode(IFileSystem fs, string path)
    {
        ArgumentNullException.ThrowIfNull(fs);
        return OperatingSystem.IsWindows()
            ? throw new PlatformNotSupportedException("Unix file modes are not available on Windows.")
            : Mode(fs.File.GetUnixFileMode(path));
    }

    /// <summary>Octal permission bits.</summary>
    public static string Mode(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8);

    /// <summary>
    /// The merged tree below <paramref name="root"/> through <paramref name="fs"/>: listed level by
    /// level, a symbolic link never followed, a name that is listed but is neither a file, a directory
    /// nor a link reported as <c>ghost</c> (the comparer decides what a ghost means).
    /// </summary>
    public static string[] Merged(IFileSystem fs, string root, DateTime startedUtc)
    {
        ArgumentNullException.ThrowIfNull(fs);
        var lines = new List<string>();
        Walk(root, string.Empty);
        return TreeLines.Sort(lines);

        void Walk(string directory, string prefix)
        {
            foreach (var entry in fs.Directory.EnumerateFileSystemEntries(directory))
            {
                var relative = prefix + fs.Path.GetFileName(entry);
                var linkTarget = fs.FileInfo.New(entry).LinkTarget;
                if (linkTarget is not null)
                {
                    lines.Add($"{relative} l {linkTarget}");
                }
                else if (fs.Directory.Exists(entry))
                {
                    lines.Add($"{relative} d {Mode(fs, entry)} {Time(fs.Directory.GetLastWriteTimeUtc(entry), startedUtc)}");
                    Walk(entry, relative + "/");
                }
                else if (fs.File.Exists(entry))
                {
                    lines.Add($"{relative} f {Mode(fs, entry)} {TreeLines.Content(fs.File.ReadAllBytes(entry))} {Time(fs.File.GetLastWriteTimeUtc(entry), startedUtc)}");
                }
                else
                {
                    lines.Add($"{relative} ghost");
                }
            }
        }
    }
}

/// <summary>
/// Lists an upper directory on disk, below any layer abstraction, in <see cref="TreeSnapshot"/>'s
/// line format with whiteouts and opaque marks normalised: a character device 0/0 or an OCI
/// <c>.wh.name</c> file is <c>name w</c>; <c>trusted.overlay.opaque=y</c> or an OCI
/// <c>.wh..wh..opq</c> file is <c>dir opaque</c>. The kernel's other xattrs
/// (<c>trusted.overlay.origin</c>, <c>impure</c>, <c>uuid</c>, …) are never read, and a whiteout
/// shared as a hard link of the kernel's one whiteout inode is a character device 0/0 like any other.
/// Anything else (a device, a <c>.wh.</c> name that is not an empty-file marker) is shown as it is, so
/// it differs.
/// </summary>
public static class UpperDumper
{
    /// <summary>An upper in the kernel's form.</summary>
    public static string[] DumpKernelForm(string upperDirectory, DateTime startedUtc) => Dump(upperDirectory, startedUtc, oci: false);

    /// <summary>An upper in the OCI form (the library's <see cref="Overlay.Layers.HostDirectoryLayer"/>).</summary>
    public static string[] DumpOciForm(string upperDirectory, DateTime startedUtc) => Dump(upperDirectory, startedUtc, oci: true);

    private static string[] Dump(string upperDirectory, DateTime startedUtc, bool oci)
    {
        var lines = new List<string>();
        Walk(upperDirectory, string.Empty);
        return TreeLines.Sort(lines);

        void Walk(string directory, string prefix)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                var name = Path.GetFileName(entry);
                var relative = prefix + name;
                var stat = LinuxNative.LStat(entry);
                if (oci && name.StartsWith(LayerFormWriter.WhiteoutPrefix, StringComparison.Ordinal) && stat.Type == LinuxNative.S_IFREG)
                {
                    if (name == LayerFormWriter.OpaqueMarker)
                    {
                        lines.Add($"{(prefix.Length == 0 ? "." : prefix[..^1])} opaque");
                        continue;
                    }

                    if (!name.StartsWith(LayerFormWriter.WhiteoutPrefix + LayerFormWriter.WhiteoutPrefix, StringComparison.Ordinal))
                    {
                        lines.Add($"{prefix}{name[LayerFormWriter.WhiteoutPrefix.Length..]} w");
                        continue;
                    }
                }

                switch (stat.Type)
                {
                    case LinuxNative.S_IFDIR:
                        lines.Add($"{relative} d {TreeSnapshot.Mode((UnixFileMode)stat.Permissions)} {TreeSnapshot.Time(Directory.GetLastWriteTimeUtc(entry), startedUtc)}");
                        if (!oci && LinuxNative.GetXattr(entry, LayerFormWriter.OpaqueXattr) == "y")
                        {
                            lines.Add($"{relative} opaque");
                        }

                        Walk(entry, relative + "/");
                        break;
                    case LinuxNative.S_IFREG:
                        lines.Add($"{relative} f {TreeSnapshot.Mode((UnixFileMode)stat.Permissions)} {TreeLines.Content(File.ReadAllBytes(entry))} {TreeSnapshot.Time(File.GetLastWriteTimeUtc(entry), startedUtc)}");
                        break;
                    case LinuxNative.S_IFLNK:
                        lines.Add($"{relative} l {new FileInfo(entry).LinkTarget}");
                        break;
                    case LinuxNative.S_IFCHR when !oci && stat.RdevMajor == 0 && stat.RdevMinor == 0:
                        lines.Add($"{relative} w");
                        break;
                    default:
                        lines.Add($"{relative} ? type 0x{stat.Type:x} rdev {stat.RdevMajor}:{stat.RdevMinor}");
                        break;
                }
            }
        }
    }
}
