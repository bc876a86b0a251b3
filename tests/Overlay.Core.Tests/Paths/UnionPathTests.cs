using Overlay.Layers;
using Overlay.Paths;
using Overlay.Union;

namespace Overlay.Tests.Paths;

/// <summary>
/// The engine's one path value: normal by construction, made once where a path enters, and kept
/// without a copy when it already is normal.
/// </summary>
public sealed class UnionPathTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("//", "/")]
    [InlineData("/a", "/a")]
    [InlineData("a/b", "/a/b")]
    [InlineData("/a//b", "/a/b")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/..", "/")]
    [InlineData("/../../a", "/a")]
    [InlineData("/a/b/", "/a/b/")]
    [InlineData("/a/b/.", "/a/b")] // as System.IO.Path.GetFullPath on Linux
    [InlineData("/a/b//", "/a/b/")]
    [InlineData("/a\\b/C:", "/a\\b/C:")]
    public void Parse_Normalises(string input, string expected)
    {
        UnionPath.Parse(input).Value.Should().Be(expected);
    }

    [Fact]
    public void Parse_KeepsANormalString_WithoutACopy()
    {
        string normal = string.Concat("/usr/", "share/doc");

        UnionPath.Parse(normal).Value.Should().BeSameAs(normal);
    }

    [Fact]
    public void TheParts_OfAPath()
    {
        var path = UnionPath.Parse("/usr/share/doc/");

        path.EndsInSeparator.Should().BeTrue();
        path.Trimmed.Value.Should().Be("/usr/share/doc");
        path.Name.Should().Be("doc");
        path.Parent.Value.Should().Be("/usr/share");
        path.Parent.Parent.Parent.IsRoot.Should().BeTrue();
        path.Names().Should().Equal("usr", "share", "doc");
        path.Child("x").Value.Should().Be("/usr/share/doc/x");
        UnionPath.Root.Names().Should().BeEmpty();
        UnionPath.Root.Name.Should().BeEmpty();
        UnionPath.Root.Parent.IsRoot.Should().BeTrue();
        UnionPath.Root.EndsInSeparator.Should().BeFalse();
        default(UnionPath).Value.Should().Be("/");
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void Child_RefusesWhatIsNotOneName(string name)
    {
        var act = () => UnionPath.Root.Child(name);

        act.Should().Throw<ArgumentException>().WithMessage($"*'{name}'*");
    }

    [Fact]
    public void Equality_IsOrdinal()
    {
        UnionPath.Parse("/a/./b").Should().Be(UnionPath.Parse("/a/b"));
        UnionPath.Parse("/A").Should().NotBe(UnionPath.Parse("/a"));
        UnionPath.Parse("/a/b").GetHashCode().Should().Be(UnionPath.Parse("/a//b").GetHashCode());
    }

    [Fact]
    public void TheEngine_TakesPathsNormalisedAtItsDoor()
    {
        var lower = new MemoryLayer("lower").AddFile("/etc/hosts", "127.0.0.1");
        var engine = new UnionEngine([lower], new MemoryLayer("upper"), new OverlayOptions());

        engine.Stat("//etc/./x/../hosts", followLinks: true, out var node).Should().Be(Errno.None);
        node.Path.Should().Be("/etc/hosts");
        engine.Stat("etc/hosts/", followLinks: true, out _).Should().Be(Errno.ENOTDIR, "a trailing '/' survives: the object must be a directory");
    }
}
