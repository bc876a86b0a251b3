namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Writes a recorded lower layer to a real directory in the kernel's on-disk form: files with their
/// content, mode 0644, mtime 2000-01-01T00:00:00Z; directories 0755 (listed or implied by a child);
/// symlinks with their relative target; whiteouts as character devices 0/0 (mode 0000); opaque
/// directories with the xattr <c>trusted.overlay.opaque=y</c>. Needs root on Linux.
/// </summary>
public static class KernelLayerWriter
{
    /// <summary>Modification time of every lower file.</summary>
    public static readonly DateTime FileTimeUtc = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Mode of every lower file.</summary>
    public const UnixFileMode FileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Mode of every lower directory.</summary>
    public const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The xattr that marks a directory opaque in the kernel form.</summary>
    public const string OpaqueXattr = "trusted.overlay.opaque";

    /// <summary>Fills the existing, empty directory <paramref name="layerDirectory"/> with <paramref name="entries"/>.</summary>
    public static void Write(string layerDirectory, IEnumerable<ScenarioEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(layerDirectory);
        ArgumentNullException.ThrowIfNull(entries);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The kernel form of a layer can only be written on Linux.");
        }

        // Parents before children (the recording lists them in any order); stable within a depth.
        foreach (var entry in entries.OrderBy(e => e.Path.Count(c => c == '/')))
        {
            var full = Path.Combine(layerDirectory, entry.Path);
            EnsureDirectory(layerDirectory, Path.GetDirectoryName(entry.Path) ?? string.Empty);
            switch (entry.Kind)
            {
                case ScenarioEntryKind.File:
                    File.WriteAllText(full, entry.Data);
                    File.SetUnixFileMode(full, FileMode);
                    File.SetLastWriteTimeUtc(full, FileTimeUtc);
                    break;
                case ScenarioEntryKind.Directory:
                    EnsureDirectory(layerDirectory, entry.Path);
                    break;
                case ScenarioEntryKind.OpaqueDirectory:
                    EnsureDirectory(layerDirectory, entry.Path);
                    LinuxNative.SetXattr(full, OpaqueXattr, "y");
                    break;
                case ScenarioEntryKind.Symlink:
                    File.CreateSymbolicLink(full, entry.Data);
                    break;
                case ScenarioEntryKind.Whiteout:
                    LinuxNative.MakeWhiteout(full);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown layer entry kind {entry.Kind}");
            }
        }
    }

    private static void EnsureDirectory(string layerDirectory, string relative)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The kernel form of a layer can only be written on Linux.");
        }

        if (relative.Length == 0)
        {
            return;
        }

        var current = layerDirectory;
        foreach (var part in relative.Split('/'))
        {
            current = Path.Combine(current, part);
            if (!Directory.Exists(current))
            {
                Directory.CreateDirectory(current);
                File.SetUnixFileMode(current, DirectoryMode);
            }
        }
    }
}
