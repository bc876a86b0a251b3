using System.Buffers;
using System.Globalization;
using System.Text;
using Overlay.Oci.Model;
using Overlay.Oci.Tar;

namespace Overlay.Oci;

/// <summary>
/// A tolerant, forward-only reader of tar archives as real layers write them: ustar, GNU long
/// names and links (<c>L</c>/<c>K</c>), PAX extended and global headers (binary
/// <c>SCHILY.xattr.*</c> values kept as bytes), base-256 numbers, old v7 headers.
/// </summary>
/// <remarks>
/// Every malformed or over-limit input raises an <see cref="InvalidDataException"/> whose message
/// names the member (or the header offset when no name is known yet); nothing else escapes for bad
/// input. Every step advances by at least one 512-byte block, so no input makes the reader loop.
/// </remarks>
public sealed class LayerTarReader : IDisposable
{
    private const int Block = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly TarLimits _limits;
    private readonly byte[] _header = new byte[Block];
    private readonly Dictionary<string, byte[]> _globalPax = new(StringComparer.Ordinal);

    /// <summary>The records of the member being read (cleared for each member; nothing keeps it).</summary>
    private readonly Dictionary<string, byte[]> _localPax = new(StringComparer.Ordinal);

    private static readonly Dictionary<string, byte[]> NoRecords = new(0, StringComparer.Ordinal);

    /// <summary>
    /// The standard keys the member's own fields take (not kept in <see cref="TarMember.PaxRecords"/>),
    /// which nearly every PAX header has: given as these strings rather than new ones.
    /// </summary>
    private static readonly string[] CommonKeys = ["path", "linkpath", "size", "uid", "gid", "uname", "gname", "mtime", "atime", "ctime"];

    private byte[] _extension = new byte[4096];
    private string? _lastUserName;
    private string? _lastGroupName;
    private long _position;
    private long _remainingData;
    private long _remainingPadding;
    private long _totalSize;
    private bool _ended;
    private string? _lastName;

    /// <summary>Starts reading a tar from a stream's current position.</summary>
    /// <param name="stream">The uncompressed tar; seekable streams skip data by seeking.</param>
    /// <param name="limits">The limits; <see cref="TarLimits.Default"/> when omitted.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves the stream open.</param>
    public LayerTarReader(Stream stream, TarLimits? limits = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _limits = limits ?? TarLimits.Default;
        _limits.Validate();
    }

    /// <summary>How many members have been returned.</summary>
    public int MemberCount { get; private set; }

    /// <summary>The member returned last, whose data <see cref="OpenData"/> reads.</summary>
    public TarMember? Current { get; private set; }

    /// <summary>Reads the next member's header (skipping the unread data of the one before).</summary>
    /// <param name="cancellationToken">Cancels between members.</param>
    /// <returns>The member, or <see langword="null"/> at the end of the archive.</returns>
    /// <exception cref="InvalidDataException">The archive is malformed, truncated or over a limit.</exception>
    public TarMember? GetNextMember(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SkipRest();
        Current = null;
        if (_ended)
        {
            return null;
        }

        Dictionary<string, byte[]>? pax = null;
        byte[]? longName = null;
        byte[]? longLink = null;
        while (true)
        {
            long headerOffset = _position;
            if (!ReadHeader())
            {
                if (pax is not null || longName is not null || longLink is not null)
                {
                    throw Bad(headerOffset, null, "the archive ends after an extension header, before its member");
                }

                _ended = true;
                return null;
            }

            char type = (char)_header[156];
            long size = ParseNumber(124, 12, headerOffset, "size");
            if (size < 0)
            {
                throw Bad(headerOffset, null, "negative size");
            }

            switch (type)
            {
                case 'x':
                    if (pax is null)
                    {
                        _localPax.Clear();
                        pax = _localPax;
                    }

                    pax = ParsePax(ReadExtension(size, headerOffset), headerOffset, pax);
                    continue;
                case 'g':
                    ParsePax(ReadExtension(size, headerOffset), headerOffset, _globalPax);
                    continue;
                case 'L':
                    longName = TrimNul(ReadExtension(size, headerOffset));
                    continue;
                case 'K':
                    longLink = TrimNul(ReadExtension(size, headerOffset));
                    continue;
                case 'V':
                    // A GNU volume label describes the tape, not a member.
                    Skip(size, headerOffset);
                    continue;
            }

            var entry = BuildEntry(type, size, headerOffset, pax, longName, longLink);
            MemberCount++;
            if (MemberCount > _limits.MaxEntries)
            {
                throw Bad(headerOffset, entry.Name, $"the archive holds more than {_limits.MaxEntries} members (TarLimits.MaxEntries)");
            }

            _totalSize += entry.Size;
            if (_totalSize > _limits.MaxTotalSize)
            {
                throw Bad(headerOffset, entry.Name, $"the members' data exceeds {_limits.MaxTotalSize} bytes (TarLimits.MaxTotalSize)");
            }

            _remainingData = entry.Size;
            _remainingPadding = Padding(entry.Size);
            Current = entry;
            _lastName = entry.Name;
            return entry;
        }
    }

