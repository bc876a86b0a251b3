using System.Text;
using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Model;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;

namespace Overlay.Tests.Oci;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OciImageTests
{
    private static readonly string[] InitFiles =
        ["/.dockerenv", "/dev/console", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab", "/dev/pts", "/dev/shm", "/proc", "/sys",
         "/dev"]; // The image has no /dev: the init layer makes it for /dev/console, /dev/pts and /dev/shm.

    // Directories whose own metadata comes from the init layer in docker export (it holds them too).
    private static readonly string[] InitParents = ["/", "/dev", "/etc"];

    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Oci", "Fixtures", name);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Load_DockerSaveFixture_GivesTwoLayersWhoseDiffIdsMatchTheConfig()
    {
        using var image = OciImage.Load(TestFixtures.Find("fixtures/docker/image.tar"), cancellationToken: Cancel);
        image.Layers.Should().HaveCount(2);
        image.Layers.Select(l => l.DiffId).Should().Equal(image.Config.RootFs.DiffIds);
        image.Layers.Select(l => l.Layer.ComputeDiffId()).Should().Equal(image.Config.RootFs.DiffIds);
        image.RepoTags.Should().Contain("dockres/committed:1");
        image.ConfigDigest.Encoded.Should().Be("812c90492172546b6b04805abf3570373f31413404124a8a2f5979efc7dda7ba");
        image.Layers[1].Layer.TryGetEntry("/gonedir", out var gone).Should().BeTrue();
        gone.Kind.Should().Be(LayerEntryKind.Whiteout, "'.wh.gonedir' carries a stray linkname that must be ignored");
        image.Layers[1].Layer.TryGetEntry("/olddir", out var olddir).Should().BeTrue();
        olddir.IsOpaque.Should().BeTrue();
    }

    [Fact]
    public void Load_DockerSaveFixture_MergedViewEqualsDockerExportWithoutInitFiles()
    {
        using var image = OciImage.Load(TestFixtures.Find("fixtures/docker/image.tar"), cancellationToken: Cancel);
        var merged = new OverlayFileSystem(image.LowersTopFirst, null);
        MergedTree(merged).Should().BeEquivalentTo(ExportTree(), o => o.WithStrictOrdering());
    }

