using System.Buffers.Binary;
using Overlay.Union;

namespace Overlay.Tests.Union;

/// <summary>
/// The mode and ACLs a new object takes from a default ACL, worked as the kernel's
/// <c>posix_acl_create</c> works them (the live comparison is <see cref="DefaultAclCreateTests"/>).
/// </summary>
public sealed class PosixAclInheritanceTests
{
    private const int UserObj = 0x01, User = 0x02, GroupObj = 0x04, Mask = 0x10, Other = 0x20;

    [Fact]
    public void AFile_UnderANamedEntry_GetsTheMaskedModeAndAnAccessAcl()
    {
        var acl = Acl(E(UserObj, 7), E(User, 7, 1000), E(GroupObj, 5), E(Mask, 7), E(Other, 0));
        var mode = (UnixFileMode)0x1B6; // 0666

        PosixAclInheritance.TryInherit(acl, ref mode, isDirectory: false, out var attributes).Should().BeTrue();

        mode.Should().Be((UnixFileMode)0x1B0, "0666 within u::rwx, m::rwx, o::--- is 0660");
        attributes.Keys.Should().Equal(PosixAclInheritance.AccessAttribute);
        attributes[PosixAclInheritance.AccessAttribute].Should().Equal(Acl(E(UserObj, 6), E(User, 7, 1000), E(GroupObj, 5), E(Mask, 6), E(Other, 0)));
    }

    [Fact]
    public void ADirectory_AlsoTakesTheDefaultAcl()
    {
        var acl = Acl(E(UserObj, 7), E(User, 5, 1000), E(GroupObj, 5), E(Mask, 5), E(Other, 1));
        var mode = (UnixFileMode)0x1FF; // 0777

        PosixAclInheritance.TryInherit(acl, ref mode, isDirectory: true, out var attributes).Should().BeTrue();

        mode.Should().Be((UnixFileMode)0x1E9, "0777 within u::rwx, m::r-x, o::--x is 0751");
        attributes[PosixAclInheritance.DefaultAttribute].Should().Equal(acl);
        attributes[PosixAclInheritance.AccessAttribute].Should().Equal(acl);
    }

    [Fact]
    public void AnAclOfTheThreeBaseEntries_GivesOnlyAMode()
    {
        var acl = Acl(E(UserObj, 6), E(GroupObj, 4), E(Other, 4));
        var mode = (UnixFileMode)0x9FF; // setgid | 0777

        PosixAclInheritance.TryInherit(acl, ref mode, isDirectory: false, out var attributes).Should().BeTrue();

        mode.Should().Be((UnixFileMode)0x9A4, "the permission bits are limited, the set-id bit kept: 2644");
        attributes.Should().BeEmpty("such an ACL is the mode itself");
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 2, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0, 7, 0, 255, 255, 255, 255 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 7, 0, 255, 255, 255 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 7, 0, 255, 255, 255, 255, 0x40, 0, 7, 0, 255, 255, 255, 255 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 7, 0, 255, 255, 255, 255, 0x20, 0, 7, 0, 255, 255, 255, 255 })]
    public void AValueThatIsNoAcl_GivesNothing(byte[] value)
    {
        var mode = (UnixFileMode)0x1B6;

        PosixAclInheritance.TryInherit(value, ref mode, isDirectory: false, out var attributes).Should().BeFalse();

        mode.Should().Be((UnixFileMode)0x1B6);
        attributes.Should().BeEmpty();
    }

    private static (int Tag, int Perm, uint Id) E(int tag, int perm, uint id = uint.MaxValue) => (tag, perm, id);

    private static byte[] Acl(params (int Tag, int Perm, uint Id)[] entries)
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
