using System.Text;
using Overlay.Layers;

namespace Overlay.Tests.MergedView;

/// <summary>
/// File.ReadAllText reads the bytes as ReadAllBytes does and decodes them as System.IO's
/// StreamReader with byte-order-mark detection: each case is compared with File.ReadAllText of the
/// same bytes on the disk. The FileShare lock of its open still holds.
/// </summary>
public sealed class ReadAllTextTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "overlay-tests", "readtext-" + Guid.NewGuid().ToString("N"));

    public ReadAllTextTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, byte[]> Contents => new()
    {
        { "empty", [] },
        { "ascii", "hello\nworld"u8.ToArray() },
        { "utf8 mark", [0xEF, 0xBB, 0xBF, .. "h\u00e9llo"u8] },
        { "utf8 mark only", [0xEF, 0xBB, 0xBF] },
        { "utf16 le mark", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("h\u00e9llo")] },
        { "utf16 be mark", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("h\u00e9llo")] },
        { "utf32 le mark", [0xFF, 0xFE, 0x00, 0x00, .. Encoding.UTF32.GetBytes("h\u00e9llo")] },
        { "utf32 be mark", [0x00, 0x00, 0xFE, 0xFF, .. new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes("hi")] },
        { "invalid utf8", [0x61, 0xC3, 0x28, 0xFF, 0x62] },
        { "one 0xFF", [0xFF] },
        { "a NUL first", [0x00, 0x41, 0x42] },
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public void Decodes_as_System_IO_does(string name, byte[] bytes)
    {
        string disk = Path.Combine(_root, "f");
        File.WriteAllBytes(disk, bytes);
        var lower = new MemoryLayer("lower").AddFile("/f", bytes);
        var fs = new OverlayFileSystem([lower], new MemoryLayer("upper"));

        Assert.True(File.ReadAllText(disk) == fs.File.ReadAllText("/f"), name);
        Assert.True(File.ReadAllText(disk, Encoding.Latin1) == fs.File.ReadAllText("/f", Encoding.Latin1), name + " (Latin1)");
        Assert.True(File.ReadAllText(disk, Encoding.Unicode) == fs.File.ReadAllText("/f", Encoding.Unicode), name + " (UTF-16)");
    }

    [Fact]
    public void A_file_open_without_sharing_is_not_read()
    {
        var fs = new OverlayFileSystem([new MemoryLayer("lower").AddFile("/f", "data")], new MemoryLayer("upper"));
        using (fs.File.Open("/f", FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Throws<IOException>(() => fs.File.ReadAllText("/f"));
        }

        Assert.Equal("data", fs.File.ReadAllText("/f"));
    }

    [Fact]
    public void Missing_files_and_directories_fail_as_System_IO_does()
    {
        var fs = new OverlayFileSystem([new MemoryLayer("lower").AddFile("/d/f", "data")], new MemoryLayer("upper"));
        Assert.Throws<FileNotFoundException>(() => fs.File.ReadAllText("/d/none"));
        Assert.Throws<DirectoryNotFoundException>(() => fs.File.ReadAllText("/none/f"));
        Assert.Throws<UnauthorizedAccessException>(() => fs.File.ReadAllText("/d"));
        Assert.Throws<ArgumentException>(() => fs.File.ReadAllText(""));
    }
}
