using System.Buffers.Binary;
using System.Text;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;
using Overlay.Oci.Tar;
using Overlay.Tests.Oci.Export;

namespace Overlay.Tests.Oci;

/// <summary>
/// GNU tar's <c>--acls</c> records (<c>SCHILY.acl.access</c>, <c>SCHILY.acl.default</c>, text) are
/// read as the binary <c>system.posix_acl_*</c> attributes the kernel keeps, so an extraction gives
/// the files the ACLs GNU tar's own extraction gives them, and an export keeps them.
/// </summary>
public sealed class AclTextTests
{
    private const uint Undefined = 0xFFFFFFFF;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static uint? NoNames(string name) => null;

    private static byte[] Binary(params (ushort Tag, ushort Perm, uint Id)[] entries)
    {
        var value = new byte[4 + (8 * entries.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(value, 2);
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4 + (8 * i)), entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(6 + (8 * i)), entries[i].Perm);
            BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(8 + (8 * i)), entries[i].Id);
        }

        return value;
    }

    [Fact]
    public void GnuTarsText_BecomesTheKernelsBinaryForm()
    {
        var value = PosixAclText.ToXattr("user::rw-\nuser:1000:r--\ngroup::r--\nmask::r--\nother::r--\n", NoNames, NoNames);

        value.Should().Equal(Binary((1, 6, Undefined), (2, 4, 1000), (4, 4, Undefined), (0x10, 4, Undefined), (0x20, 4, Undefined)));
    }

    [Fact]
    public void EntriesInAnyOrder_AreSortedByTagThenId()
    {
        var value = PosixAclText.ToXattr("other::--x,group:50:r-x,user:7:rw-,user:3:r--,mask::rwx,group::r--,user::rwx,group:9:w", NoNames, NoNames);

        value.Should().Equal(Binary(
            (1, 7, Undefined), (2, 4, 3), (2, 6, 7), (4, 4, Undefined), (8, 2, 9), (8, 5, 50), (0x10, 7, Undefined), (0x20, 1, Undefined)));
    }

    [Fact]
    public void ShortTags_Comments_ShortMaskAndOther_AndBsdtarsIdField_AreRead()
    {
        // "#effective:" notes as getfacl and libacl write them; "m:r-x" without the empty qualifier;
        // bsdtar's fourth field is the id and wins over the name.
        var value = PosixAclText.ToXattr(
            "u::rwx\n u:alice:rwx\t#effective:r-x\ng::r-x\ng:staff:r--:50\nm:r-x\no::---\n",
            name => name == "alice" ? 1234u : null,
            _ => null);

        value.Should().Equal(Binary((1, 7, Undefined), (2, 7, 1234), (4, 5, Undefined), (8, 4, 50), (0x10, 5, Undefined), (0x20, 0, Undefined)));
    }

    [Fact]
    public void AnEmptyRecord_HoldsNoAcl() =>
        PosixAclText.ToXattr(" \n# nothing\n", NoNames, NoNames).Should().BeNull();

    [Theory]
    [InlineData("user::rwz,group::r--,other::r--", "'z'")]
    [InlineData("user::rrw,group::r--,other::r--", "twice")]
    [InlineData("owner::rw-,group::r--,other::r--", "no tag")]
    [InlineData("user::rw-,group::r--", "no other::")]
    [InlineData("user::rw-,user::r--,group::r--,other::r--", "2 user::")]
    [InlineData("user::rw-,user:5:r--,user:5:rw-,group::r--,mask::rw-,other::r--", "two entries for user 5")]
    [InlineData("user::rw-,user:5:r--,group::r--,other::r--", "no mask")]
    [InlineData("user::rw-,group::r--,mask:5:r--,other::r--", "qualifier")]
    [InlineData("user::rw-,user:bob:r--,group::r--,mask::r--,other::r--", "user 'bob'")]
    [InlineData("user::rw-,group:wheel:r--,group::r--,mask::r--,other::r--", "group 'wheel'")]
    [InlineData("user::rw-,group::r--,other::r--,user:1:r--:x", "fourth field")]
    [InlineData("user:rw-,group::r--,other::r--", "tag:qualifier:permissions")]
    [InlineData("user::,group::r--,other::r--", "no permissions")]
    [InlineData("user::rw-,user:4294967295:r--,group::r--,mask::r--,other::r--", "4294967295")]
    public void BadText_IsRefused_SayingWhy(string text, string reason)
    {
        var convert = () => PosixAclText.ToXattr(text, NoNames, NoNames);

        convert.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void ATarMemberWithABadAclRecord_IsRefused_NamingTheMember()
    {
        byte[] tar = new TestTar()
            .Pax([new(PosixAclText.AccessRecord, Encoding.UTF8.GetBytes("user::rw-,group::r--,other::r-q"))]).File("etc/shadow", "x")
            .ToArray();
        using var reader = new LayerTarReader(new MemoryStream(tar));

        var read = () => reader.GetNextMember(Cancel);

        read.Should().Throw<InvalidDataException>().WithMessage("*'etc/shadow'*SCHILY.acl.access*'q'*");
    }

    [Fact]
    public void TheTextRecord_IsReadAsTheAttribute_AndNotKeptAsAnUnknownRecord()
    {
        byte[] tar = new TestTar()
            .Pax([
                new(PosixAclText.AccessRecord, Encoding.UTF8.GetBytes("user::rwx\ngroup::r-x\ngroup:8:rwx\nmask::rwx\nother::r-x\n")),
                new(PosixAclText.DefaultRecord, Encoding.UTF8.GetBytes("user::rwx\ngroup::r-x\nother::---\n")),
            ]).Directory("srv/")
            .ToArray();
        using var reader = new LayerTarReader(new MemoryStream(tar));

        var member = reader.GetNextMember(Cancel)!;

        member.ExtendedAttributes[PosixAclText.AccessAttribute].Should().Equal(Binary((1, 7, Undefined), (4, 5, Undefined), (8, 7, 8), (0x10, 7, Undefined), (0x20, 5, Undefined)));
        member.ExtendedAttributes[PosixAclText.DefaultAttribute].Should().Equal(Binary((1, 7, Undefined), (4, 5, Undefined), (0x20, 0, Undefined)));
        member.PaxRecords.Should().NotContainKey(PosixAclText.AccessRecord).And.NotContainKey(PosixAclText.DefaultRecord);
    }

    [Fact]
    public void ABinaryAttributeOfTheSameMember_WinsOverTheText()
    {
        // tar --xattrs --acls writes both; the binary value is what the kernel held.
        byte[] binary = Binary((1, 6, Undefined), (4, 4, Undefined), (8, 6, 8), (0x10, 6, Undefined), (0x20, 4, Undefined));
        byte[] tar = new TestTar()
            .Pax([
                new(PosixAclText.AccessRecord, Encoding.UTF8.GetBytes("user::rw-\ngroup::r--\nother::r--\n")),
                new("SCHILY.xattr." + PosixAclText.AccessAttribute, binary),
            ]).File("etc/acl", "acl")
            .ToArray();
        using var reader = new LayerTarReader(new MemoryStream(tar));

        reader.GetNextMember(Cancel)!.ExtendedAttributes[PosixAclText.AccessAttribute].Should().Equal(binary);
    }

    [Fact]
    public void NamesAreLookedUpInThisSystemsDatabases()
    {
        if (!LinuxSyscalls.IsSupported)
        {
            Assert.Skip("User and group names are looked up on Linux.");
        }

        LinuxSyscalls.UserIdOf("root").Should().Be(0u);
        LinuxSyscalls.GroupIdOf("root").Should().Be(0u);
        LinuxSyscalls.UserIdOf("no-such-user-overlay-test").Should().BeNull();
        LinuxSyscalls.GroupIdOf("no-such-group-overlay-test").Should().BeNull();
    }

    /// <summary>
    /// A tree with access ACLs on a file and a directory and a default ACL on the directory (named
    /// entries by an id without a name and by root's, which GNU tar writes as the name "root"), tarred
    /// by GNU tar with <c>--acls</c> only, so the ACLs travel as text. GNU tar's extraction and the
    /// library's (both forms) give every path the same <c>getfacl</c>; an export of the layer keeps
    /// them as <c>SCHILY.xattr.system.posix_acl_*</c>.
    /// </summary>
    [Theory]
    [InlineData(WhiteoutForm.Oci)]
    [InlineData(WhiteoutForm.Kernel)]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void GnuTarsAclRecords_ExtractAsGnuTarExtractsThem(WhiteoutForm form)
    {
        if (!LinuxSyscalls.IsSupported || LinuxSyscalls.EffectiveUserId() != 0)
        {
            Assert.Skip("Setting ACLs with named entries of other users needs root on Linux.");
        }

        if (!File.Exists("/usr/bin/setfacl") || !File.Exists("/usr/bin/getfacl") || !File.Exists("/usr/bin/tar"))
        {
            Assert.Skip("Needs GNU tar and the acl tools (setfacl, getfacl).");
        }

        using var dir = new TempDirectory();
        string source = dir["src"];
        Directory.CreateDirectory(Path.Combine(source, "shared"));
        File.WriteAllText(Path.Combine(source, "file"), "data");
        File.WriteAllText(Path.Combine(source, "shared", "inner"), "data");
        ExportTestSupport.Run("setfacl", ["-m", "u:4242:r,u:0:rwx,g:4343:rw,g:0:r,m::rw", Path.Combine(source, "file")]);
        ExportTestSupport.Run("setfacl", ["-m", "u:4242:rwx,g:4343:rx", Path.Combine(source, "shared")]);
        ExportTestSupport.Run("setfacl", ["-d", "-m", "u:4242:rx,g:0:rwx,o::-", Path.Combine(source, "shared")]);
        string tarPath = dir["acl.tar"];
        ExportTestSupport.Run("tar", ["--acls", "--numeric-owner", "-cf", tarPath, "-C", source, "."]);
        string raw = Encoding.Latin1.GetString(File.ReadAllBytes(tarPath));
        raw.Should().Contain("SCHILY.acl.default").And.Contain("user:root:rwx").And.NotContain("SCHILY.xattr.system.posix_acl");

        string byGnuTar = dir["gnu"];
        Directory.CreateDirectory(byGnuTar);
        ExportTestSupport.Run("tar", ["--acls", "--numeric-owner", "-xpf", tarPath, "-C", byGnuTar]);
        string byLibrary = dir["lib"];
        using (var layer = TarLayer.Open(tarPath, null, null, Cancel))
        {
            layer.ExtractTo(byLibrary, form, null, Cancel);
            string expected = Acls(byGnuTar);
            expected.Should().Contain("user:4242:r--").And.Contain("user:0:rwx").And.Contain("default:group:0:rwx").And.Contain("default:other::---");
            Acls(byLibrary).Should().Be(expected);

            var exported = new MemoryStream();
            LayerTarExporter.Export(layer, exported, null, null, Cancel);
            exported.Position = 0;
            using var reader = new LayerTarReader(exported);
            var members = new Dictionary<string, TarMember>(StringComparer.Ordinal);
            while (reader.GetNextMember(Cancel) is { } member)
            {
                members[member.Name.TrimEnd('/').TrimStart('.', '/')] = member;
            }

            members["shared"].ExtendedAttributes.Should().ContainKeys(PosixAclText.AccessAttribute, PosixAclText.DefaultAttribute);
            members["file"].ExtendedAttributes.Should().ContainKey(PosixAclText.AccessAttribute);
        }

        static string Acls(string root) => ExportTestSupport.Run("getfacl", ["-R", "-n", "-p", root]).Replace(root, "ROOT", StringComparison.Ordinal);
    }
}
