using System.Text;

namespace Overlay.Tests.Oci.Export;

/// <summary>One member of a tar as its raw ustar header says, for byte-level comparisons.</summary>
internal sealed record RawTarMember(string Name, char Type, string ModeField, string LinkName, long Size, long ModificationTime, string UserName, string GroupName, byte[] Header, byte[] Data, IReadOnlyDictionary<string, byte[]> Pax)
{
    public override string ToString() => $"{Type} {ModeField} {Name} -> '{LinkName}' {Size} @{ModificationTime} {UserName}:{GroupName}";
}

/// <summary>
/// A deliberately small, strict reader of ustar/PAX as Go writes them: it checks what the tests
/// compare (header fields as text, PAX records, zero-block end) and nothing more.
/// </summary>
internal static class RawTar
{
    public static IReadOnlyList<RawTarMember> Read(byte[] tar)
    {
        var members = new List<RawTarMember>();
        Dictionary<string, byte[]>? pax = null;
        var offset = 0;
        while (true)
        {
            offset.Should().BeLessThanOrEqualTo(tar.Length - 512, "a tar ends with zero blocks");
            var header = tar.AsSpan(offset, 512);
            if (header.IndexOfAnyExcept((byte)0) < 0)
            {
                tar.AsSpan(offset).IndexOfAnyExcept((byte)0).Should().Be(-1, "only zero blocks follow the end marker");
                (tar.Length - offset).Should().Be(1024, "the archive ends with exactly two zero blocks");
                return members;
            }

            Encoding.ASCII.GetString(header.Slice(257, 8)).Should().Be("ustar\000");
            VerifyChecksum(header);
            var name = Text(header.Slice(0, 100));
            var prefix = Text(header.Slice(345, 155));
            var size = Octal(header.Slice(124, 12));
            var type = (char)header[156];
            var data = tar.AsSpan(offset + 512, (int)size).ToArray();
            var block = header.ToArray();
            offset += 512 + (int)((size + 511) / 512 * 512);
            if (type == 'x')
            {
                pax = ParsePax(data);
                continue;
            }

            var full = prefix.Length > 0 ? prefix + "/" + name : name;
            var link = Text(block.AsSpan(157, 100));
            var mtime = Octal(block.AsSpan(136, 12));
            if (pax is not null)
            {
                if (pax.TryGetValue("path", out var p))
                {
                    full = Encoding.UTF8.GetString(p);
                }

                if (pax.TryGetValue("linkpath", out var l))
                {
                    link = Encoding.UTF8.GetString(l);
                }

                if (pax.TryGetValue("size", out var s))
                {
                    size = long.Parse(Encoding.ASCII.GetString(s), System.Globalization.CultureInfo.InvariantCulture);
                }

                if (pax.TryGetValue("mtime", out var m))
                {
                    mtime = long.Parse(Encoding.ASCII.GetString(m), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            members.Add(new RawTarMember(
                full,
                type,
                Text(block.AsSpan(100, 8)),
                link,
                size,
                mtime,
                Text(block.AsSpan(265, 32)),
                Text(block.AsSpan(297, 32)),
                block,
                data,
                (IReadOnlyDictionary<string, byte[]>?)pax ?? new Dictionary<string, byte[]>()));
            pax = null;
        }
    }

    private static Dictionary<string, byte[]> ParsePax(byte[] data)
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var i = 0;
        while (i < data.Length)
        {
            var space = Array.IndexOf(data, (byte)' ', i);
            var length = int.Parse(Encoding.ASCII.GetString(data, i, space - i), System.Globalization.CultureInfo.InvariantCulture);
            var record = data.AsSpan(space + 1, length - (space - i) - 1);
            record[^1].Should().Be((byte)'\n');
            var equals = record.IndexOf((byte)'=');
            records[Encoding.UTF8.GetString(record[..equals])] = record[(equals + 1)..^1].ToArray();
            i += length;
        }

        return records;
    }

    private static void VerifyChecksum(ReadOnlySpan<byte> header)
    {
        var sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : header[i];
        }

        Encoding.ASCII.GetString(header.Slice(148, 8)).Should().Be(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private static long Octal(ReadOnlySpan<byte> field)
    {
        var text = Text(field).Trim();
        return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
    }
}
