using System.Formats.Tar;
using System.IO.Abstractions;
using System.Security.Cryptography;
using Overlay.Layers;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;

namespace Overlay.Tests.Images;

/// <summary>
/// The real Docker files in <c>shared/fixtures/docker/</c>, read for comparison: layer tars as
/// memory layers (OCI whiteouts decoded), and tars, layers and merged views as comparable trees.
/// The BCL's tar reader is enough for the tars read here (none carries binary PAX values).
/// </summary>
internal static class DockerFixtures
{
    public static string Directory => Path.GetDirectoryName(TestFixtures.Find("fixtures/docker/c1-export.tar"))!;

    public static string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>c1's commands (fixtures README), replayed through a file system.</summary>
    public static void ReplayC1(IFileSystem fs)
    {
        fs.File.WriteAllText("/data/new.txt", "created\n");
        fs.File.AppendAllText("/data/modify.txt", "modified\n");
        fs.File.Delete("/data/delete.txt");
        if (!OperatingSystem.IsWindows())
        {
            fs.File.SetUnixFileMode("/data/chmod.txt", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        fs.File.Move("/data/rename-src.txt", "/data/rename-dst.txt");
        fs.Directory.Delete("/olddir", recursive: true);
        fs.Directory.CreateDirectory("/olddir");
        fs.File.WriteAllText("/olddir/fresh.txt", "fresh\n");
        fs.Directory.Delete("/gonedir", recursive: true);
        fs.File.CreateSymbolicLink("/data/link-to-keep", "/data/keep.txt");
        fs.Directory.CreateDirectory("/newdir/deep");
        fs.File.WriteAllText("/newdir/deep/f", "deep\n");
    }

    /// <summary>The sha256 of a fixture file, as a diff_id.</summary>
    public static string DiffIdOf(string relative)
    {
        using var stream = File.OpenRead(PathOf(relative));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>A layer tar as a memory layer: <c>.wh.name</c> becomes a whiteout, <c>.wh..wh..opq</c> an opaque mark.</summary>
    public static MemoryLayer ReadLayer(string relative)
    {
        var layer = new MemoryLayer(Path.GetFileName(relative));
        using var stream = File.OpenRead(PathOf(relative));
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            string relativePath = Normalize(entry.Name);
            if (relativePath.Length == 0)
            {
                continue;
            }

            string path = "/" + relativePath;
            string name = Path.GetFileName(path);
            string parent = Path.GetDirectoryName(path)!;
            if (name == ".wh..wh..opq")
            {
                layer.AddDirectory(parent, opaque: true);
            }
            else if (name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                layer.AddWhiteout(Path.Combine(parent, name[4..]));
            }
            else if (entry.EntryType == TarEntryType.Directory)
            {
                layer.AddDirectory(path, entry.Mode);
                ((IWritableLayer)layer).SetTimes(path, null, entry.ModificationTime.UtcDateTime);
            }
            else if (entry.EntryType == TarEntryType.SymbolicLink)
            {
                layer.AddSymbolicLink(path, entry.LinkName);
            }
            else
            {
                using var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                layer.AddFile(path, data.ToArray(), entry.Mode, entry.ModificationTime.UtcDateTime);
            }
        }

        return layer;
    }

    /// <summary>A tar's entries as tree lines; whiteout and opaque markers (by name) are 'w' with no mode.</summary>
    public static string[] TarTree(string relative)
    {
        using var stream = File.OpenRead(PathOf(relative));
        return TarTree(stream);
    }

    public static string[] TarTree(Stream tar)
    {
        var lines = new List<string>();
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            string path = Normalize(entry.Name);
            if (path.Length == 0)
            {
                continue;
            }

            if (Path.GetFileName(path).StartsWith(".wh.", StringComparison.Ordinal))
            {
                lines.Add($"{path} w");
                continue;
            }

            lines.Add(entry.EntryType switch
            {
                TarEntryType.Directory => $"{path} d {Octal(entry.Mode)}",
                TarEntryType.SymbolicLink => $"{path} l -> {entry.LinkName}",
                _ => $"{path} f {Octal(entry.Mode)} {Hash(entry.DataStream)}",
            });
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    /// <summary>A layer's own entries as tree lines, its whiteouts and opaque marks as an OCI tar names them.</summary>
    public static string[] LayerTree(ILayer layer)
    {
        var lines = new List<string>();
        void Walk(string directory)
        {
            foreach (var entry in layer.ListDirectory(directory))
            {
                string path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
                string name = path[1..];
                switch (entry.Kind)
                {
                    case LayerEntryKind.Whiteout:
                        lines.Add($"{Path.Combine(Path.GetDirectoryName(name)!, ".wh." + entry.Name)} w");
                        break;
                    case LayerEntryKind.Directory:
                        lines.Add($"{name} d {Octal(entry.Mode)}");
                        if (entry.IsOpaque)
                        {
                            lines.Add($"{name}/.wh..wh..opq w");
                        }

                        Walk(path);
                        break;
                    case LayerEntryKind.SymbolicLink:
                        lines.Add($"{name} l -> {entry.LinkTarget}");
                        break;
                    default:
                        using (var data = layer.OpenRead(path))
                        {
                            lines.Add($"{name} f {Octal(entry.Mode)} {Hash(data)}");
                        }

                        break;
                }
            }
        }

        Walk("/");
        return [.. lines.Order(StringComparer.Ordinal)];
    }

    /// <summary>A merged view as tree lines (what a program in the container sees).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string[] MergedTree(IFileSystem fs, string root = "/")
    {
        var lines = new List<string>();
        void Walk(string directory)
        {
            foreach (string path in fs.Directory.EnumerateFileSystemEntries(directory))
            {
                string name = path[(root.TrimEnd('/').Length + 1)..];
                var info = fs.FileInfo.New(path);
                if (info.LinkTarget is { } target)
                {
                    lines.Add($"{name} l -> {target}");
                }
                else if (info.Attributes.HasFlag(FileAttributes.Directory))
                {
                    lines.Add($"{name} d {Octal(fs.File.GetUnixFileMode(path))}");
                    Walk(path);
                }
                else
                {
                    using var data = fs.File.OpenRead(path);
                    lines.Add($"{name} f {Octal(fs.File.GetUnixFileMode(path))} {Hash(data)}");
                }
            }
        }

        Walk(root);
        return [.. lines.Order(StringComparer.Ordinal)];
    }

    private static string Normalize(string name)
    {
        string path = name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
        return path == "." ? string.Empty : path.TrimEnd('/');
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static string Hash(Stream? data)
    {
        if (data is null)
        {
            return "empty";
        }

        byte[] digest = SHA256.HashData(data);
        return data.Position == 0 ? "empty" : Convert.ToHexStringLower(digest)[..16];
    }
}
