using Overlay.Tests.Support;

namespace Overlay.Tests.MergedView;

/// <summary>
/// <c>File.Copy</c> on the overlay: a read-only open of the source (no copy-up of it), the
/// destination created or truncated in the upper. .NET on Linux copies the source's permissions and
/// its times onto the destination, new or overwritten (recorded on a kernel overlay mount).
/// </summary>
public class FileCopyTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public FileCopyTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected FileCopyTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void Copy_OfALowerFileToANewName_KeepsTheSourcesModeAndMtime()
    {
        Overlay.File.Copy("/a/bar", "/a/barcopy");

        UpperLines().Should().Equal("/a d 0750 now", "/a/barcopy f 0600 top-file 'bar-content'");
    }

    [Fact]
    public void Copy_OverALowerFile_GivesItTheSourcesModeAndMtime()
    {
        Overlay.File.Copy("/a/bar", "/a/foo", overwrite: true);

        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0600 top-file 'bar-content'");
    }

    [Fact]
    public void Copy_OverALowerFileWithoutOverwrite_ThrowsIOExceptionWithEExist()
    {
        var act = () => Overlay.File.Copy("/a/bar", "/a/foo");

        act.Should().Throw<IOException>().Where(e => e.HResult == 17);
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Copy_OverADirectory_ThrowsUnauthorizedAccess()
    {
        var act = () => Overlay.File.Copy("/a/bar", "/a/sub", overwrite: true);

        act.Should().Throw<UnauthorizedAccessException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void Copy_OfALowerFile_DoesNotCopyTheSourceUp()
    {
        Overlay.File.Copy("/a/sub/leaf", "/leafcopy");

        UpperEntry("/a").Should().BeNull();
        Overlay.File.ReadAllText("/leafcopy").Should().Be("leaf");
    }
}