    /// <summary>
    /// A stream over the current member's data, read forward from the archive. Valid until the next
    /// <see cref="GetNextMember"/>.
    /// </summary>
    /// <returns>The data stream (empty for members without data).</returns>
    public Stream OpenData()
    {
        var entry = Current ?? throw new InvalidOperationException("No current tar member.");
        return new MemberStream(this, entry);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    // ---- Headers

    private bool ReadHeader()
    {
        int read = ReadFully(_header, 0, Block);
        if (read == 0)
        {
            // No end-of-archive blocks at all: tolerated, as GNU tar does.
            return false;
        }

        if (read < Block)
        {
            throw Bad(_position, null, "the archive is truncated inside a header");
        }

        long offset = _position;
        _position += Block;
        if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            // One zero block ends the archive (the second is optional in practice); whatever follows is not read.
            return false;
        }

        long stored = ParseNumber(148, 8, offset, "checksum");
        if (stored != UnsignedChecksum(_header) && stored != SignedChecksum(_header))
        {
            throw Bad(offset, null, "header checksum mismatch (not a tar, or a corrupt one)");
        }

        return true;
    }

    /// <summary>The header's bytes summed as unsigned, the checksum field counted as eight spaces.</summary>
    private static long UnsignedChecksum(byte[] header)
    {
        if (!BitConverter.IsLittleEndian)
        {
            long plain = 8 * ' ';
            for (int i = 0; i < Block; i++)
            {
                plain += i is < 148 or >= 156 ? header[i] : 0;
            }

            return plain;
        }

        // Eight bytes at a time: each byte of a lane is added into its own 16-bit slot (at most 64 bytes a slot, no carry out).
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(header.AsSpan(0, Block));
        ulong low = 0;
        ulong high = 0;
        for (int i = 0; i < words.Length; i++)
        {
            ulong word = i == 148 / 8 ? (words[i] & 0x0000_0000_FFFF_FFFFUL) | 0x2020_2020_0000_0000UL
                : i == 152 / 8 ? (words[i] & 0xFFFF_FFFF_0000_0000UL) | 0x0000_0000_2020_2020UL
                : words[i];
            low += word & 0x00FF_00FF_00FF_00FFUL;
            high += (word >> 8) & 0x00FF_00FF_00FF_00FFUL;
        }

        ulong sum = low + high;
        return (long)((sum & 0xFFFF) + ((sum >> 16) & 0xFFFF) + ((sum >> 32) & 0xFFFF) + (sum >> 48));
    }

    /// <summary>The header's bytes summed as signed (some old writers did), the checksum field counted as eight spaces.</summary>
    private static long SignedChecksum(byte[] header)
    {
        long signed = 8 * ' ';
        for (int i = 0; i < Block; i++)
        {
            if (i is < 148 or >= 156)
            {
                signed += (sbyte)header[i];
            }
        }

        return signed;
    }

