using System.Formats.Tar;
using System.Runtime.Versioning;
using Overlay.Images;
using Overlay.Layers;
using Overlay.Oci;

namespace Overlay.Tests.Reliability;

/// <summary>
/// A durable image store's import survives a power cut that comes right after it returns: the store
/// lives on an ext4 image on a loop device (journal committed every 60 seconds), a layer tar of 300
/// files is added with <see cref="ImageStore.AddImage"/>, and the file system is shut down at once
/// without flushing its journal (<c>FS_IOC_GOINGDOWN</c>, <c>NOLOGFLUSH</c>). After a remount the
/// store still has the image, its layer is marked committed, and every file of the layer has the
/// tar's whole data, mode and times. Files are not synced one by one: the store syncs the file
/// system once before it records the layer (<c>syncfs</c>), and the records with <c>fsync</c>.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class ImageImportPowerCutTests : IDisposable
{
    private const int FileCount = 300;

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-import-cut-").FullName;
    private SmallMount? _mount;

    public void Dispose()
    {
        _mount?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<WhiteoutForm> Forms => [WhiteoutForm.Oci, WhiteoutForm.Kernel];

    [Theory]
    [MemberData(nameof(Forms))]
    public void AddImage_ThenAPowerCut_KeepsTheWholeLayerAndItsRecords(WhiteoutForm form)
    {
        string image = Path.Combine(_root, "image");
        string directory = Path.Combine(_root, "ext4");
        _mount = SmallMount.Ext4ImageOrSkip(image, 96, directory);
        string tar = Path.Combine(_root, "layer.tar");
        WriteTar(tar);
        string store = Path.Combine(directory, "store");
        using (var layer = TarLayer.Open(tar, null, null, TestContext.Current.CancellationToken))
        {
            using (var images = ImageStore.Open(store, new ImageStoreOptions { WhiteoutForm = form, Durable = Durable }))
            {
                SmallMount.Run("sync", "-f " + directory).Exit.Should().Be(0);
                images.AddImage([layer], tag: "cut:1", cancellationToken: TestContext.Current.CancellationToken);
                if (PowerCutTests.ShutDown(directory) is { } cannot)
                {
                    Assert.Skip(cannot);
                }
            }
        }

        _mount.Remount();
        using var reopened = ImageStore.Open(store, new ImageStoreOptions { WhiteoutForm = form });
        var added = reopened.GetImage("cut:1");
        added.Layers.Should().ContainSingle();
        string layerDirectory = Path.Combine(store, "overlay2", added.Layers[0].CacheId);
        File.Exists(Path.Combine(layerDirectory, "committed")).Should().BeTrue("the layer was marked committed before the record named it");
        var wrong = new List<string>();
        for (int i = 0; i < FileCount; i++)
        {
            var path = Path.Combine(layerDirectory, "diff", Name(i));
            if (!File.Exists(path))
            {
                wrong.Add($"{Name(i)}: missing");
                continue;
            }

            if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(Content(i)))
            {
                wrong.Add($"{Name(i)}: {new FileInfo(path).Length} bytes, not the tar's {Content(i).Length}");
            }

            if (File.GetLastWriteTimeUtc(path) != Time(i).UtcDateTime || File.GetUnixFileMode(path) != Mode(i))
            {
                wrong.Add($"{Name(i)}: mode {File.GetUnixFileMode(path)} and time {File.GetLastWriteTimeUtc(path):O}, not the tar's");
            }
        }

        wrong.Should().BeEmpty("AddImage returned before the cut");
    }

    /// <summary>Set OVERLAY_IMPORT_CUT_NOT_DURABLE=1 to see the test fail with a store that does not sync.</summary>
    private static bool Durable => Environment.GetEnvironmentVariable("OVERLAY_IMPORT_CUT_NOT_DURABLE") != "1";

    private static string Name(int i) => $"d{i % 7}/f{i:000}";

    /// <summary>Between 4 KiB and about 64 KiB, different in every file.</summary>
    private static byte[] Content(int i) => System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"file {i:000} line\n", 300 + (i * 11))));

    private static DateTimeOffset Time(int i) => new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddMinutes(i);

    private static UnixFileMode Mode(int i) => i % 2 == 0 ? (UnixFileMode)0b110_100_100 : (UnixFileMode)0b111_101_101;

    private static void WriteTar(string path)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        for (int d = 0; d < 7; d++)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, $"d{d}/") { Mode = (UnixFileMode)0b111_101_101 });
        }

        for (int i = 0; i < FileCount; i++)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, Name(i))
            {
                Mode = Mode(i),
                ModificationTime = Time(i),
                DataStream = new MemoryStream(Content(i)),
            });
        }
    }
}
