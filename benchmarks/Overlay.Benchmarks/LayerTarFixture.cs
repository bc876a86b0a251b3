using System.Formats.Tar;
using System.Text;

namespace Overlay.Benchmarks;

/// <summary>
/// A layer tar of realistic shape, written once under <see cref="LayerSet.Base"/> and kept:
/// <see cref="Files"/> regular files in <see cref="Directories"/> directories (three levels deep),
/// most of them small (70% up to 2 KiB, 25% up to 16 KiB, 5% up to 64 KiB), one in ten owned by
/// 1000:1000, a few set-uid, every 500th with a <c>user.</c> extended attribute, every 1000th with
/// a second name (a hard-link member), 200 symbolic links, and two whiteouts and an opaque
/// directory in the OCI form. Deterministic: the same seed builds the same tar.
/// </summary>
public static class LayerTarFixture
{
    public const int Files = 20_000;
    public const int Directories = 300;

    /// <summary>The tar's path, built on first use.</summary>
    public static string Get()
    {
        string path = Path.Combine(LayerSet.Base, $"layer-{Files}.tar");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(LayerSet.Base);
            string temporary = path + ".tmp";
            Write(temporary);
            File.Move(temporary, path, overwrite: true);
        }

        return path;
    }

    /// <summary>Writes the tar to <paramref name="path"/>.</summary>
    public static void Write(string path)
    {
        var random = new Random(18);
        var time = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        const UnixFileMode Dir = (UnixFileMode)0b111_101_101;
        const UnixFileMode File644 = (UnixFileMode)0b110_100_100;
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: false);

        void Add(TarEntryType type, string name, UnixFileMode mode, int uid, int gid, byte[]? data = null, string? link = null, Dictionary<string, string>? pax = null)
        {
            var entry = pax is null ? new PaxTarEntry(type, name) : new PaxTarEntry(type, name, pax);
            entry.Mode = mode;
            entry.Uid = uid;
            entry.Gid = gid;
            entry.ModificationTime = time.AddSeconds(random.Next(1_000_000));
            if (link is not null)
            {
                entry.LinkName = link;
            }

            if (data is not null)
            {
                entry.DataStream = new MemoryStream(data);
            }

            writer.WriteEntry(entry);
        }

        Add(TarEntryType.Directory, "usr/", Dir, 0, 0);
        for (int top = 0; top < 10; top++)
        {
            Add(TarEntryType.Directory, $"usr/t{top}/", Dir, 0, 0);
        }

        for (int d = 0; d < Directories; d++)
        {
            bool owned = d % 20 == 7;
            Add(TarEntryType.Directory, DirectoryName(d) + "/", owned ? (UnixFileMode)0b111_111_101 | UnixFileMode.SetGroup : Dir, owned ? 100 : 0, owned ? 101 : 0);
        }

        // The opaque directory and two whiteouts, as a layer over a base image holds them.
        Add(TarEntryType.RegularFile, DirectoryName(3) + "/.wh..wh..opq", 0, 0, 0, []);
        Add(TarEntryType.RegularFile, DirectoryName(4) + "/.wh.removed-a", 0, 0, 0, []);
        Add(TarEntryType.RegularFile, DirectoryName(5) + "/.wh.removed-b", 0, 0, 0, []);

        var content = new byte[64 << 10];
        random.NextBytes(content);
        for (int i = 0; i < Files; i++)
        {
            int roll = random.Next(100);
            int size = roll < 70 ? random.Next(2048) : roll < 95 ? 2048 + random.Next(14 << 10) : (16 << 10) + random.Next(48 << 10);
            string name = FileName(i);
            bool owned = i % 10 == 3;
            var mode = i % 997 == 5 ? (UnixFileMode)0b111_101_101 | UnixFileMode.SetUser : i % 7 == 0 ? (UnixFileMode)0b111_101_101 : File644;
            Dictionary<string, string>? pax = i % 500 == 11
                ? new() { ["SCHILY.xattr.user.bench"] = "value-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : null;
            Add(TarEntryType.RegularFile, name, mode, owned ? 1000 : 0, owned ? 1000 : 0, content.AsSpan(random.Next(content.Length - size + 1), size).ToArray(), pax: pax);
            if (i % 1000 == 17)
            {
                Add(TarEntryType.HardLink, name + ".link", mode, owned ? 1000 : 0, owned ? 1000 : 0, link: name);
            }

            if (i % 100 == 42)
            {
                Add(TarEntryType.SymbolicLink, name + ".sym", (UnixFileMode)0b111_111_111, 0, 0, link: Path.GetFileName(name));
            }
        }
    }

    private static string DirectoryName(int d) => $"usr/t{d % 10}/d{d}";

    private static string FileName(int i) => $"{DirectoryName(i % Directories)}/f{i}.{(i % 3 == 0 ? "so" : i % 3 == 1 ? "txt" : "py")}";

    /// <summary>A short description for the docs.</summary>
    public static string Describe()
    {
        var info = new FileInfo(Get());
        return new StringBuilder().Append(info.FullName).Append(", ").Append(info.Length >> 20).Append(" MiB").ToString();
    }
}
