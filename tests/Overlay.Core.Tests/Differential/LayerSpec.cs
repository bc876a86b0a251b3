using System.Globalization;
using System.Text;
using Overlay.Layers;

namespace Overlay.Tests.Differential;

/// <summary>What one entry of a lower layer is.</summary>
public enum SpecKind
{
    /// <summary>A regular file with content.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A directory marked opaque (it hides what the lowers below hold at its path).</summary>
    OpaqueDirectory,

    /// <summary>A symbolic link with a relative target.</summary>
    Symlink,

    /// <summary>A whiteout: the name is deleted for the layers below.</summary>
    Whiteout,
}

/// <summary>
/// One entry of a lower layer, written once in the kernel's form and once in the OCI form (see
/// <see cref="LayerFormWriter"/>). Parents not listed are plain directories, mode 0755.
/// </summary>
/// <param name="Path">Relative to the layer root, '/'-separated, no leading or trailing '/'.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Data">A file's content or a link's target; empty otherwise.</param>
/// <param name="Mode">Permission bits of a file or directory; <see langword="null"/> for the default (0644, 0755).</param>
/// <param name="MtimeUtc">Last write time of a file or directory; <see langword="null"/> for the layer's default.</param>
public sealed record SpecEntry(string Path, SpecKind Kind, string Data = "", UnixFileMode? Mode = null, DateTime? MtimeUtc = null)
{
    /// <summary>A file.</summary>
    public static SpecEntry File(string path, string content, UnixFileMode? mode = null) => new(path, SpecKind.File, content, mode);

    /// <summary>A directory.</summary>
    public static SpecEntry Dir(string path, UnixFileMode? mode = null) => new(path, SpecKind.Directory, Mode: mode);

    /// <summary>An opaque directory.</summary>
    public static SpecEntry Opaque(string path, UnixFileMode? mode = null) => new(path, SpecKind.OpaqueDirectory, Mode: mode);

    /// <summary>A symbolic link.</summary>
    public static SpecEntry Link(string path, string target) => new(path, SpecKind.Symlink, target);

    /// <summary>A whiteout.</summary>
    public static SpecEntry Whiteout(string path) => new(path, SpecKind.Whiteout);

    /// <summary>Whether the entry is a directory (opaque or not).</summary>
    public bool IsDirectory => Kind is SpecKind.Directory or SpecKind.OpaqueDirectory;

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder(Path).Append(' ').Append(Kind switch
        {
            SpecKind.File => "file",
            SpecKind.Directory => "dir",
            SpecKind.OpaqueDirectory => "opaque-dir",
            SpecKind.Symlink => "link",
            _ => "whiteout",
        });
        if (Kind == SpecKind.Symlink)
        {
            sb.Append(" -> ").Append(Data);
        }
        else if (Kind == SpecKind.File)
        {
            sb.Append(" \"").Append(Data).Append('"');
        }

        if (Mode is { } mode)
        {
            sb.Append(' ').Append(Convert.ToString((int)mode, 8));
        }

        if (MtimeUtc is { } time)
        {
            sb.Append(" @").Append(time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}

/// <summary>The lowers of one differential case, topmost first (as in <c>lowerdir=</c>).</summary>
public sealed record StackSpec(IReadOnlyList<IReadOnlyList<SpecEntry>> LowersTopFirst)
{
    /// <summary>
    /// The default mtime of the files and directories of lower <paramref name="index"/> (0 = top):
    /// one per layer, so a dump tells which layer's copy it shows: January 1st of the year
    /// 2000 + <paramref name="index"/>.
    /// </summary>
    public static DateTime LayerTime(int index) => new(2000 + index, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Whether any lower has a whiteout at <paramref name="path"/>.</summary>
    public bool HasLowerWhiteout(string path) =>
        LowersTopFirst.Any(layer => layer.Any(e => e.Kind == SpecKind.Whiteout && e.Path == path));

    /// <summary>The lowers, one line each, for failure reports.</summary>
    public string Describe(string indent)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < LowersTopFirst.Count; i++)
        {
            sb.Append(indent).Append('L').Append(i).Append(": ")
              .Append(LowersTopFirst[i].Count == 0 ? "(empty)" : string.Join("; ", LowersTopFirst[i]))
              .Append(Environment.NewLine);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Reads a layer built in memory (as <see cref="Support.StandardLowers"/> builds them) into a
    /// spec: every entry with its kind, content, mode and mtime, opaque marks and whiteouts.
    /// </summary>
    public static IReadOnlyList<SpecEntry> FromLayer(ILayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var entries = new List<SpecEntry>();
        Walk("/", string.Empty);
        return entries;

        void Walk(string directory, string relative)
        {
            foreach (var entry in layer.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                string path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
                string name = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                switch (entry.Kind)
                {
                    case LayerEntryKind.Directory:
                        entries.Add(new SpecEntry(name, entry.IsOpaque ? SpecKind.OpaqueDirectory : SpecKind.Directory, string.Empty, entry.Mode, entry.LastWriteTimeUtc));
                        Walk(path, name);
                        break;
                    case LayerEntryKind.File:
                        using (var stream = layer.OpenRead(path))
                        using (var reader = new StreamReader(stream, Encoding.UTF8))
                        {
                            entries.Add(new SpecEntry(name, SpecKind.File, reader.ReadToEnd(), entry.Mode, entry.LastWriteTimeUtc));
                        }

                        break;
                    case LayerEntryKind.SymbolicLink:
                        entries.Add(SpecEntry.Link(name, entry.LinkTarget!));
                        break;
                    default:
                        entries.Add(SpecEntry.Whiteout(name));
                        break;
                }
            }
        }
    }
}
