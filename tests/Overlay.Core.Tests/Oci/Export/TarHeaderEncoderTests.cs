using System.Text;
using Overlay.Oci.Tar;

namespace Overlay.Tests.Oci.Export;

public sealed class TarHeaderEncoderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(80)]
    [InlineData(85)]
    [InlineData(86)]
    [InlineData(87)]
    [InlineData(990)]
    [InlineData(994)]
    [InlineData(995)]
    public void Encode_WhenARecordsLengthGainsADigit_CountsItself(int valueLength)
    {
        var header = new TarHeader { Name = "f", TypeFlag = '2', LinkName = new string('t', valueLength) + "\u00e9" };

        var member = RawTar.Read([.. TarHeaderEncoder.Encode(header), .. new byte[1024]]).Single();

        member.LinkName.Should().Be(header.LinkName);
    }

    [Fact]
    public void Encode_WhenXattrValueIsBinary_KeepsEveryByte()
    {
        byte[] capability = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x0A, 0x3D, 0x00, 0xFF];
        var header = new TarHeader
        {
            Name = "bin/ping",
            TypeFlag = '0',
            Mode = 0x81ED,
            ExtendedAttributes = new Dictionary<string, byte[]> { ["security.capability"] = capability, ["user.a"] = "x"u8.ToArray() },
        };

        var member = RawTar.Read([.. TarHeaderEncoder.Encode(header), .. new byte[1024]]).Single();

        member.Name.Should().Be("bin/ping");
        member.Pax.Keys.Should().Equal("SCHILY.xattr.security.capability", "SCHILY.xattr.user.a");
        member.Pax["SCHILY.xattr.security.capability"].Should().Equal(capability);
    }

    [Fact]
    public void Encode_WhenSizeIsOver8GiB_WritesItInAPaxRecord()
    {
        var size = (8L << 30) + 5;
        var blocks = TarHeaderEncoder.Encode(new TarHeader { Name = "big", TypeFlag = '0', Size = size });

        blocks.Length.Should().Be(3 * 512);
        Encoding.ASCII.GetString(blocks, 512, 512).Should().Contain("size=" + size + "\n");
        Encoding.ASCII.GetString(blocks, 1024 + 124, 12).Should().Be("00000000000\0", "the ustar field cannot hold it");
    }

    [Fact]
    public void Encode_WhenAsciiPathSplits_UsesUstarPrefixWithoutPax()
    {
        var name = new string('p', 120) + "/" + new string('n', 90);

        var blocks = TarHeaderEncoder.Encode(new TarHeader { Name = name, TypeFlag = '0' });

        blocks.Length.Should().Be(512);
        RawTar.Read([.. blocks, .. new byte[1024]]).Single().Name.Should().Be(name);
    }

    [Fact]
    public void Encode_WhenNameHasNul_Throws()
    {
        var act = () => TarHeaderEncoder.Encode(new TarHeader { Name = "a\0b", TypeFlag = '0' });

        act.Should().Throw<ArgumentException>().WithMessage("*a\\0b*NUL*");
    }
}
