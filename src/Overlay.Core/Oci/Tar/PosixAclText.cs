using System.Buffers.Binary;
using System.Globalization;

namespace Overlay.Oci.Tar;

/// <summary>
/// POSIX ACLs in the text form GNU tar's <c>--acls</c> writes as PAX <c>SCHILY.acl.access</c> and
/// <c>SCHILY.acl.default</c> records (<c>user::rw-</c>, <c>user:1000:r--</c>, <c>group::r--</c>,
/// <c>mask::r--</c>, <c>other::r--</c>, one entry a line or comma-separated), turned into the binary
/// value the kernel keeps in <c>system.posix_acl_access</c> and <c>system.posix_acl_default</c>.
/// </summary>
/// <remarks>
/// <para>
/// The binary form is a little-endian header (version 2) and one 8-byte entry per line: tag (u16:
/// user owner 1, named user 2, group owner 4, named group 8, mask 0x10, other 0x20), permissions
/// (u16: read 4, write 2, execute 1) and id (u32: the uid or gid of a named entry, 0xFFFFFFFF for
/// the others), sorted by tag and then id, as the kernel sorts them.
/// </para>
/// <para>
/// The text is read as <c>acl_from_text</c> reads it: tags <c>user</c>/<c>u</c>, <c>group</c>/<c>g</c>,
/// <c>mask</c>/<c>m</c>, <c>other</c>/<c>o</c>; permissions any of <c>r</c>, <c>w</c>, <c>x</c>,
/// <c>-</c> in any order; <c>#</c> starts a comment that runs to the end of the line (GNU tar's
/// <c>#effective:</c> notes); spaces and tabs around fields are ignored. A qualifier is a numeric id
/// or a name, which the caller's lookup turns into one (GNU tar
/// writes names where the creating system had them, and its extraction looks them up on the system
/// extracting). A fourth field holding a number, which bsdtar adds to named entries, is the id and
/// wins over the name.
/// </para>
/// </remarks>
internal static class PosixAclText
{
    /// <summary>The PAX record of an access ACL.</summary>
    public const string AccessRecord = "SCHILY.acl.access";

    /// <summary>The PAX record of a directory's default ACL.</summary>
    public const string DefaultRecord = "SCHILY.acl.default";

    /// <summary>The attribute the kernel keeps an access ACL in.</summary>
    public const string AccessAttribute = "system.posix_acl_access";

    /// <summary>The attribute the kernel keeps a default ACL in.</summary>
    public const string DefaultAttribute = "system.posix_acl_default";

    private const ushort UserObj = 0x01;
    private const ushort User = 0x02;
    private const ushort GroupObj = 0x04;
    private const ushort Group = 0x08;
    private const ushort Mask = 0x10;
    private const ushort Other = 0x20;
    private const uint UndefinedId = 0xFFFFFFFF;
    private const uint Version = 2;

    /// <summary>Turns the text of an ACL into the kernel's binary value.</summary>
    /// <param name="text">The record's text.</param>
    /// <param name="userId">The uid of a user name, or null when the name is not known.</param>
    /// <param name="groupId">The gid of a group name, or null when the name is not known.</param>
    /// <returns>The binary value; null when the text holds no entry at all.</returns>
    /// <exception cref="FormatException">The text is not a valid ACL; the message says which entry and why.</exception>
    public static byte[]? ToXattr(string text, Func<string, uint?> userId, Func<string, uint?> groupId)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<(ushort Tag, ushort Perm, uint Id)>();
        foreach (string line in text.Split('\n'))
        {
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            string content = hash >= 0 ? line[..hash] : line;
            foreach (string raw in content.Split(','))
            {
                string entry = raw.Trim(' ', '\t', '\r');
                if (entry.Length > 0)
                {
                    entries.Add(ParseEntry(entry, userId, groupId));
                }
            }
        }

        if (entries.Count == 0)
        {
            return null;
        }

        Check(entries);
        entries.Sort(static (a, b) => a.Tag != b.Tag ? a.Tag.CompareTo(b.Tag) : a.Id.CompareTo(b.Id));
        var value = new byte[4 + (8 * entries.Count)];
        BinaryPrimitives.WriteUInt32LittleEndian(value, Version);
        for (int i = 0; i < entries.Count; i++)
        {
            var at = value.AsSpan(4 + (8 * i));
            BinaryPrimitives.WriteUInt16LittleEndian(at, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(at[2..], entries[i].Perm);
            BinaryPrimitives.WriteUInt32LittleEndian(at[4..], entries[i].Id);
        }

        return value;
    }

