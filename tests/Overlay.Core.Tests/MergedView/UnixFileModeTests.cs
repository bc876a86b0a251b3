using Overlay.Tests.Support;

namespace Overlay.Tests.MergedView;

/// <summary>
/// Modes through the facade. .NET reports the permissions of a link's target for a link (a dangling
/// link is "not found"), recorded on a kernel overlay mount; a merged directory shows its topmost
/// copy's mode.
/// </summary>
public class UnixFileModeTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public UnixFileModeTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected UnixFileModeTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Theory]
    [InlineData("/a/foo", "0644")]
    [InlineData("/a/bar", "0600")]
    [InlineData("/ro", "0444")]
    [InlineData("/a", "0750")]
    [InlineData("/a/sub", "0700")]
    [InlineData("/a/direct_sym", "0644")]
    [InlineData("/a/indirect_sym", "0644")]
    [InlineData("/a/dir_sym", "0700")]
    public void GetUnixFileMode_OfEachKindOfName_IsTheModeOfWhatItNames(string path, string mode)
    {
        TreeDump.Mode(UnixModes.Get(Overlay, path)).Should().Be(mode);
    }

    [Fact]
    public void GetUnixFileMode_OfADanglingLink_ThrowsFileNotFound()
    {
        var act = () => UnixModes.Get(Overlay, "/a/dangling_sym");

        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void FileInfoUnixFileMode_OfALinkToAFile_IsTheTargetsMode()
    {
        TreeDump.Mode(UnixModes.Of(Overlay.FileInfo.New("/a/direct_sym"))).Should().Be("0644");
    }

    [Fact]
    public void FileInfoUnixFileMode_OfADanglingLink_IsMinusOne()
    {
        // Recorded with System.IO: a FileInfo of a broken link exists, but has no mode to show.
        UnixModes.Of(Overlay.FileInfo.New("/a/dangling_sym")).Should().Be((UnixFileMode)(-1));
    }

    [Fact]
    public void GetUnixFileMode_OfAMissingName_ThrowsFileNotFound()
    {
        var act = () => UnixModes.Get(Overlay, "/a/missing");

        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void SetUnixFileMode_OfALink_ChangesTheTargetNotTheLink()
    {
        UnixModes.Set(Overlay, "/a/direct_sym", StandardLowers.Mode0600);

        TreeDump.Mode(UnixModes.Get(Overlay, "/a/foo")).Should().Be("0600");
        UpperEntry("/a/direct_sym").Should().BeNull();
    }
}
