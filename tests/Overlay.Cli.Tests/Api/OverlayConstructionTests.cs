using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Api;

/// <summary>
/// An overlay is built in one way, lowers as a list and the upper on its own, so that a layer given
/// where the other belongs does not compile: a <see cref="Overlay.Layers.MemoryLayer"/> is both a
/// lower and an upper, and an image passed as the upper would be written by every test sharing it.
/// </summary>
public class OverlayConstructionTests
{
    private const string Prelude = """
        using Overlay;
        using Overlay.Layers;

        var image = new MemoryLayer("image");
        var container = new MemoryLayer("container");

        """;

    [Theory]
    [InlineData("new OverlayFileSystem(image, container)")]
    [InlineData("new OverlayFileSystem(container, image)")]
    [InlineData("new OverlayFileSystem(container, [image])")]
    [InlineData("new OverlayFileSystem(upper: container, image)")]
    [InlineData("new OverlayFileSystem(container)")]
    public void Construction_WhenLayersAreNotListAndUpper_DoesNotCompile(string construction)
    {
        var errors = SnippetCompiler.Errors(Prelude + $"using var fs = {construction};\n", TestContext.Current.CancellationToken);

        // The same program with the list-and-upper shape compiles (the theory below), so the
        // errors are the construction's.
        errors.Should().NotBeEmpty($"'{construction}' must not compile");
    }

    [Theory]
    [InlineData("new OverlayFileSystem([image], container)")]
    [InlineData("new OverlayFileSystem(lowersTopFirst: [image], upper: container)")]
    [InlineData("new OverlayFileSystem(upper: container, lowersTopFirst: [image])")]
    [InlineData("new OverlayFileSystem([image], upper: null)")]
    public void Construction_WithLowersListAndUpper_Compiles(string construction)
    {
        SnippetCompiler.Errors(Prelude + $"using var fs = {construction};\n", TestContext.Current.CancellationToken)
            .Should().BeEmpty();
    }
}
