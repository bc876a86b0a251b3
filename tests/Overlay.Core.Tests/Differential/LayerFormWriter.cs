using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Differential;

/// <summary>How a lower is written to disk.</summary>
public enum LayerForm
{
    /// <summary>The kernel's: a whiteout is a character device 0/0, an opaque directory has <c>trusted.overlay.opaque=y</c>.</summary>
    Kernel,

    /// <summary>The OCI image layer's: a whiteout is an empty file <c>.wh.name</c>, an opaque directory holds <c>.wh..wh..opq</c>.</summary>
    Oci,
}

/// <summary>
/// Writes a <see cref="SpecEntry"/> list into an empty directory, in the kernel's form (for the
/// mount) or the OCI form (for the library's <see cref="Overlay.Layers.HostDirectoryLayer"/>), with
/// the same modes and mtimes in both: files 0644 and directories 0755 unless the entry says
/// otherwise, every file and directory stamped with the entry's time or the layer's
/// (<see cref="StackSpec.LayerTime"/>), directories last (writing a child changes its parent's
/// mtime). Symbolic links keep the times the disk gives them (they are not compared). Linux and
/// root only (mknod, trusted.* xattrs).
/// </summary>
public static class LayerFormWriter
{
    /// <summary>Default mode of a file.</summary>
    public const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;

    /// <summary>Default mode of a directory.</summary>
    public const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;

    /// <summary>The opaque xattr of the kernel form.</summary>
    public const string OpaqueXattr = "trusted.overlay.opaque";

    /// <summary>The OCI whiteout prefix.</summary>
    public const string WhiteoutPrefix = ".wh.";

    /// <summary>The OCI opaque marker.</summary>
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>Fills <paramref name="layerDirectory"/> (existing, empty) with <paramref name="entries"/>.</summary>
    public static void Write(string layerDirectory, IEnumerable<SpecEntry> entries, LayerForm form, DateTime layerTimeUtc)
    {
        ArgumentNullException.ThrowIfNull(layerDirectory);
        ArgumentNullException.ThrowIfNull(entries);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Layers of the differential suite are written on Linux only.");
        }

        var directoryTimes = new Dictionary<string, (UnixFileMode Mode, DateTime Time)>(StringComparer.Ordinal);
        foreach (var entry in entries.OrderBy(e => e.Path.Count(c => c == '/')).ThenBy(e => e.Path, StringComparer.Ordinal))
        {
            var full = Path.Combine(layerDirectory, entry.Path);
            EnsureParents(layerDirectory, entry.Path, directoryTimes, layerTimeUtc);
            var time = entry.MtimeUtc ?? layerTimeUtc;
            switch (entry.Kind)
            {
                case SpecKind.File:
                    File.WriteAllText(full, entry.Data);
                    File.SetUnixFileMode(full, entry.Mode ?? FileMode);
                    File.SetLastWriteTimeUtc(full, time);
                    break;
                case SpecKind.Directory:
                case SpecKind.OpaqueDirectory:
                    Directory.CreateDirectory(full);
                    directoryTimes[full] = (entry.Mode ?? DirectoryMode, time);
                    if (entry.Kind == SpecKind.OpaqueDirectory)
                    {
                        if (form == LayerForm.Kernel)
                        {
                            LinuxNative.SetXattr(full, OpaqueXattr, "y");
                        }
                        else
                        {
                            File.WriteAllBytes(Path.Combine(full, OpaqueMarker), []);
                        }
                    }

                    break;
                case SpecKind.Symlink:
                    File.CreateSymbolicLink(full, entry.Data);
                    break;
                case SpecKind.Whiteout:
                    if (form == LayerForm.Kernel)
                    {
                        LinuxNative.MakeWhiteout(full);
                    }
                    else
                    {
                        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(full)!, WhiteoutPrefix + Path.GetFileName(full)), []);
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(entries), entry.Kind, "Unknown entry kind.");
            }
        }

        // Deepest first: setting a directory's mode or time does not touch its parent's mtime.
        foreach (var (directory, (mode, time)) in directoryTimes.OrderByDescending(d => d.Key.Count(c => c == '/')))
        {
            File.SetUnixFileMode(directory, mode);
            Directory.SetLastWriteTimeUtc(directory, time);
        }
    }

    private static void EnsureParents(string layerDirectory, string relative, Dictionary<string, (UnixFileMode, DateTime)> directoryTimes, DateTime layerTimeUtc)
    {
        var parent = Path.GetDirectoryName(relative);
        if (string.IsNullOrEmpty(parent))
        {
            return;
        }

        var current = layerDirectory;
        foreach (var part in parent.Split('/'))
        {
            current = Path.Combine(current, part);
            if (!Directory.Exists(current))
            {
                Directory.CreateDirectory(current);
                directoryTimes[current] = (DirectoryMode, layerTimeUtc);
            }
        }
    }
}
