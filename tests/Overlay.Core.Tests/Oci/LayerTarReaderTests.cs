using System.Text;
using Overlay.Oci;
using Overlay.Oci.Model;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;

namespace Overlay.Tests.Oci;

public sealed class LayerTarReaderTests
{
    public static TheoryData<string> FixtureTars => new()
    {
        "fixtures/docker/image.tar",
        "fixtures/docker/c1-export.tar",
        "fixtures/docker/layers/base.layer.tar",
        "fixtures/docker/layers/commit.layer.tar",
        "fixtures/docker/overlay-dirs/c1-upper.diff.tar",
        "fixtures/docker/overlay-dirs/c1-init.diff.tar",
        "fixtures/docker/overlay-dirs/committed-layer.diff.tar",
    };

    internal static List<(TarMember Entry, byte[] Data)> ReadAll(Stream stream, TarLimits? limits = null)
    {
        using var reader = new LayerTarReader(stream, limits);
        var list = new List<(TarMember, byte[])>();
        while (reader.GetNextMember() is { } entry)
        {
            var data = new MemoryStream();
            reader.OpenData().CopyTo(data);
            list.Add((entry, data.ToArray()));
        }

        return list;
    }

    [Theory]
    [MemberData(nameof(FixtureTars))]
    public void Reader_SharedFixture_ReadsTheSameMembersAsGnuTar(string fixture)
    {
        string path = TestFixtures.Find(fixture);
        var entries = ReadAll(File.OpenRead(path));

        // GNU tar's own listing is the reference for names and sizes.
        var psi = new System.Diagnostics.ProcessStartInfo("tar", ["-tvf", path]) { RedirectStandardOutput = true };
        using var tar = System.Diagnostics.Process.Start(psi)!;
        var lines = tar.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        tar.WaitForExit();
        entries.Should().HaveCount(lines.Length);
        entries.Where(e => e.Entry.Type == TarMemberType.RegularFile).Should().OnlyContain(e => e.Data.LongLength == e.Entry.Size);
    }

    [Fact]
    public void Reader_OverlayDirsTar_GivesBinaryXattrsAndDevices()
    {
        var entries = ReadAll(File.OpenRead(TestFixtures.Find("fixtures/docker/overlay-dirs/c1-upper.diff.tar")))
            .ToDictionary(e => e.Entry.Name.TrimEnd('/'), e => e.Entry);
        entries["./olddir"].ExtendedAttributes["trusted.overlay.opaque"].Should().Equal("y"u8.ToArray());
        var origin = entries["./data/chmod.txt"].ExtendedAttributes["trusted.overlay.origin"];
        origin[0].Should().Be(0);
        origin.Should().Contain(b => b >= 0x80, "the origin file handle is binary");
        entries["./gonedir"].Type.Should().Be(TarMemberType.CharacterDevice);
        entries["./gonedir"].DeviceMajor.Should().Be(0);
        entries["./data/chmod.txt"].Mode.Should().Be((UnixFileMode)0b110_000_000);
        entries["./data/link-to-keep"].LinkName.Should().Be("/data/keep.txt");
        entries["./newdir/deep/f"].ModificationTimeUtc.Ticks.Should().NotBe(0).And.Subject.Should().Match(t => t % TimeSpan.TicksPerSecond != 0, "PAX times keep their fraction");
    }

    [Fact]
    public void Reader_GnuLongNameAndPaxPath_GiveFullNames()
    {
        string longName = string.Concat(Enumerable.Repeat("abcdefghij/", 20)) + "file";
        string longLink = string.Concat(Enumerable.Repeat("target/", 30)) + "t";
        byte[] tar = new TestTar()
            .LongName(longName).File(longName[..99], "gnu")
            .LongName(longLink, 'K').Symlink("link", longLink[..99])
            .Pax([new("path", Encoding.UTF8.GetBytes("pax/" + longName)), new("mtime", "1700000000.25"u8.ToArray())]).File("short", "pax")
            .ToArray();
        var entries = ReadAll(new MemoryStream(tar));
        entries.Select(e => e.Entry.Name).Should().Equal(longName, "link", "pax/" + longName);
        entries[1].Entry.LinkName.Should().Be(longLink);
        entries[2].Entry.ModificationTimeUtc.Should().Be(DateTime.UnixEpoch.AddSeconds(1_700_000_000.25));
        Encoding.UTF8.GetString(entries[2].Data).Should().Be("pax");
    }

    [Fact]
    public void Reader_Base256Size_IsRead()
    {
        byte[] tar = new TestTar().Entry("big", '0', "12345"u8.ToArray(), 0b110_100_100, base256Size: true).ToArray();
        var entries = ReadAll(new MemoryStream(tar));
        entries.Single().Entry.Size.Should().Be(5);
        entries.Single().Data.Should().Equal("12345"u8.ToArray());
    }

    [Fact]
    public void Reader_NonSeekableStream_ReadsTheSameAsSeekable()
    {
        byte[] bytes = File.ReadAllBytes(TestFixtures.Find("fixtures/docker/layers/commit.layer.tar"));
        var seekable = ReadAll(new MemoryStream(bytes));
        var forward = ReadAll(new System.IO.Compression.GZipStream(new MemoryStream(Gzip(bytes)), System.IO.Compression.CompressionMode.Decompress));
        forward.Select(e => (e.Entry.Name, Convert.ToHexString(e.Data))).Should().Equal(seekable.Select(e => (e.Entry.Name, Convert.ToHexString(e.Data))));
    }

    [Fact]
    public void Reader_RandomMutationsOfFixtures_OnlyEverThrowInvalidData()
    {
        int iterations = TestLane.Size("OVERLAY_TAR_FUZZ_ITERATIONS", 300, 3000);
        var fixtures = new[] { "fixtures/docker/layers/commit.layer.tar", "fixtures/docker/overlay-dirs/c1-upper.diff.tar", "fixtures/docker/overlay-dirs/c1-init.diff.tar" }
            .Select(f => File.ReadAllBytes(TestFixtures.Find(f))).ToArray();
        var random = new Random(6);
        int rejected = 0;
        for (int i = 0; i < iterations; i++)
        {
            byte[] bytes = (byte[])fixtures[i % fixtures.Length].Clone();
            int mutations = 1 + random.Next(8);
            for (int m = 0; m < mutations; m++)
            {
                int at = random.Next(Math.Min(bytes.Length, 8 * 1024));
                bytes[at] = random.Next(3) switch { 0 => (byte)random.Next(256), 1 => (byte)'7', _ => 0 };
            }

            if (random.Next(4) == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }

            try
            {
                ReadAll(new MemoryStream(bytes), TarLimits.Default with { MaxTotalSize = 1 << 24, MaxEntries = 10_000 });
                using var dir = new TempDirectory();
                File.WriteAllBytes(dir["l.tar"], bytes);
                using var layer = TarLayer.Open(dir["l.tar"], new LayerTarOptions { SpecialFiles = SpecialFileHandling.Skip }, null, TestContext.Current.CancellationToken);
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
        }

        rejected.Should().BeGreaterThan(0, "some mutations must hit checksums");
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
