using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's truncate family: <c>FileStream.SetLength</c> to 0, smaller, the same and a
/// larger size (zero-filled), directly and through two levels of links, and <c>FileMode.Truncate</c>.
/// Recorded on a kernel overlay mount.
/// </summary>
public class TruncateScenarioTests : OverlayScenario
{
    /// <summary>On the in-memory backend.</summary>
    public TruncateScenarioTests()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend (see the subclasses in Backends/).</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected TruncateScenarioTests(LayerBackend backend)
        : base(backend)
    {
    }

    /// <summary>new length, through the two-level link, /a/foo's merged line afterwards, the upper's lines.</summary>
    public static TheoryData<int, bool, string, string[]> KernelRecorded => new()
    {
        { 0, false, "/a/foo f 0644 now ''", ["/a d 0750 top", "/a/foo f 0644 now ''"] },
        { 0, true, "/a/foo f 0644 now ''", ["/a d 0750 top", "/a/foo f 0644 now ''"] },
        { 5, false, "/a/foo f 0644 now 'foo-c'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-c'"] },
        { 5, true, "/a/foo f 0644 now 'foo-c'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-c'"] },
        { 11, false, "/a/foo f 0644 now 'foo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-content'"] },
        { 11, true, "/a/foo f 0644 now 'foo-content'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-content'"] },
        { 20, false, "/a/foo f 0644 now 'foo-content\\0\\0\\0\\0\\0\\0\\0\\0\\0'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-content\\0\\0\\0\\0\\0\\0\\0\\0\\0'"] },
        { 20, true, "/a/foo f 0644 now 'foo-content\\0\\0\\0\\0\\0\\0\\0\\0\\0'", ["/a d 0750 top", "/a/foo f 0644 now 'foo-content\\0\\0\\0\\0\\0\\0\\0\\0\\0'"] },
    };

    [Theory]
    [MemberData(nameof(KernelRecorded))]
    public void SetLength_ToEachSize_MatchesTheKernelMount(int length, bool throughLink, string fooAfter, string[] upperAfter)
    {
        using (var stream = Overlay.FileStream.New(throughLink ? "/a/indirect_sym" : "/a/foo", FileMode.Open, throughLink ? FileAccess.Write : FileAccess.ReadWrite))
        {
            stream.SetLength(length);
        }

        MergedLine("/a/foo").Should().Be(fooAfter);
        UpperLines().Should().Equal(upperAfter);
    }

    [Fact]
    public void SetLength_Larger_FillsTheNewBytesWithZeros()
    {
        using (var stream = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(16);
        }

        Overlay.File.ReadAllBytes("/a/foo").Should().Equal([.. "foo-content"u8, 0, 0, 0, 0, 0]);
    }

    [Fact]
    public void SetLength_LargerThenWriteAtTheEnd_KeepsTheHole()
    {
        using (var stream = Overlay.FileStream.New("/a/foo", FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(20);
            stream.Seek(0, SeekOrigin.End);
            stream.Write("E"u8);
        }

        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0644 now 'foo-content\\0\\0\\0\\0\\0\\0\\0\\0\\0E'");
    }

    [Fact]
    public void OpenWithTruncate_WithoutAWrite_EmptiesTheFileAndStampsItsMtime()
    {
        // Recorded: O_TRUNC on a non-empty file changes its mtime even when nothing is written.
        Overlay.File.Open("/a/foo", FileMode.Truncate).Dispose();

        UpperLines().Should().Equal("/a d 0750 top", "/a/foo f 0644 now ''");
    }

    [Fact]
    public void OpenWithTruncate_OfAMissingFile_ThrowsFileNotFound()
    {
        var act = () => Overlay.File.Open("/a/missing", FileMode.Truncate).Dispose();

        act.Should().Throw<FileNotFoundException>();
        UpperLines().Should().BeEmpty();
    }

    [Fact]
    public void SetLength_OfAnUpperFile_TruncatesItInPlace()
    {
        Overlay.File.WriteAllText("/a/n", "0123456789");

        using (var stream = Overlay.FileStream.New("/a/n", FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(3);
        }

        Overlay.File.ReadAllText("/a/n").Should().Be("012");
    }
}
