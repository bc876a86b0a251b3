using System.Globalization;
using System.Text;

namespace Overlay.Oci.Tar;

/// <summary>
/// Encodes one tar member's header blocks the way Go's <c>archive/tar</c> writer does it for Docker's
/// layers: a plain ustar header whenever the fields fit (a long ASCII path split into prefix and
/// name), otherwise a PAX extended header (<c>x</c>) carrying the records that do not fit, followed
/// by a ustar-format header with the fields cut to size.
/// </summary>
/// <remarks>
/// Byte-level facts kept from Go's writer, so that the output compares equal with Docker's: numbers
/// are zero-padded octal with a NUL terminator; the checksum is six octal digits, NUL, space; the
/// magic is <c>ustar\0</c> with version <c>00</c>; PAX records are sorted by key (ordinal bytes);
/// the PAX header is named <c>dir/PaxHeaders.0/base</c> and has mode, owner and mtime 0.
/// </remarks>
internal static class TarHeaderEncoder
{
    internal const int BlockSize = 512;

    private const int NameSize = 100;
    private const int PrefixSize = 155;
    private const int OwnerNameSize = 32;
    private const long MaxOctal7 = 0x1F_FFFF; // 07777777
    private const long MaxOctal11 = (1L << 33) - 1; // 077777777777

    /// <summary>The largest PAX header data Go accepts; more is refused as a malformed entry.</summary>
    private const int MaxPaxSize = 1 << 20;

    /// <summary>Encodes the header block(s) of <paramref name="header"/>; the data follows them.</summary>
    /// <param name="header">The member.</param>
    /// <returns>One or more whole 512-byte blocks.</returns>
    public static byte[] Encode(in TarHeader header)
    {
        Validate(header);
        var records = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var pathNeedsRecord = !IsAscii(header.Name) || Encoding.UTF8.GetByteCount(header.Name) > NameSize;
        if (pathNeedsRecord)
        {
            records["path"] = Encoding.UTF8.GetBytes(header.Name);
        }

        var needsPax = false;
        void NeedString(string key, string value, int size)
        {
            if (!IsAscii(value) || Encoding.UTF8.GetByteCount(value) > size)
            {
                records[key] = Encoding.UTF8.GetBytes(value);
                needsPax = true;
            }
        }

        void NeedNumber(string key, long value, long max)
        {
            if (value < 0 || value > max)
            {
                records[key] = Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
                needsPax = true;
            }
        }

        NeedString("linkpath", header.LinkName, NameSize);
        NeedString("uname", header.UserName, OwnerNameSize);
        NeedString("gname", header.GroupName, OwnerNameSize);
        NeedNumber("uid", header.Uid, MaxOctal7);
        NeedNumber("gid", header.Gid, MaxOctal7);
        NeedNumber("size", header.Size, MaxOctal11);
        NeedNumber("mtime", header.ModificationTime, MaxOctal11);
        foreach (var (attribute, value) in header.ExtendedAttributes)
        {
            records["SCHILY.xattr." + attribute] = value;
            needsPax = true;
        }

        string? prefix = null;
        string name = header.Name;
        if (pathNeedsRecord && !needsPax && TrySplitUstarPath(header.Name, out var p, out var n))
        {
            prefix = p;
            name = n;
        }
        else if (pathNeedsRecord)
        {
            needsPax = true;
        }

        if (!needsPax)
        {
            var block = new byte[BlockSize];
            WriteMain(block, header, name, prefix ?? string.Empty);
            return block;
        }

        var paxData = FormatRecords(records);
        if (paxData.Length > MaxPaxSize)
        {
            throw new InvalidDataException(
                $"Tar entry '{header.Name}': its PAX extended header would be {paxData.Length} bytes, more than the {MaxPaxSize} readers accept.");
        }

        var paxBlocks = PaddedLength(paxData.Length);
        var result = new byte[BlockSize + paxBlocks + BlockSize];
        WritePaxHeaderBlock(result.AsSpan(0, BlockSize), header.Name, paxData.Length);
        paxData.CopyTo(result.AsSpan(BlockSize));
        WriteMain(result.AsSpan(BlockSize + paxBlocks, BlockSize), header, header.Name, string.Empty);
        return result;
    }

    /// <summary>The length of <paramref name="length"/> bytes rounded up to whole blocks.</summary>
    public static long PaddedLength(long length) => (length + BlockSize - 1) / BlockSize * BlockSize;

    private static int PaddedLength(int length) => (length + BlockSize - 1) / BlockSize * BlockSize;

    private static void Validate(in TarHeader header)
    {
        if (string.IsNullOrEmpty(header.Name))
        {
            throw new ArgumentException("A tar entry needs a name.", nameof(header));
        }

        if (header.Name.Contains('\0', StringComparison.Ordinal) || header.LinkName.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tar entry '{header.Name.Replace("\0", "\\0", StringComparison.Ordinal)}': names cannot hold a NUL character.", nameof(header));
        }

        if (header.UserName.Contains('\0', StringComparison.Ordinal) || header.GroupName.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tar entry '{header.Name}': owner names cannot hold a NUL character.", nameof(header));
        }

        if (header.Size < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(header), $"Tar entry '{header.Name}': negative size {header.Size}.");
        }

        if (header.Mode is < 0 or > MaxOctal7 || header.DeviceMajor is < 0 or > MaxOctal7 || header.DeviceMinor is < 0 or > MaxOctal7)
        {
            throw new ArgumentOutOfRangeException(nameof(header), $"Tar entry '{header.Name}': mode or device number does not fit a tar header.");
        }