    private TarMember BuildEntry(char type, long size, long headerOffset, Dictionary<string, byte[]>? localPax, byte[]? longName, byte[]? longLink)
    {
        var pax = Merge(localPax);
        bool ustar = _header.AsSpan(257, 5).SequenceEqual("ustar"u8);
        bool gnu = _header.AsSpan(257, 8).SequenceEqual("ustar  \0"u8);

        string? name = null;
        if (pax.TryGetValue("path", out var paxPath))
        {
            name = Text(paxPath);
        }
        else if (longName is not null)
        {
            name = Text(longName);
        }
        else
        {
            string baseName = Field(0, 100, headerOffset);
            string prefix = ustar && !gnu ? Field(345, 155, headerOffset) : string.Empty;
            name = prefix.Length > 0 ? prefix + "/" + baseName : baseName;
        }

        if (name.Length == 0)
        {
            throw Bad(headerOffset, null, "a member has an empty name");
        }

        CheckName(name, headerOffset, name, "name");

        string linkName = pax.TryGetValue("linkpath", out var paxLink) ? Text(paxLink)
            : longLink is not null ? Text(longLink)
            : Field(157, 100, headerOffset);
        if (linkName.Length > 0)
        {
            CheckName(linkName, headerOffset, name, "link name");
        }

        if (pax.TryGetValue("size", out var paxSize))
        {
            size = PaxInteger(paxSize, headerOffset, name, "size");
        }

        foreach (string key in pax.Keys)
        {
            if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
            {
                throw Bad(headerOffset, name, "sparse members are not supported");
            }
        }

        var entryType = type switch
        {
            '0' or '\0' or '7' => name.EndsWith('/') ? TarMemberType.Directory : TarMemberType.RegularFile,
            '1' => TarMemberType.HardLink,
            '2' => TarMemberType.SymbolicLink,
            '3' => TarMemberType.CharacterDevice,
            '4' => TarMemberType.BlockDevice,
            '5' or 'D' => TarMemberType.Directory,
            '6' => TarMemberType.Fifo,
            'S' or 'M' => throw Bad(headerOffset, name, $"GNU {(type == 'S' ? "sparse" : "multi-volume")} members are not supported"),
            >= 'A' and <= 'Z' => throw Bad(headerOffset, name, $"unknown vendor member type '{type}'"),
            // POSIX: an unknown type is read as a regular file.
            _ => TarMemberType.RegularFile,
        };

        // Most members have neither attributes nor other records: their dictionaries are made only when needed.
        Dictionary<string, byte[]>? xattrs = null;
        Dictionary<string, string>? records = null;
        foreach (var (key, value) in pax)
        {
            if (key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
            {
                (xattrs ??= new(StringComparer.Ordinal))[key["SCHILY.xattr.".Length..]] = value;
            }
            else if (key.StartsWith("LIBARCHIVE.xattr.", StringComparison.Ordinal))
            {
                string attribute = Uri.UnescapeDataString(key["LIBARCHIVE.xattr.".Length..]);
                try
                {
                    (xattrs ??= new(StringComparer.Ordinal)).TryAdd(attribute, Convert.FromBase64String(Encoding.ASCII.GetString(value)));
                }
                catch (FormatException)
                {
                    throw Bad(headerOffset, name, $"extended attribute '{attribute}' is not base64");
                }
            }
            else if (Array.IndexOf(CommonKeys, key) < 0 && key is not (PosixAclText.AccessRecord or PosixAclText.DefaultRecord))
            {
                (records ??= new(StringComparer.Ordinal))[key] = Encoding.UTF8.GetString(value);
            }
        }

        if (pax.Count > 0)
        {
            AddAcl(pax, PosixAclText.AccessRecord, PosixAclText.AccessAttribute, ref xattrs, headerOffset, name);
            AddAcl(pax, PosixAclText.DefaultRecord, PosixAclText.DefaultAttribute, ref xattrs, headerOffset, name);
        }

        long mode = ParseNumber(100, 8, headerOffset, "mode");
        return new TarMember
        {
            Name = name,
            Type = entryType,
            Mode = (UnixFileMode)(mode & 0xFFF),
            Uid = pax.TryGetValue("uid", out var uid) ? PaxInteger(uid, headerOffset, name, "uid") : ParseNumber(108, 8, headerOffset, "uid"),
            Gid = pax.TryGetValue("gid", out var gid) ? PaxInteger(gid, headerOffset, name, "gid") : ParseNumber(116, 8, headerOffset, "gid"),
            UserName = pax.TryGetValue("uname", out var uname) ? Encoding.UTF8.GetString(uname) : ustar ? OwnerName(265, ref _lastUserName) : null,
            GroupName = pax.TryGetValue("gname", out var gname) ? Encoding.UTF8.GetString(gname) : ustar ? OwnerName(297, ref _lastGroupName) : null,
            ModificationTimeUtc = pax.TryGetValue("mtime", out var mtime) ? PaxTime(mtime, headerOffset, name, "mtime") : FromUnix(ParseNumber(136, 12, headerOffset, "mtime"), 0),
            AccessTimeUtc = pax.TryGetValue("atime", out var atime) ? PaxTime(atime, headerOffset, name, "atime")
                : gnu && _header[345] != 0 ? FromUnix(ParseNumber(345, 12, headerOffset, "atime"), 0) : null,
            ChangeTimeUtc = pax.TryGetValue("ctime", out var ctime) ? PaxTime(ctime, headerOffset, name, "ctime")
                : gnu && _header[357] != 0 ? FromUnix(ParseNumber(357, 12, headerOffset, "ctime"), 0) : null,
            Size = size,
            LinkName = linkName,
            DeviceMajor = Device(pax, "SCHILY.devmajor", 329, headerOffset, name),
            DeviceMinor = Device(pax, "SCHILY.devminor", 337, headerOffset, name),
            ExtendedAttributes = xattrs ?? TarMember.EmptyAttributes,
            PaxRecords = records ?? TarMember.EmptyRecords,
            HeaderOffset = headerOffset,
            DataOffset = _position,
        };
    }

    /// <summary>
    /// GNU tar's <c>--acls</c> text record (<c>SCHILY.acl.access</c>, <c>SCHILY.acl.default</c>) as the
    /// binary <c>system.posix_acl_*</c> attribute, unless the member carries that attribute itself
    /// (<c>--xattrs</c> writes both; the binary value is the one the kernel held). Names in the text
    /// are looked up in this system's user and group databases, as GNU tar's extraction does.
    /// </summary>
    private void AddAcl(Dictionary<string, byte[]> pax, string record, string attribute, ref Dictionary<string, byte[]>? xattrs, long headerOffset, string name)
    {
        if (!pax.TryGetValue(record, out var text) || (xattrs?.ContainsKey(attribute) ?? false))
        {
            return;
        }

        try
        {
            if (PosixAclText.ToXattr(Encoding.UTF8.GetString(text), Layers.Host.LinuxSyscalls.UserIdOf, Layers.Host.LinuxSyscalls.GroupIdOf) is { } value)
            {
                (xattrs ??= new(StringComparer.Ordinal))[attribute] = value;
            }
        }
        catch (FormatException e)
        {
            throw Bad(headerOffset, name, $"its {record} record is not a POSIX ACL: {e.Message}");
        }
    }

    private Dictionary<string, byte[]> Merge(Dictionary<string, byte[]>? local)
    {
        if (_globalPax.Count == 0)
        {
            return local ?? NoRecords;
        }

        var merged = new Dictionary<string, byte[]>(_globalPax, StringComparer.Ordinal);
        foreach (var (key, value) in local ?? [])
        {
            merged[key] = value;
        }

        return merged;
    }

    private int Device(Dictionary<string, byte[]> pax, string key, int offset, long headerOffset, string name)
    {
        long value = pax.TryGetValue(key, out var text) ? PaxInteger(text, headerOffset, name, key) : ParseNumber(offset, 8, headerOffset, key);
        return value is < 0 or > int.MaxValue ? throw Bad(headerOffset, name, $"device number {value} out of range") : (int)value;
    }

    private void CheckName(string text, long headerOffset, string name, string what)
    {
        if (text.Contains('\0'))
        {
            throw Bad(headerOffset, name.Replace("\0", "\\0", StringComparison.Ordinal), $"the {what} contains a NUL character");
        }

        if (Encoding.UTF8.GetByteCount(text) > _limits.MaxNameLength)
        {
            throw Bad(headerOffset, name.Length > 200 ? name[..200] + "…" : name, $"the {what} is longer than {_limits.MaxNameLength} bytes (TarLimits.MaxNameLength)");
        }
    }

    // ---- Extension headers

    /// <summary>
    /// An extension header's data, in a buffer reused for the next one: what is kept of it
    /// (record values, a long name) is copied out.
    /// </summary>
    private ReadOnlySpan<byte> ReadExtension(long size, long headerOffset)
    {
        if (size > _limits.MaxExtendedHeaderSize)
        {
            throw Bad(headerOffset, null, $"an extension header of {size} bytes exceeds {_limits.MaxExtendedHeaderSize} (TarLimits.MaxExtendedHeaderSize)");
        }

        if (_extension.Length < size)
        {
            _extension = new byte[Math.Max(size, Math.Min(2L * _extension.Length, _limits.MaxExtendedHeaderSize))];
        }

        var data = _extension;
        if (ReadFully(data, 0, (int)size) < size)
        {
            throw Bad(headerOffset, null, "the archive is truncated inside an extension header");
        }

        _position += size;
        Skip(Padding(size), headerOffset);
        return data.AsSpan(0, (int)size);
    }

    private Dictionary<string, byte[]> ParsePax(ReadOnlySpan<byte> data, long headerOffset, Dictionary<string, byte[]> into)
    {
        // Records are "<length> <key>=<value>\n", length in decimal counting the whole record; the
        // value is raw bytes (SCHILY.xattr values are binary), so nothing is decoded as text first.
        int at = 0;
        while (at < data.Length)
        {
            if (data[at] == 0)
            {
                break; // NUL padding after the last record, written by some tools.
            }

            int space = data[at..].IndexOf((byte)' ') is var found and >= 0 ? at + found : -1;
            if (space < 0 || space - at > 10)
            {
                throw Bad(headerOffset, null, "malformed PAX record length");
            }

            if (!int.TryParse(data.Slice(at, space - at), NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                || length <= space - at + 1 || at + length > data.Length || data[at + length - 1] != '\n')
            {
                throw Bad(headerOffset, null, "malformed PAX record");
            }

            var record = data.Slice(space + 1, at + length - 1 - (space + 1));
            int equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw Bad(headerOffset, null, "PAX record without a key");
            }

            string key = Key(record[..equals]);
            into[key] = record[(equals + 1)..].ToArray();
            at += length;
        }

        return into;
    }

    private static string Key(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= 8)
        {
            foreach (string common in CommonKeys)
            {
                if (common.Length == bytes.Length && Ascii.Equals(bytes, common))
                {
                    return common;
                }
            }
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A ustar owner name field; the previous member's string when the bytes are the same (most members share a few names).</summary>
    private string? OwnerName(int offset, ref string? last)
    {
        var span = _header.AsSpan(offset, 32);
        int end = span.IndexOf((byte)0);
        span = end < 0 ? span : span[..end];
        if (span.IsEmpty)
        {
            return null;
        }

        if (last is not null && last.Length == span.Length && Ascii.Equals(span, last))
        {
            return last;
        }

        return last = Text(span);
    }

    private static byte[] TrimNul(ReadOnlySpan<byte> data)
    {
        // Only the terminating NULs: a NUL inside the name is refused by the name check.
        int end = data.LastIndexOfAnyExcept((byte)0) + 1;
        return data[..end].ToArray();
    }

    // ---- Fields

    private string Field(int offset, int length, long headerOffset)
    {
        var span = _header.AsSpan(offset, length);
        int end = span.IndexOf((byte)0);
        return Text(end < 0 ? span : span[..end]);
    }

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Non-UTF-8 names exist in old archives; Latin-1 keeps every byte distinct.
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private long ParseNumber(int offset, int length, long headerOffset, string what)
    {
        var span = _header.AsSpan(offset, length);
        if ((span[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement, the first byte's top bit the marker.
            if (span[0] == 0xFF)
            {
                throw Bad(headerOffset, null, $"negative base-256 {what}");
            }

            long value = span[0] & 0x7F;
            for (int i = 1; i < span.Length; i++)
            {
                if (value > (long.MaxValue >> 8))
                {
                    throw Bad(headerOffset, null, $"base-256 {what} overflows");
                }

                value = (value << 8) | span[i];
            }

            return value;
        }

        long result = 0;
        bool digits = false;
        foreach (byte b in span)
        {
            if (b is (byte)' ' or 0)
            {
                if (digits)
                {
                    break;
                }

                continue;
            }

            if (b is < (byte)'0' or > (byte)'7')
            {
                throw Bad(headerOffset, null, $"the {what} field is not an octal number");
            }

            digits = true;
            if (result > (long.MaxValue >> 3))
            {
                throw Bad(headerOffset, null, $"the {what} field overflows");
            }

            result = (result << 3) | (uint)(b - '0');
        }

        return result;
    }

    private long PaxInteger(byte[] value, long headerOffset, string name, string what) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long result)
            ? result
            : throw Bad(headerOffset, name, $"PAX {what} is not a non-negative integer");

    private DateTime PaxTime(byte[] value, long headerOffset, string name, string what)
    {
        if (TryPlainPaxTime(value, out var plain))
        {
            return plain;
        }

        if (!decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds)
            || seconds < -62_135_596_800m || seconds > 253_402_300_799m)
        {
            throw Bad(headerOffset, name, $"PAX {what} is not a time");
        }

        long whole = (long)decimal.Floor(seconds);
        long ticks = (long)((seconds - whole) * TimeSpan.TicksPerSecond);
        return FromUnix(whole, ticks);
    }

    /// <summary>
    /// The usual form, "seconds[.fraction]" with at most 11 digits of seconds, without going through
    /// <see cref="decimal"/>; anything else (a sign, an exponent-free but longer number) is left to the full parse.
    /// </summary>
    private static bool TryPlainPaxTime(ReadOnlySpan<byte> value, out DateTime time)
    {
        time = default;
        int dot = value.IndexOf((byte)'.');
        var whole = dot < 0 ? value : value[..dot];
        if (whole.IsEmpty || whole.Length > 11)
        {
            return false;
        }

        long seconds = 0;
        foreach (byte b in whole)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            seconds = seconds * 10 + (b - '0');
        }

        long ticks = 0;
        if (dot >= 0)
        {
            var fraction = value[(dot + 1)..];
            if (fraction.IsEmpty)
            {
                return false;
            }

            long scale = TimeSpan.TicksPerSecond;
            foreach (byte b in fraction)
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }

                // Digits past the tick (100 ns) are dropped, as the full parse truncates them.
                scale /= 10;
                ticks += (b - '0') * scale;
            }
        }

