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

    [Theory]
    [InlineData("1700000000", 1_700_000_000L, 0L)]
    [InlineData("1700000000.25", 1_700_000_000L, 2_500_000L)]
    [InlineData("1700000000.123456789", 1_700_000_000L, 1_234_567L)]
    [InlineData("0.0000001", 0L, 1L)]
    [InlineData("-1.5", -2L, 5_000_000L)]
    [InlineData("+12", 12L, 0L)]
    [InlineData(".5", 0L, 5_000_000L)]
    public void Reader_PaxTimes_AreReadToTheTickWithDigitsBeyondDropped(string value, long seconds, long ticks)
    {
        byte[] tar = new TestTar()
            .Pax([new("mtime", Encoding.ASCII.GetBytes(value)), new("atime", Encoding.ASCII.GetBytes(value))]).File("f", "x")
            .ToArray();
        var entry = ReadAll(new MemoryStream(tar)).Single().Entry;
        var expected = DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks);
        entry.ModificationTimeUtc.Should().Be(expected);
        entry.AccessTimeUtc.Should().Be(expected);
    }

    [Theory]
    [InlineData("1700000000.")]
    [InlineData("17x")]
    [InlineData("")]
    public void Reader_PaxTimeThatIsNotANumber_IsRefused(string value)
    {
        byte[] tar = new TestTar().Pax([new("mtime", Encoding.ASCII.GetBytes(value))]).File("f", "x").ToArray();
        var read = () => ReadAll(new MemoryStream(tar));
        if (value == "1700000000.")
        {
            // A point with no digits after it is read as decimal reads it: the whole seconds.
            read().Single().Entry.ModificationTimeUtc.Should().Be(DateTime.UnixEpoch.AddSeconds(1_700_000_000));
            return;
        }

        read.Should().Throw<InvalidDataException>().WithMessage("*mtime*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reader_ChecksumOverBytesAbove127_IsAcceptedSummedEitherWay(bool signed)
    {
        // A name of bytes >= 0x80 makes the unsigned and the signed sums differ; old writers used the signed one.
        string name = "d\u00e9j\u00e0-\u00fc\u00df\u00f8-" + new string('\u00e9', 5);
        byte[] tar = new TestTar().File(name, "data").ToArray();
        long unsignedSum = 0;
        long signedSum = 0;
        for (int i = 0; i < 512; i++)
        {
            byte b = i is >= 148 and < 156 ? (byte)' ' : tar[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }

        unsignedSum.Should().NotBe(signedSum);
        signedSum.Should().BePositive();
        Encoding.ASCII.GetBytes(Convert.ToString(signed ? signedSum : unsignedSum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, 148);
        ReadAll(new MemoryStream(tar)).Single().Entry.Name.Should().Be(name);

        tar[0]++;
        var corrupt = () => ReadAll(new MemoryStream(tar));
        corrupt.Should().Throw<InvalidDataException>().WithMessage("*checksum*");
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
