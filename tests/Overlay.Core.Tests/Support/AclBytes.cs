using System.Buffers.Binary;

namespace Overlay.Tests.Support;

/// <summary>POSIX ACLs in the binary form of the <c>system.posix_acl_*</c> attributes, for tests.</summary>
public static class AclBytes
{
    /// <summary>The tag of the owner's entry.</summary>
    public const int UserObj = 0x01;

    /// <summary>The tag of a named user's entry.</summary>
    public const int User = 0x02;

    /// <summary>The tag of the owning group's entry.</summary>
    public const int GroupObj = 0x04;

    /// <summary>The tag of the mask entry.</summary>
    public const int Mask = 0x10;

    /// <summary>The tag of the others' entry.</summary>
    public const int Other = 0x20;

    /// <summary>One entry; the id is "undefined" unless given (a named user or group).</summary>
    public static (int Tag, int Perm, uint Id) Entry(int tag, int perm, uint id = uint.MaxValue) => (tag, perm, id);

    /// <summary>Version 2, then each entry as tag, permissions and id, little-endian.</summary>
    public static byte[] Of(params (int Tag, int Perm, uint Id)[] entries)
    {
        var bytes = new byte[4 + (8 * entries.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 2);
        for (int i = 0; i < entries.Length; i++)
        {
            var span = bytes.AsSpan(4 + (8 * i));
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)entries[i].Perm);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], entries[i].Id);
        }

        return bytes;
    }
}
