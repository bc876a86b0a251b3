using Overlay.Tests.Support;
using Overlay.Union;
using static Overlay.Tests.Support.AclBytes;

namespace Overlay.Tests.Union;

/// <summary>
/// The mode and ACLs a new object takes from a default ACL, worked as the kernel's
/// <c>posix_acl_create</c> works them (the live comparison is <see cref="DefaultAclCreateTests"/>).
/// </summary>
public sealed class PosixAclInheritanceTests
{
    [Fact]
    public void AFile_UnderANamedEntry_GetsTheMaskedModeAndAnAccessAcl()
    {
        var acl = AclBytes.Of(Entry(UserObj, 7), Entry(User, 7, 1000), Entry(GroupObj, 5), Entry(Mask, 7), Entry(Other, 0));
        var mode = (UnixFileMode)0x1B6; // 0666

        PosixAclInheritance.TryInherit(acl, ref mode, isDirectory: false, out var attributes).Should().BeTrue();

        mode.Should().Be((UnixFileMode)0x1B0, "0666 within u::rwx, m::rwx, o::--- is 0660");
        attributes.Keys.Should().Equal(PosixAclInheritance.AccessAttribute);
        attributes[PosixAclInheritance.AccessAttribute].Should().Equal(AclBytes.Of(Entry(UserObj, 6), Entry(User, 7, 1000), Entry(GroupObj, 5), Entry(Mask, 6), Entry(Other, 0)));
    }

    [Fact]
    public void ADirectory_AlsoTakesTheDefaultAcl()
    {
        var acl = AclBytes.Of(Entry(UserObj, 7), Entry(User, 5, 1000), Entry(GroupObj, 5), Entry(Mask, 5), Entry(Other, 1));
        var mode = (UnixFileMode)0x1FF; // 0777

        PosixAclInheritance.TryInherit(acl, ref mode, isDirectory: true, out var attributes).Should().BeTrue();

        mode.Should().Be((UnixFileMode)0x1E9, "0777 within u::rwx, m::r-x, o::--x is 0751");
        attributes[PosixAclInheritance.DefaultAttribute].Should().Equal(acl);
        attributes[PosixAclInheritance.AccessAttribute].Should().Equal(acl);
    }

    [Fact]
    public void AnAclOfTheThreeBaseEntries_GivesOnlyAMode()
    {
        var acl = AclBytes.Of(Entry(UserObj, 6), Entry(GroupObj, 4), Entry(Other, 4));
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
}