        foreach (var key in header.ExtendedAttributes.Keys)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Tar entry '{header.Name}': extended attribute name '{key}' cannot be stored in a PAX record.", nameof(header));
            }
        }
    }

    private static void WriteMain(Span<byte> block, in TarHeader header, string name, string prefix)
    {
        WriteString(block.Slice(0, NameSize), name);
        WriteOctal(block.Slice(100, 8), header.Mode);
        WriteOctal(block.Slice(108, 8), header.Uid);
        WriteOctal(block.Slice(116, 8), header.Gid);
        WriteOctal(block.Slice(124, 12), header.Size);
        WriteOctal(block.Slice(136, 12), header.ModificationTime);
        block[156] = (byte)header.TypeFlag;
        WriteString(block.Slice(157, NameSize), header.LinkName);
        WriteMagic(block);
        WriteString(block.Slice(265, OwnerNameSize), header.UserName);
        WriteString(block.Slice(297, OwnerNameSize), header.GroupName);
        WriteOctal(block.Slice(329, 8), header.DeviceMajor);
        WriteOctal(block.Slice(337, 8), header.DeviceMinor);
        WriteString(block.Slice(345, PrefixSize), prefix);
        WriteChecksum(block);
    }

    private static void WritePaxHeaderBlock(Span<byte> block, string realName, int dataLength)
    {
        // Go names the extended header after its member: dir/PaxHeaders.0/base, ASCII only, cut to 100.
        var trimmed = realName.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var dir = slash < 0 ? string.Empty : trimmed[..(slash + 1)];
        var file = slash < 0 ? trimmed : trimmed[(slash + 1)..];
        var paxName = ToAscii(file.Length == 0 ? dir + "PaxHeaders.0" : dir + "PaxHeaders.0/" + file);
        if (paxName.Length > NameSize)
        {
            paxName = paxName[..NameSize];
        }

        paxName = paxName.TrimEnd('/');
        WriteString(block.Slice(0, NameSize), paxName);
        WriteOctal(block.Slice(100, 8), 0);
        WriteOctal(block.Slice(108, 8), 0);
        WriteOctal(block.Slice(116, 8), 0);
        WriteOctal(block.Slice(124, 12), dataLength);
        WriteOctal(block.Slice(136, 12), 0);
        block[156] = (byte)'x';
        WriteMagic(block);
        WriteChecksum(block);
    }

    private static byte[] FormatRecords(SortedDictionary<string, byte[]> records)
    {
        using var buffer = new MemoryStream();
        foreach (var (key, value) in records)
        {
            // "<length> <key>=<value>\n", where length counts the whole record including its own digits.
            var keyBytes = Encoding.UTF8.GetBytes(key);
            var size = keyBytes.Length + value.Length + 3;
            size += size.ToString(CultureInfo.InvariantCulture).Length;
            var digits = size.ToString(CultureInfo.InvariantCulture);
            if (digits.Length + keyBytes.Length + value.Length + 3 != size)
            {
                // Adding the digits made the number one digit longer: count the record as it now is.
                size = digits.Length + keyBytes.Length + value.Length + 3;
                digits = size.ToString(CultureInfo.InvariantCulture);
            }

            buffer.Write(Encoding.ASCII.GetBytes(digits));
            buffer.WriteByte((byte)' ');
            buffer.Write(keyBytes);
            buffer.WriteByte((byte)'=');
            buffer.Write(value);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    private static bool TrySplitUstarPath(string name, out string prefix, out string suffix)
    {
        prefix = suffix = string.Empty;
        var length = name.Length;
        if (length <= NameSize || !IsAscii(name))
        {
            return false;
        }

        if (length > PrefixSize + 1)
        {
            length = PrefixSize + 1;
        }
        else if (name[length - 1] == '/')
        {
            length--;
        }

        var i = name.LastIndexOf('/', length - 1);
        var suffixLength = name.Length - i - 1;
        if (i <= 0 || suffixLength > NameSize || suffixLength == 0 || i > PrefixSize)
        {
            return false;
        }

        prefix = name[..i];
        suffix = name[(i + 1)..];
        return true;
    }

    private static void WriteMagic(Span<byte> block)
    {
        "ustar\0"u8.CopyTo(block.Slice(257, 6));
        "00"u8.CopyTo(block.Slice(263, 2));
    }

    private static void WriteChecksum(Span<byte> block)
    {
        // The checksum is computed with its own field read as eight spaces.
        "        "u8.CopyTo(block.Slice(148, 8));
        var sum = 0;
        foreach (var b in block)
        {
            sum += b;
        }

        WriteOctal(block.Slice(148, 7), sum);
        block[155] = (byte)' ';
    }

    private static void WriteOctal(Span<byte> field, long value)
    {
        // Zero-padded to the field's width less one, then NUL; a value that does not fit is written as
        // 0 (its real value is then in a PAX record, as Go does).
        if (value < 0 || value >= 1L << (3 * (field.Length - 1)))
        {
            value = 0;
        }

        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }

    private static void WriteString(Span<byte> field, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(ToAscii(value));
        var count = Math.Min(bytes.Length, field.Length);
        bytes.AsSpan(0, count).CopyTo(field);
        if (count < field.Length)
        {
            field[count] = 0;
        }
        else if (bytes.Length > field.Length && field[^1] == (byte)'/')
        {
            // A cut name must not end in '/' (some readers would take a file for a directory).
            var n = Encoding.ASCII.GetString(field[..^1]).TrimEnd('/').Length;
            field[n] = 0;
        }
    }

    private static string ToAscii(string value)
    {
        if (IsAscii(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c < 0x80)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsAscii(string value) => Ascii.IsValid(value);
}