    private static (ushort Tag, ushort Perm, uint Id) ParseEntry(string entry, Func<string, uint?> userId, Func<string, uint?> groupId)
    {
        string[] fields = entry.Split(':');
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = fields[i].Trim(' ', '\t');
        }

        ushort tag = fields[0] switch
        {
            "user" or "u" => UserObj,
            "group" or "g" => GroupObj,
            "mask" or "m" => Mask,
            "other" or "o" => Other,
            _ => throw new FormatException($"entry '{entry}' has no tag user, group, mask or other"),
        };

        // mask and other may leave out the empty qualifier ("other:r--").
        if (tag is Mask or Other && fields.Length == 2)
        {
            fields = [fields[0], string.Empty, fields[1]];
        }

        if (fields.Length is not (3 or 4))
        {
            throw new FormatException($"entry '{entry}' is not tag:qualifier:permissions");
        }

        string qualifier = fields[1];
        ushort perm = Permissions(fields[2], entry);
        if (qualifier.Length == 0)
        {
            if (fields.Length == 4)
            {
                throw new FormatException($"entry '{entry}' has an id but no qualifier");
            }

            return (tag, perm, UndefinedId);
        }

        if (tag is Mask or Other)
        {
            throw new FormatException($"entry '{entry}' has a qualifier, which {fields[0]} entries do not take");
        }

        bool user = tag == UserObj;
        uint id;
        if (fields.Length == 4)
        {
            id = Number(fields[3]) ?? throw new FormatException($"entry '{entry}' has a fourth field that is not a numeric id");
        }
        else if (Number(qualifier) is uint number)
        {
            id = number;
        }
        else
        {
            id = (user ? userId(qualifier) : groupId(qualifier))
                ?? throw new FormatException($"entry '{entry}' names {(user ? "user" : "group")} '{qualifier}', which this system does not know");
        }

        if (id == UndefinedId)
        {
            throw new FormatException($"entry '{entry}' has id {UndefinedId}, which no {(user ? "user" : "group")} can have");
        }

        return (user ? User : Group, perm, id);
    }

    private static ushort Permissions(string text, string entry)
    {
        if (text.Length == 0)
        {
            throw new FormatException($"entry '{entry}' has no permissions");
        }

        ushort perm = 0;
        foreach (char c in text)
        {
            ushort bit = c switch
            {
                'r' => 4,
                'w' => 2,
                'x' => 1,
                '-' => 0,
                _ => throw new FormatException($"entry '{entry}' has '{c}' among its permissions (only r, w, x and -)"),
            };
            if ((perm & bit) != 0)
            {
                throw new FormatException($"entry '{entry}' gives '{c}' twice");
            }

            perm |= bit;
        }

        return perm;
    }

    private static uint? Number(string text) =>
        text.Length > 0 && text.All(char.IsAsciiDigit) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) ? value : null;

    /// <summary>What the kernel's check of an ACL asks: one owner, owning group and other entry, no name twice, a mask where there are named entries.</summary>
    private static void Check(List<(ushort Tag, ushort Perm, uint Id)> entries)
    {
        foreach (var (tag, name) in new[] { (UserObj, "user::"), (GroupObj, "group::"), (Other, "other::") })
        {
            int count = entries.Count(e => e.Tag == tag);
            if (count != 1)
            {
                throw new FormatException(count == 0 ? $"it has no {name} entry" : $"it has {count} {name} entries");
            }
        }

        if (entries.Count(e => e.Tag == Mask) > 1)
        {
            throw new FormatException("it has more than one mask entry");
        }

        var twice = entries.Where(e => e.Tag is User or Group).GroupBy(e => (e.Tag, e.Id)).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new FormatException($"it has two entries for {(twice.Key.Tag == User ? "user" : "group")} {twice.Key.Id}");
        }

        if (entries.Any(e => e.Tag is User or Group) && !entries.Any(e => e.Tag == Mask))
        {
            throw new FormatException("it has named user or group entries but no mask entry");
        }
    }
}