        if (seconds > 253_402_300_799L)
        {
            return false;
        }

        time = FromUnix(seconds, ticks);
        return true;
    }

    private static DateTime FromUnix(long seconds, long ticks)
    {
        seconds = Math.Clamp(seconds, -62_135_596_800L, 253_402_300_799L);
        return DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks);
    }

    // ---- Data

    private static long Padding(long size) => (Block - (size % Block)) % Block;

    private void SkipRest()
    {
        if (_remainingData + _remainingPadding > 0)
        {
            long offset = Current?.HeaderOffset ?? _position;
            Skip(_remainingData + _remainingPadding, offset, Current?.Name);
            _remainingData = 0;
            _remainingPadding = 0;
        }
    }

    private void Skip(long count, long headerOffset, string? name = null)
    {
        if (count == 0)
        {
            return;
        }

        if (_stream.CanSeek)
        {
            if (_stream.Position + count > _stream.Length)
            {
                throw Bad(headerOffset, name, "the archive is truncated inside a member's data");
            }

            _stream.Seek(count, SeekOrigin.Current);
            _position += count;
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (count > 0)
            {
                int read = _stream.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
                if (read == 0)
                {
                    throw Bad(headerOffset, name, "the archive is truncated inside a member's data");
                }

                count -= read;
                _position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int ReadData(TarMember entry, Span<byte> buffer)
    {
        if (Current != entry)
        {
            throw new InvalidOperationException($"The data of tar member '{entry.Name}' is no longer readable: the reader moved on.");
        }

        if (_remainingData == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        int read = _stream.Read(buffer[..(int)Math.Min(buffer.Length, _remainingData)]);
        if (read == 0)
        {
            throw Bad(entry.HeaderOffset, entry.Name, "the archive is truncated inside the member's data");
        }

        _remainingData -= read;
        _position += read;
        return read;
    }

    private int ReadFully(byte[] buffer, int offset, int count)
    {
        int total = 0;
        while (total < count)
        {
            int read = _stream.Read(buffer, offset + total, count - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private InvalidDataException Bad(long headerOffset, string? name, string reason) =>
        new(name is not null
            ? $"Tar member '{name}' (offset {headerOffset}): {reason}."
            : _lastName is not null
                ? $"Malformed tar at offset {headerOffset} (after member '{_lastName}'): {reason}."
                : $"Malformed tar at offset {headerOffset}: {reason}.");

    private sealed class MemberStream(LayerTarReader reader, TarMember entry) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => entry.Size;

        public override long Position
        {
            get => entry.Size - reader._remainingData;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => reader.ReadData(entry, buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => reader.ReadData(entry, buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
