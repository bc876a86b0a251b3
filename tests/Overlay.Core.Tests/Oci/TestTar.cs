using System.Text;

namespace Overlay.Tests.Oci;

/// <summary>Builds tar archives byte by byte, hostile ones included (the BCL writer refuses some).</summary>
internal sealed class TestTar
{
    private readonly MemoryStream _out = new();

    public TestTar File(string name, string content = "", int mode = 0b110_100_100, string linkName = "") =>
        Entry(name, '0', Encoding.UTF8.GetBytes(content), mode, linkName);

    public TestTar Directory(string name, int mode = 0b111_101_101) => Entry(name, '5', [], mode);

    public TestTar Symlink(string name, string target) => Entry(name, '2', [], 0b111_111_111, target);

    public TestTar HardLink(string name, string target) => Entry(name, '1', [], 0b110_100_100, target);

    public TestTar Device(string name, char type, int major = 0, int minor = 0) => Entry(name, type, [], 0, "", major: major, minor: minor);

    public TestTar Pax(IEnumerable<KeyValuePair<string, byte[]>> records, char type = 'x')
    {
        var body = new MemoryStream();
        foreach (var (key, value) in records)
        {
            byte[] k = Encoding.UTF8.GetBytes(key);
            int rest = 1 + k.Length + 1 + value.Length + 1;
            int length = rest + 1;
            while (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + rest != length)
            {
                length++;
            }

            body.Write(Encoding.ASCII.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " "));
            body.Write(k);
            body.WriteByte((byte)'=');
            body.Write(value);
            body.WriteByte((byte)'\n');
        }

        return Entry("././@PaxHeader", type, body.ToArray(), 0b110_100_100);
    }

    public TestTar LongName(string name, char type = 'L') =>
        Entry("././@LongLink", type, [.. Encoding.UTF8.GetBytes(name), 0], 0b110_100_100);

    public TestTar Entry(string name, char type, byte[] data, int mode, string linkName = "", long? sizeField = null, int major = 0, int minor = 0, bool base256Size = false, bool badChecksum = false)
    {
        var header = new byte[512];
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        nameBytes.AsSpan(0, Math.Min(100, nameBytes.Length)).CopyTo(header);
        Octal(header, 100, 8, mode);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        long size = sizeField ?? data.Length;
        if (base256Size)
        {
            header[124] = 0x80;
            for (int i = 0; i < 8; i++)
            {
                header[135 - i] = (byte)(size >> (8 * i));
            }
        }
        else
        {
            Octal(header, 124, 12, size);
        }

        Octal(header, 136, 12, 1_700_000_000);
        header[156] = (byte)type;
        Encoding.UTF8.GetBytes(linkName).AsSpan(0, Math.Min(100, Encoding.UTF8.GetByteCount(linkName))).CopyTo(header.AsSpan(157));
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        Octal(header, 329, 8, major);
        Octal(header, 337, 8, minor);
        header.AsSpan(148, 8).Fill((byte)' ');
        long sum = header.Sum(b => (long)b) + (badChecksum ? 1 : 0);
        Octal(header, 148, 7, sum);
        _out.Write(header);
        _out.Write(data);
        _out.Write(new byte[(512 - (data.Length % 512)) % 512]);
        return this;
    }

    public TestTar Raw(byte[] bytes)
    {
        _out.Write(bytes);
        return this;
    }

    public byte[] ToArray(bool end = true)
    {
        var copy = new MemoryStream();
        copy.Write(_out.ToArray());
        if (end)
        {
            copy.Write(new byte[1024]);
        }

        return copy.ToArray();
    }

    public string Save(string path, bool end = true)
    {
        System.IO.File.WriteAllBytes(path, ToArray(end));
        return path;
    }

    private static void Octal(byte[] header, int offset, int length, long value)
    {
        string text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        header[offset + length - 1] = 0;
    }
}