    [Fact]
    public void ExtractLayers_DockerSaveFixture_BothFormsGiveTheSameMergedView()
    {
        using var image = OciImage.Load(TestFixtures.Find("fixtures/docker/image.tar"), cancellationToken: Cancel);
        var expected = ExportTree();
        foreach (var form in new[] { WhiteoutForm.Oci, WhiteoutForm.Kernel })
        {
            using var dir = new TempDirectory();
            var progress = new List<OciProgress>();
            var layers = image.ExtractLayers(dir.Path, form, new SyncProgress(progress.Add), Cancel);
            try
            {
                var merged = new OverlayFileSystem(layers.Reverse(), null);
                MergedTree(merged).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering(), $"form {form}");
                progress.Should().Contain(p => p.Stage == OciProgressStage.Completed);
                Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName)
                    .Should().BeEquivalentTo(image.Layers.Select(l => l.DiffId.Encoded), "only the layers, no staging directory, stay");
            }
            finally
            {
                foreach (var layer in layers)
                {
                    layer.Dispose();
                }
            }
        }
    }

    [Theory]
    [InlineData("oci-layout-gzip", MediaTypes.OciLayerTarGzip)]
    [InlineData("oci-layout-zstd", MediaTypes.OciLayerTarZstd)]
    [InlineData("oci-archive.tar", MediaTypes.OciLayerTarGzip)]
    [InlineData("docker-archive.tar", MediaTypes.DockerLayerTar)]
    public void Load_UmociAndSkopeoImages_GiveTheSameMergedTree(string fixture, string layerMediaType)
    {
        using var image = OciImage.Load(Fixture(fixture), cancellationToken: Cancel);
        image.Layers.Should().HaveCount(2);
        image.Layers.Should().OnlyContain(l => l.MediaType == layerMediaType);
        image.Layers.Select(l => l.Layer.ComputeDiffId()).Should().Equal(image.Config.RootFs.DiffIds);
        var merged = new OverlayFileSystem(image.LowersTopFirst, null);
        merged.Directory.EnumerateFileSystemEntries("/data").Order(StringComparer.Ordinal).Should().Equal("/data/keep.txt", "/data/link", "/data/new.txt");
        merged.File.ReadAllText("/etc/greeting").Should().Be("hello\n");
        merged.File.GetUnixFileMode("/data/keep.txt").Should().Be((UnixFileMode)0b110_000_000);
        merged.FileInfo.New("/data/link").LinkTarget.Should().Be("/etc/greeting");
    }

    [Fact]
    public void Load_ReportsProgressAndHonoursCancellation()
    {
        var progress = new List<OciProgress>();
        using (OciImage.Load(Fixture("oci-layout-zstd"), progress: new SyncProgress(progress.Add), cancellationToken: Cancel))
        {
        }

        progress.Select(p => p.Stage).Should().Contain([OciProgressStage.Verifying, OciProgressStage.Decompressing, OciProgressStage.Completed]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        FluentActions.Invoking(() => OciImage.Load(TestFixtures.Find("fixtures/docker/image.tar"), cancellationToken: cancelled.Token))
            .Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void ExtractTo_WhenCancelled_LeavesNothingBehind()
    {
        using var dir = new TempDirectory();
        using var layer = TarLayer.Open(TestFixtures.Find("fixtures/docker/layers/base.layer.tar"), cancellationToken: Cancel);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        FluentActions.Invoking(() => layer.ExtractTo(dir["base"], WhiteoutForm.Oci, null, cancelled.Token))
            .Should().Throw<OperationCanceledException>();
        Directory.EnumerateFileSystemEntries(dir.Path).Should().BeEmpty();
    }

    [Fact]
    public void TarLayer_KernelFormOverlayDirsTar_ReadsDeviceWhiteoutsAndOpaqueXattrs()
    {
        using var layer = TarLayer.Open(TestFixtures.Find("fixtures/docker/overlay-dirs/c1-upper.diff.tar"), new LayerTarOptions { WhiteoutForm = WhiteoutForm.Kernel }, null, Cancel);
        layer.ListDirectory("/data").Where(e => e.Kind == LayerEntryKind.Whiteout).Select(e => e.Name).Should().BeEquivalentTo("delete.txt", "rename-src.txt");
        layer.TryGetEntry("/olddir", out var olddir).Should().BeTrue();
        olddir.IsOpaque.Should().BeTrue();
        layer.GetTarMember("/data/modify.txt")!.ExtendedAttributes.Should().ContainKey("trusted.overlay.origin");
        using var reader = new StreamReader(layer.OpenRead("/data/modify.txt"));
        reader.ReadToEnd().Should().Be("original\nmodified\n");
    }

    [Fact]
    public void TarLayer_KernelFormTarOpenedAsOci_RefusesTheDeviceWhiteouts()
    {
        FluentActions.Invoking(() => TarLayer.Open(TestFixtures.Find("fixtures/docker/overlay-dirs/c1-upper.diff.tar"), null, null, Cancel))
            .Should().Throw<InvalidDataException>().WithMessage("*gonedir*CharacterDevice*");
    }

    [Fact]
    public void TarLayer_GzipAndZstd_ReadTheSameAsThePlainTar()
    {
        using var dir = new TempDirectory();
        byte[] plain = File.ReadAllBytes(TestFixtures.Find("fixtures/docker/layers/commit.layer.tar"));
        File.WriteAllBytes(dir["l.tar.gz"], LayerTarReaderTests.Gzip(plain));
        using (var zstd = new ZstdSharp.Compressor())
        {
            File.WriteAllBytes(dir["l.tar.zst"], zstd.Wrap(plain).ToArray());
        }

        using var reference = TarLayer.Open(TestFixtures.Find("fixtures/docker/layers/commit.layer.tar"), null, null, Cancel);
        foreach (var (file, compression) in new[] { ("l.tar.gz", LayerCompression.Gzip), ("l.tar.zst", LayerCompression.Zstd) })
        {
            using var layer = TarLayer.Open(dir[file], null, null, Cancel);
            layer.Compression.Should().Be(compression);
            layer.ComputeDiffId().Should().Be(Digest.Compute(plain));
            Dump(layer, "/").Should().Equal(Dump(reference, "/"));
        }
    }

    private static List<string> Dump(ILayer layer, string path)
    {
        var lines = new List<string>();
        foreach (var entry in layer.ListDirectory(path).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string child = path == "/" ? "/" + entry.Name : path + "/" + entry.Name;
            string content = entry.Kind == LayerEntryKind.File ? new StreamReader(layer.OpenRead(child)).ReadToEnd() : string.Empty;
            lines.Add($"{child} {entry.Kind} {entry.Mode} {entry.IsOpaque} {entry.LinkTarget} {content}");
            if (entry.IsDirectory)
            {
                lines.AddRange(Dump(layer, child));
            }
        }

        return lines;
    }

    private static List<string> ExportTree()
    {
        var lines = new List<string>();
        using var stream = File.OpenRead(TestFixtures.Find("fixtures/docker/c1-export.tar"));
        foreach (var (entry, data) in LayerTarReaderTests.ReadAll(stream))
        {
            string path = "/" + entry.Name.Trim('/');
            if (path == "/" || InitFiles.Any(f => path == f || path.StartsWith(f + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            string kind = entry.Type switch
            {
                TarMemberType.Directory => "dir",
                TarMemberType.SymbolicLink => "link " + entry.LinkName,
                _ => "file " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data)),
            };
            var time = InitParents.Contains(path) ? "-" : entry.ModificationTimeUtc.ToString("O");
            lines.Add($"{path} {kind} {(entry.Type == TarMemberType.SymbolicLink ? "-" : Convert.ToString((int)entry.Mode, 8))} {time}");
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static List<string> MergedTree(OverlayFileSystem fs)
    {
        var lines = new List<string>();
        foreach (string path in fs.Directory.EnumerateFileSystemEntries("/", "*", SearchOption.AllDirectories))
        {
            var info = fs.FileInfo.New(path);
            string kind = info.LinkTarget is { } target ? "link " + target
                : info.Attributes.HasFlag(FileAttributes.Directory) ? "dir"
                : "file " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(fs.File.ReadAllBytes(path)));
            var time = InitParents.Contains(path) ? "-" : info.LastWriteTimeUtc.ToString("O");
            lines.Add($"{path} {kind} {(info.LinkTarget is null ? Convert.ToString((int)fs.File.GetUnixFileMode(path), 8) : "-")} {time}");
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private sealed class SyncProgress(Action<OciProgress> report) : IProgress<OciProgress>
    {
        public void Report(OciProgress value) => report(value);
    }
}
