using System.Text;
using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Model;

namespace Overlay.Tests.Oci;

/// <summary>
/// Hostile layer tars: each is refused with an <see cref="InvalidDataException"/> naming the member,
/// and nothing (no cache, no staging directory, no layer) stays behind.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostileTarTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static byte[] Bytes(int n, byte value = (byte)'x') => Enumerable.Repeat(value, n).ToArray();

    private static KeyValuePair<string, byte[]> Record(string key, string value) => new(key, Encoding.UTF8.GetBytes(value));

    public static TheoryData<string, string> Cases => new(HostileCases.Keys.Select(k => (k, HostileCases[k].Fragment)).Select(t => new TheoryDataRow<string, string>(t.k, t.Fragment)));

    private static readonly Dictionary<string, (Func<byte[]> Tar, string Fragment, TarLimits? Limits)> HostileCases = new()
    {
        ["dot-dot name"] = (() => new TestTar().File("../evil", "x").ToArray(), "../evil", null),
        ["dot-dot inside a name"] = (() => new TestTar().Directory("a/").File("a/../../evil", "x").ToArray(), "a/../../evil", null),
        ["absolute name"] = (() => new TestTar().File("/etc/evil", "x").ToArray(), "/etc/evil", null),
        ["hard link to an absolute path"] = (() => new TestTar().HardLink("x", "/etc/passwd").ToArray(), "'x'", null),
        ["hard link through dot-dot"] = (() => new TestTar().HardLink("x", "../../etc/passwd").ToArray(), "'x'", null),
        ["hard link to a later member"] = (() => new TestTar().HardLink("x", "later").File("later", "y").ToArray(), "not an earlier member", null),
        ["hard link to a directory"] = (() => new TestTar().Directory("d/").HardLink("x", "d").ToArray(), "not a regular file", null),
        ["member through a symlink planted earlier"] = (() => new TestTar().Symlink("a", "/tmp").File("a/evil", "x").ToArray(), "a/evil", null),
        ["member through a relative symlink"] = (() => new TestTar().Symlink("a", "../../..").Directory("a/b/").ToArray(), "a/b/", null),
        ["member under a file"] = (() => new TestTar().File("a", "x").File("a/b", "y").ToArray(), "a/b", null),
        ["bare .wh."] = (() => new TestTar().File(".wh.").ToArray(), "'.wh.'", null),
        ["bare .wh. in a directory"] = (() => new TestTar().Directory("d/").File("d/.wh.").ToArray(), "d/.wh.", null),
        ["whiteout of dot-dot"] = (() => new TestTar().File(".wh..").ToArray(), ".wh..", null),
        ["whiteout as a directory"] = (() => new TestTar().Directory(".wh.x/").ToArray(), ".wh.x/", null),
        ["duplicate file"] = (() => new TestTar().File("f", "1").File("f", "2").ToArray(), "duplicate", null),
        ["file then directory of the same name"] = (() => new TestTar().File("f", "1").Directory("f/").ToArray(), "duplicate", null),
        ["root as a file"] = (() => new TestTar().File(".", "x").ToArray(), "root", null),
        ["symlink with an empty target"] = (() => new TestTar().Symlink("l", "").ToArray(), "'l'", null),
        ["size beyond the end of the archive"] = (() => new TestTar().Entry("big", '0', Bytes(100), 0b110_100_100, sizeField: 5000).ToArray(end: false), "big", null),
        ["size larger than the data before the next header"] = (() => new TestTar().Entry("short", '0', Bytes(100), 0b110_100_100, sizeField: 1024).File("next", "n").ToArray(), "short", null),
        ["truncated header"] = (() => new TestTar().File("ok", "x").File("next", "y").ToArray(end: false)[..(1024 + 300)], "truncated", null),
        ["garbage"] = (() => new Random(1).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 4096), "checksum", null),
        ["bad checksum"] = (() => new TestTar().Entry("f", '0', Bytes(3), 0b110_100_100, badChecksum: true).ToArray(), "checksum", null),
        ["entry-count bomb"] = (() => Enumerable.Range(0, 101).Aggregate(new TestTar(), (t, i) => t.File($"f{i}")).ToArray(), "f100", TarLimits.Default with { MaxEntries = 100 }),
        ["total-size bomb"] = (() => new TestTar().File("a", new string('a', 600)).File("b", new string('b', 600)).ToArray(), "MaxTotalSize", TarLimits.Default with { MaxTotalSize = 1000 }),
        ["character device"] = (() => new TestTar().Device("dev/null", '3', 1, 3).ToArray(), "dev/null", null),
        ["block device"] = (() => new TestTar().Device("dev/sda", '4', 8, 0).ToArray(), "dev/sda", null),
        ["fifo"] = (() => new TestTar().Device("pipe", '6').ToArray(), "pipe", null),
        ["NUL in a PAX name"] = (() => new TestTar().Pax([Record("path", "evil\0/../x")]).File("placeholder", "x").ToArray(), "NUL", null),
        ["NUL in a GNU long name"] = (() => new TestTar().Entry("././@LongLink", 'L', Encoding.UTF8.GetBytes("a\0b/c\0"), 0b110_100_100).File("placeholder").ToArray(), "contains a NUL character", null),
        ["name over the length limit"] = (() => new TestTar().Pax([Record("path", new string('n', 5000))]).File("placeholder", "x").ToArray(), "longer than 4096", null),
        ["link name over the length limit"] = (() => new TestTar().Pax([Record("linkpath", new string('l', 5000))]).Symlink("link", "t").ToArray(), "member 'link'", null),
        ["giant PAX header"] = (() => new TestTar().Pax([Record("comment", new string('c', 2 << 20))]).File("f").ToArray(), "MaxExtendedHeaderSize", null),
        ["PAX size that is not a number"] = (() => new TestTar().Pax([Record("size", "-12")]).File("f", "x").ToArray(), "'f'", null),
        ["PAX record with a bad length"] = (() => new TestTar().Entry("././@PaxHeader", 'x', "99 path=x\n"u8.ToArray(), 0b110_100_100).File("f").ToArray(), "PAX", null),
        ["sparse member"] = (() => new TestTar().Entry("sparse", 'S', [], 0b110_100_100).ToArray(), "sparse", null),
        ["extension header at the end"] = (() => new TestTar().LongName("dangling").ToArray(), "extension header", null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Open_HostileTar_ThrowsInvalidDataNamingTheMemberAndLeavesNothing(string name, string fragment)
    {
        var (tar, _, limits) = HostileCases[name];
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir["layer.tar"], tar());
        // Devices and FIFOs are refused only when asked (they are kept by default).
        var options = new LayerTarOptions { TemporaryDirectory = dir.Path, Limits = limits ?? TarLimits.Default, SpecialFiles = SpecialFileHandling.Reject };
        FluentActions.Invoking(() => TarLayer.Open(dir["layer.tar"], options, null, Cancel))
            .Should().Throw<InvalidDataException>().WithMessage($"*{fragment}*");

        // Gzipped, the same tar is refused the same way, and its decompressed cache is gone.
        File.WriteAllBytes(dir["layer.tar.gz"], LayerTarReaderTests.Gzip(tar()));
        FluentActions.Invoking(() => TarLayer.Open(dir["layer.tar.gz"], options, null, Cancel))
            .Should().Throw<InvalidDataException>().WithMessage($"*{fragment}*");
        Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Should().BeEquivalentTo("layer.tar", "layer.tar.gz");
    }

    [Fact]
    public void Open_DecompressionBomb_IsRefusedByTheExpansionRatio()
    {
        using var dir = new TempDirectory();
        byte[] tar = new TestTar().Entry("zeros", '0', new byte[8 << 20], 0b110_100_100).ToArray();
        File.WriteAllBytes(dir["bomb.tar.gz"], LayerTarReaderTests.Gzip(tar));
        var options = new LayerTarOptions { TemporaryDirectory = dir.Path, Limits = TarLimits.Default with { MaxExpansionRatio = 50 } };
        FluentActions.Invoking(() => TarLayer.Open(dir["bomb.tar.gz"], options, null, Cancel))
            .Should().Throw<InvalidDataException>().WithMessage("*bomb.tar.gz*decompression bomb*");
        Directory.EnumerateFileSystemEntries(dir.Path).Should().ContainSingle();
    }

    [Fact]
    public void Open_DecompressedSizeOverTheLimit_IsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir["big.tar.gz"], LayerTarReaderTests.Gzip(new TestTar().File("f", new string('f', 100_000)).ToArray()));
        var options = new LayerTarOptions { TemporaryDirectory = dir.Path, Limits = TarLimits.Default with { MaxTotalSize = 50_000 } };
        FluentActions.Invoking(() => TarLayer.Open(dir["big.tar.gz"], options, null, Cancel))
            .Should().Throw<InvalidDataException>().WithMessage("*MaxTotalSize*");
    }

    [Fact]
    public void Open_TruncatedGzip_IsRefused()
    {
        using var dir = new TempDirectory();
        byte[] gz = LayerTarReaderTests.Gzip(new TestTar().File("f", new string('f', 10_000)).ToArray());
        File.WriteAllBytes(dir["cut.tar.gz"], gz[..(gz.Length / 2)]);
        FluentActions.Invoking(() => TarLayer.Open(dir["cut.tar.gz"], new LayerTarOptions { TemporaryDirectory = dir.Path }, null, Cancel))
            .Should().Throw<InvalidDataException>().WithMessage("*truncated*");
        Directory.EnumerateFileSystemEntries(dir.Path).Should().ContainSingle();
    }

    [Fact]
    public void Open_DevicesAndFifosWithSkip_AreLeftOut()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir["l.tar"], new TestTar().Device("null", '3', 1, 3).Device("pipe", '6').File("f", "x").ToArray());
        using var layer = TarLayer.Open(dir["l.tar"], new LayerTarOptions { SpecialFiles = SpecialFileHandling.Skip }, null, Cancel);
        layer.ListDirectory("/").Select(e => e.Name).Should().Equal("f");
    }

    [Fact]
    public void Quirks_DotPrefixesRootEntryStrayLinknameLateOpaqueAndHardLinks_AreRead()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir["l.tar"], new TestTar()
            .Directory("./").Directory("./d/").File("./d/a", "a").File("./d/.wh.gone", linkName: "d/a")
            .File("./d/.wh..wh..opq").HardLink("./d/hard", "./d/a").File(".wh.x").File("x", "x wins").ToArray());
        using var layer = TarLayer.Open(dir["l.tar"], null, null, Cancel);
        layer.TryGetEntry("/d", out var d).Should().BeTrue();
        d.IsOpaque.Should().BeTrue("the opaque marker applies wherever it sits");
        layer.TryGetEntry("/d/gone", out var gone).Should().BeTrue();
        gone.Kind.Should().Be(LayerEntryKind.Whiteout);
        new StreamReader(layer.OpenRead("/d/hard")).ReadToEnd().Should().Be("a");
        layer.TryGetEntry("/x", out var x).Should().BeTrue();
        x.Kind.Should().Be(LayerEntryKind.File, "a member of the same layer wins over its whiteout");
        layer.ListDirectory("/").Select(e => e.Name).Should().BeEquivalentTo("d", "x");
    }

    [Fact]
    public void Extract_SymlinkInALowerLayer_IsNeverWrittenThrough()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir["outside"]);
        File.WriteAllBytes(dir["1.tar"], new TestTar().Symlink("a", dir["outside"]).ToArray());
        File.WriteAllBytes(dir["2.tar"], new TestTar().Directory("a/").File("a/evil", "x").ToArray());
        using var lower = TarLayer.Open(dir["1.tar"], null, null, Cancel);
        using var upper = TarLayer.Open(dir["2.tar"], null, null, Cancel);
        lower.ExtractTo(dir["l1"], WhiteoutForm.Oci, null, Cancel);
        upper.ExtractTo(dir["l2"], WhiteoutForm.Oci, null, Cancel);
        Directory.EnumerateFileSystemEntries(dir["outside"]).Should().BeEmpty();
        using var l1 = new HostDirectoryLayer(dir["l1"]);
        using var l2 = new HostDirectoryLayer(dir["l2"]);
        var merged = new OverlayFileSystem(null, l2, l1);
        merged.File.ReadAllText("/a/evil").Should().Be("x");
        merged.FileInfo.New("/a").LinkTarget.Should().BeNull("the upper layer's directory hides the lower's link");
    }

    [Fact]
    public void Extract_WhenTargetExists_ThrowsAndKeepsIt()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir["taken"]);
        File.WriteAllText(dir["taken/keep"], "k");
        File.WriteAllBytes(dir["l.tar"], new TestTar().File("f", "x").ToArray());
        using var layer = TarLayer.Open(dir["l.tar"], null, null, Cancel);
        FluentActions.Invoking(() => layer.ExtractTo(dir["taken"], WhiteoutForm.Oci, null, Cancel))
            .Should().Throw<IOException>().WithMessage("*already exists*");
        Directory.EnumerateFileSystemEntries(dir["taken"]).Select(Path.GetFileName).Should().Equal("keep");
    }

    [Fact]
    public void Load_LayerBlobDigestMismatch_Throws()
    {
        using var dir = new TempDirectory();
        string layout = CopyLayout(dir);
        string manifest = File.ReadAllText(Path.Combine(layout, "index.json"));
        var index = OciJson.Deserialize<OciImageIndex>(Encoding.UTF8.GetBytes(manifest), "index.json");
        var m = OciJson.Deserialize<OciImageManifest>(File.ReadAllBytes(Path.Combine(layout, "blobs/sha256", index.Manifests[0].Digest.Encoded)), "m");
        string blob = Path.Combine(layout, "blobs/sha256", m.Layers[1].Digest.Encoded);
        byte[] bytes = File.ReadAllBytes(blob);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(blob, bytes);
        FluentActions.Invoking(() => OciImage.Load(layout, cancellationToken: Cancel))
            .Should().Throw<InvalidDataException>().WithMessage($"*digest mismatch*{m.Layers[1].Digest.Encoded}*");
    }

    [Fact]
    public void Load_ManifestDigestMismatch_Throws()
    {
        using var dir = new TempDirectory();
        string layout = CopyLayout(dir);
        var index = OciJson.Deserialize<OciImageIndex>(File.ReadAllBytes(Path.Combine(layout, "index.json")), "index.json");
        string path = Path.Combine(layout, "blobs/sha256", index.Manifests[0].Digest.Encoded);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"schemaVersion\":2", "\"schemaVersion\":3", StringComparison.Ordinal));
        FluentActions.Invoking(() => OciImage.Load(layout, cancellationToken: Cancel))
            .Should().Throw<InvalidDataException>().WithMessage("*mismatch*");
    }

    [Fact]
    public void Load_DockerArchiveWithWrongDiffId_Throws()
    {
        using var dir = new TempDirectory();
        var members = LayerTarReaderTests.ReadAll(File.OpenRead(OciImageTests.Fixture("docker-archive.tar")))
            .Where(m => m.Entry.Type == TarMemberType.RegularFile).ToDictionary(m => m.Entry.Name, m => m.Data);
        var entry = OciJson.Deserialize<DockerArchiveManifestEntry[]>(members["manifest.json"], "manifest.json")[0];
        string config = Encoding.UTF8.GetString(members[entry.Config]);
        var diffIds = OciJson.Deserialize<OciImageConfig>(members[entry.Config], "c").RootFs.DiffIds;
        string wrong = config.Replace(diffIds[1].Encoded, new string('0', 64), StringComparison.Ordinal);
        var tar = new TestTar()
            .File("manifest.json", Encoding.UTF8.GetString(members["manifest.json"]).Replace(entry.Config, "config.json", StringComparison.Ordinal))
            .File("config.json", wrong);
        foreach (string layer in entry.Layers)
        {
            tar.Entry(layer, '0', members[layer], 0b110_100_100);
        }

        File.WriteAllBytes(dir["image.tar"], tar.ToArray());
        FluentActions.Invoking(() => OciImage.Load(dir["image.tar"], cancellationToken: Cancel))
            .Should().Throw<InvalidDataException>().WithMessage($"*diff_id mismatch*{entry.Layers[1]}*");
    }

    [Fact]
    public void Load_DockerArchiveLayerPathWithDotDot_Throws()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir["image"]);
        File.WriteAllText(dir["image/manifest.json"], """[{"Config":"../secret.json","RepoTags":[],"Layers":[]}]""");
        File.WriteAllText(dir["secret.json"], "{}");
        FluentActions.Invoking(() => OciImage.Load(dir["image"], cancellationToken: Cancel))
            .Should().Throw<InvalidDataException>().WithMessage("*../secret.json*");
    }

    [Fact]
    public void Load_DescriptorSizeMismatch_Throws()
    {
        using var dir = new TempDirectory();
        string layout = CopyLayout(dir);
        string indexPath = Path.Combine(layout, "index.json");
        var index = OciJson.Deserialize<OciImageIndex>(File.ReadAllBytes(indexPath), "index.json");
        File.WriteAllText(indexPath, File.ReadAllText(indexPath).Replace($"\"size\":{index.Manifests[0].Size}", "\"size\":1", StringComparison.Ordinal));
        FluentActions.Invoking(() => OciImage.Load(layout, cancellationToken: Cancel))
            .Should().Throw<InvalidDataException>().WithMessage("*size mismatch*");
    }

    private static string CopyLayout(TempDirectory dir)
    {
        string source = OciImageTests.Fixture("oci-layout-gzip");
        string target = dir["layout"];
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }
}
