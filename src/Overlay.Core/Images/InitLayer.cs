using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Images;

/// <summary>
/// The layer Docker puts between an image and a container's own layer (<c>&lt;id&gt;-init</c>): the
/// mount points and files the runtime needs, so that a container starts with them whatever the
/// image holds, and so that <c>docker commit</c> (which takes the container's layer alone) never
/// captures them.
/// </summary>
public static class InitLayer
{
    /// <summary>The empty files the init layer holds (mode 0755), replacing what the image has there.</summary>
    public static IReadOnlyList<string> Files { get; } = ["/.dockerenv", "/etc/resolv.conf", "/etc/hosts", "/etc/hostname", "/dev/console"];

    /// <summary>The directories the init layer makes (mode 0755) where the image has none.</summary>
    public static IReadOnlyList<string> Directories { get; } = ["/dev/pts", "/dev/shm", "/proc", "/sys"];

    /// <summary>The symbolic link the init layer holds: <c>/etc/mtab</c>, and its target.</summary>
    public static KeyValuePair<string, string> MtabLink { get; } = new("/etc/mtab", "/proc/mounts");

    /// <summary>
    /// Builds the init layer into an empty writable layer the way Docker does: the layer is
    /// mounted over the image, and for each path every component that is not a directory is
    /// unlinked, then what is missing is made (parents as directories 0755, then the directory,
    /// the empty file or the link). Unlinking an image file leaves a whiteout, which the new
    /// object then replaces, so an existing file at one of these paths becomes an empty one.
    /// </summary>
    /// <param name="target">The init layer, empty, with a work area.</param>
    /// <param name="imageLayersTopFirst">The image's layers, topmost first.</param>
    /// <param name="clock">The clock that stamps the new objects; the system clock when omitted.</param>
    public static void Build(IWritableLayer target, IEnumerable<ILayer> imageLayersTopFirst, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(imageLayersTopFirst);
        var fs = new OverlayFileSystem(imageLayersTopFirst, target, new OverlayOptions
        {
            Umask = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite,
            Clock = clock ?? TimeProvider.System,
        });
        const UnixFileMode Mode0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

        foreach (string path in Directories.Concat(Files).Append(MtabLink.Key))
        {
            UnlinkNonDirectories(fs, path);
            if (Exists(fs, path))
            {
                continue;
            }

            fs.Directory.CreateDirectory(PosixPath.ParentOf(path));
            if (Directories.Contains(path))
            {
                fs.Directory.CreateDirectory(path);
            }
            else if (path == MtabLink.Key)
            {
                fs.File.CreateSymbolicLink(path, MtabLink.Value);
            }
            else
            {
                fs.File.WriteAllBytes(path, []);
                if (!OperatingSystem.IsWindows())
                {
                    fs.File.SetUnixFileMode(path, Mode0755);
                }
            }
        }
    }

    // Docker unlinks each component of the path (errors ignored): files and links go, directories stay.
    private static void UnlinkNonDirectories(OverlayFileSystem fs, string path)
    {
        string prefix = string.Empty;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            prefix += "/" + part;
            var info = fs.FileInfo.New(prefix);
            if (info.LinkTarget is not null || (info.Exists && !info.Attributes.HasFlag(FileAttributes.Directory)))
            {
                fs.File.Delete(prefix);
            }
            else if (!fs.Directory.Exists(prefix))
            {
                return;
            }
        }
    }

    // os.Stat: follows links, and a missing or unreachable path does not exist.
    private static bool Exists(OverlayFileSystem fs, string path) => fs.File.Exists(path) || fs.Directory.Exists(path);
}
