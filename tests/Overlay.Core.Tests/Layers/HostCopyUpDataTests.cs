using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Layers.Host;

namespace Overlay.Tests.Layers;

/// <summary>
/// A host upper copies a lower file's data inside the kernel (FICLONE or copy_file_range): the copy
/// holds every byte, from any starting offset, and the lower stays as it was.
/// </summary>
[Trait("Category", "Disk")]
public sealed class HostCopyUpDataTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "overlay-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3 << 20)]
    [InlineData((3 << 20) + 123)]
    public void FirstWriteToALowerFile_CopiesEveryByteIntoTheUpper(int length)
    {
        var data = RandomBytes(length);
        string lowerDirectory = Path.Combine(_root, "lower");
        Directory.CreateDirectory(Path.Combine(lowerDirectory, "d"));
        File.WriteAllBytes(Path.Combine(lowerDirectory, "d", "file"), data);
        Directory.CreateDirectory(Path.Combine(_root, "upper"));
        using var lower = new HostDirectoryLayer(lowerDirectory);
        using var upper = new HostDirectoryLayer(Path.Combine(_root, "upper"), new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work"), Durable = true });
        var overlay = new OverlayFileSystem([lower], upper);

        overlay.File.AppendAllText("/d/file", "!");

        File.ReadAllBytes(Path.Combine(_root, "upper", "d", "file")).Should().Equal([.. data, (byte)'!']);
        File.ReadAllBytes(Path.Combine(lowerDirectory, "d", "file")).Should().Equal(data);
    }

    [Theory]
    [InlineData(200_000, 1000, false)]
    [InlineData((17 << 20) + 4321, 7, true)] // 8 MiB pieces when writeback is started: two whole ones and a part
    public void CopyFileData_FromAnOffsetIntoAnOffset_CopiesTheRestOfTheSource(int length, int sourceOffset, bool startWriteback)
    {
        if (!LinuxSyscalls.IsSupported)
        {
            return;
        }

        var data = RandomBytes(length);
        Directory.CreateDirectory(_root);
        string source = Path.Combine(_root, "source");
        string destination = Path.Combine(_root, "destination");
        File.WriteAllBytes(source, data);
        File.WriteAllBytes(destination, [9, 9, 9]);
        using SafeFileHandle input = File.OpenHandle(source);
        using (SafeFileHandle output = File.OpenHandle(destination, FileMode.Open, FileAccess.ReadWrite))
        {
            LinuxSyscalls.CopyFileData(input, sourceOffset, output, 3, out long copied, startWriteback).Should().Be(0);
            copied.Should().Be(data.Length - sourceOffset);
        }

        File.ReadAllBytes(destination).Should().Equal([9, 9, 9, .. data.AsSpan(sourceOffset).ToArray()]);
    }
}
