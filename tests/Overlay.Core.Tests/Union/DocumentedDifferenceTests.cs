using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Layers.Host;

namespace Overlay.Tests.Union;

/// <summary>
/// Pins intended differences from the kernel that docs/differences-from-kernel.md lists and no
/// scenario table covers: handles are handed out only for host files, the number of lowers has no fixed limit, and
/// special files in a layer are not part of the merged view.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DocumentedDifferenceTests
{
    [Fact]
    public void OpenHandle_OnAnInMemoryLayer_ThrowsNotSupported()
    {
        var overlay = new OverlayFileSystem([new MemoryLayer("lower").AddFile("/f", "x")], new MemoryLayer("upper"));

        var read = () => overlay.File.OpenHandle("/f");
        var write = () => overlay.File.OpenHandle("/f", FileMode.Open, FileAccess.Write);

        read.Should().Throw<NotSupportedException>().WithMessage("*'lower'*host disk*");
        write.Should().Throw<NotSupportedException>().WithMessage("*'upper'*host disk*");
        overlay.Changes(TestContext.Current.CancellationToken).Should().BeEmpty("a refused open copies nothing up");
    }

    [Fact]
    public void MoreLowersThanTheKernelAllows_AreMerged()
    {
        // The kernel stops at 500 lowers; an overlay has no fixed limit.
        var lowers = Enumerable.Range(0, 600).Select(i => new MemoryLayer("l" + i).AddFile($"/d/f{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        var overlay = new OverlayFileSystem(lowers, null);

        overlay.Directory.GetFileSystemEntries("/d").Should().HaveCount(600);
        overlay.File.ReadAllText("/d/f599").Should().Be("599");
    }

    [Fact]
    public void SpecialFilesInAHostLayer_AreServedAsNames_ButNeverOpened()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Special files are made with mknod, on Linux.");
        }

        string root = Directory.CreateTempSubdirectory("overlay-test-special-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "file"), "x");
            LinuxSyscalls.MakeNode(Path.Combine(root, "fifo"), LinuxSyscalls.S_IFIFO | 0b110_100_100, 0).Should().Be(0);
            using var layer = new HostDirectoryLayer(root);
            var overlay = new OverlayFileSystem([layer], null);

            overlay.Directory.GetFileSystemEntries("/").Should().BeEquivalentTo("/file", "/fifo");
            overlay.File.Exists("/fifo").Should().BeTrue("System.IO's File.Exists is true for any non-directory");
            overlay.Unix.GetKind("/fifo").Should().Be(Overlay.Layers.LayerEntryKind.Fifo);

            // The kernel would open the FIFO (and block); the overlay never opens a host's node.
            FluentActions.Invoking(() => overlay.File.ReadAllBytes("/fifo")).Should().Throw<IOException>();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
