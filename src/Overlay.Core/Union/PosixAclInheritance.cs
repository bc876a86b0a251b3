using System.Buffers.Binary;

namespace Overlay.Union;

/// <summary>
/// What a new object gets from its directory's default POSIX ACL, as the kernel's
/// <c>posix_acl_create</c> gives it: the mode asked for limited by the ACL's owner, group (or
/// mask) and other entries, and an access ACL when the default ACL holds more than those three.
/// A directory also takes the default ACL itself. Values are the binary form of the
/// <c>system.posix_acl_*</c> attributes (version 2, then 8-byte entries: tag, permissions, id).
/// </summary>
internal static class PosixAclInheritance
{
    /// <summary>The attribute holding an object's access ACL.</summary>
    public const string AccessAttribute = "system.posix_acl_access";

    /// <summary>The attribute holding a directory's default ACL.</summary>
    public const string DefaultAttribute = "system.posix_acl_default";

    private const ushort UserObj = 0x01, User = 0x02, GroupObj = 0x04, Group = 0x08, Mask = 0x10, Other = 0x20;
    private const int HeaderSize = 4, EntrySize = 8;

    /// <summary>
    /// The mode and attributes of a new object in a directory whose default ACL is
    /// <paramref name="defaultAcl"/>; false (nothing given) when the value is not a well-formed ACL.
    /// </summary>
    /// <param name="defaultAcl">The directory's <c>system.posix_acl_default</c> value.</param>
    /// <param name="mode">In: the mode asked for (no umask); out: the mode the object gets.</param>
    /// <param name="isDirectory">Whether the new object is a directory (it also takes the default ACL).</param>
    /// <param name="attributes">The ACL attributes the object gets (possibly none).</param>
    public static bool TryInherit(ReadOnlySpan<byte> defaultAcl, ref UnixFileMode mode, bool isDirectory, out Dictionary<string, byte[]> attributes)
    {
        attributes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (defaultAcl.Length < HeaderSize + EntrySize || (defaultAcl.Length - HeaderSize) % EntrySize != 0
            || BinaryPrimitives.ReadUInt32LittleEndian(defaultAcl) != 2)
        {
            return false;
        }

        byte[] access = defaultAcl.ToArray();
        int bits = (int)mode & 0x1FF;
        bool equivalent = true;
        int groupObj = -1, mask = -1;
        for (int offset = HeaderSize; offset < access.Length; offset += EntrySize)
        {
            var entry = access.AsSpan(offset);
            int perm = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]) & 7;
            switch (BinaryPrimitives.ReadUInt16LittleEndian(entry))
            {
                case UserObj:
                    perm &= bits >> 6;
                    bits &= (perm << 6) | 0x3F;
                    WritePerm(entry, perm);
                    break;
                case User or Group:
                    equivalent = false;
                    break;
                case GroupObj:
                    groupObj = offset;
                    break;
                case Mask:
                    mask = offset;
                    equivalent = false;
                    break;
                case Other:
                    perm &= bits;
                    bits &= perm | 0x1F8;
                    WritePerm(entry, perm);
                    break;
                default:
                    return false;
            }
        }

        int governing = mask >= 0 ? mask : groupObj;
        if (governing < 0)
        {
            return false;
        }

        var group = access.AsSpan(governing);
        int groupPerm = BinaryPrimitives.ReadUInt16LittleEndian(group[2..]) & 7 & (bits >> 3);
        bits &= (groupPerm << 3) | 0x1C7;
        WritePerm(group, groupPerm);

        mode = (UnixFileMode)(((int)mode & ~0x1FF) | bits);
        if (!equivalent)
        {
            attributes[AccessAttribute] = access;
        }

        if (isDirectory)
        {
            attributes[DefaultAttribute] = defaultAcl.ToArray();
        }

        return true;

        static void WritePerm(Span<byte> entry, int perm) => BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], (ushort)perm);
    }
}
