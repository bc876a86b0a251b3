using Overlay.Layers;

namespace Overlay.Tests.Layers;

/// <summary>The one codec of the OCI whiteout form, which host layers, tar layers and the export share.</summary>
public sealed class OciWhiteoutTests
{
    [Theory]
    [InlineData("passwd", "Plain", null)]
    [InlineData(".whatever", "Plain", null)]
    [InlineData(".wh.passwd", "Whiteout", "passwd")]
    [InlineData(".wh..hidden", "Whiteout", ".hidden")]
    [InlineData(".wh.", "Whiteout", "")]
    [InlineData(".wh..wh..opq", "OpaqueMarker", null)]
    [InlineData(".wh..wh.plnk", "Meta", null)]
    [InlineData(".wh..wh.aufs", "Meta", null)]
    public void Decode_SaysWhatANameMeans(string name, string meaning, string? hidden)
    {
        OciWhiteout.Decode(name, out var decodedHidden).ToString().Should().Be(meaning);
        decodedHidden.Should().Be(hidden);
    }

    [Fact]
    public void NameFor_IsReadBackAsTheWhiteoutOfTheName()
    {
        string name = OciWhiteout.NameFor("a.b");

        OciWhiteout.Decode(name, out var hidden).Should().Be(OciName.Whiteout);
        hidden.Should().Be("a.b");
        OciWhiteout.IsReserved(name).Should().BeTrue();
    }
}
