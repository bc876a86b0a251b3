using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// A read-only stream opened on a lower file before the file is copied up continues on the upper
/// copy, as a read-only fd does on the kernel's overlayfs since 4.19 (recorded on a kernel mount
/// with an unbuffered FileStream); after an unlink it keeps the data, like an fd of a deleted file.
/// </summary>
public class LowerReadStreamTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public LowerReadStreamTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected LowerReadStreamTests(LayerBackend backend)
        : base(backend)
    {
    }

    [Fact]
    public void ReadStream_OpenedBeforeACopyUp_SeesTheDataWrittenAfterIt()
    {
        using var reader = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var head = new byte[3];
        reader.ReadExactly(head);

        using (var writer = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            writer.Write("ABCDEFGH"u8);
        }

        Encoding.UTF8.GetString(head).Should().Be("foo");
        ReadRest(reader).Should().Be("DEFGHent");
    }

    [Fact]
    public void ReadStream_OpenedBeforeATruncatingRewrite_SeesTheNewContent()
    {
        using var reader = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);

        Overlay.File.WriteAllText("/a/foo", "NEW");

        ReadRest(reader).Should().Be("NEW");
    }

    [Fact]
    public void ReadStream_OpenedBeforeAMetadataCopyUp_SeesLaterWrites()
    {
        using var reader = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);

        UnixModes.Set(Overlay, "/a/foo", StandardLowers.Mode0600);
        using (var writer = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            writer.Write("ZZ"u8);
        }

        ReadRest(reader).Should().Be("ZZo-content");
    }

    [Fact]
    public void ReadStream_OpenedBeforeAnUnlink_KeepsReadingTheOldData()
    {
        using var reader = Overlay.File.OpenRead("/a/foo");

        Overlay.File.Delete("/a/foo");

        ReadRest(reader).Should().Be(StandardLowers.FooContent);
        UpperLines().Should().Equal("/a d 0750 now", "/a/foo w");
    }

    [Fact]
    public void ReadStream_OfALowerFile_IsNotWritable()
    {
        using var reader = Overlay.File.OpenRead("/a/foo");

        reader.CanWrite.Should().BeFalse();
        var act = () => reader.Write("x"u8);
        act.Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void ReadStream_OpenedBeforeACopyUp_KeepsItsPosition()
    {
        using var reader = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        reader.Seek(4, SeekOrigin.Begin);

        Overlay.File.AppendAllText("/a/foo", "+tail");

        reader.Position.Should().Be(4);
        ReadRest(reader).Should().Be("content+tail");
    }

    private static string ReadRest(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
