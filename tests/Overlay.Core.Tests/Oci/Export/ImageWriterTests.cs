using System.IO.Compression;
using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;

namespace Overlay.Tests.Oci.Export;

public sealed class ImageWriterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-imagewriter-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ImageExportRequest Commit(out OciImageConfig baseConfig)
    {
        var baseTar = ExportTestSupport.DockerFixture("layers/base.layer.tar");
        var upper = new MemoryLayer("upper", new Support.ManualClock(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc))).AddFile("/etc/motd", "hi\n").AddWhiteout("/tmp");
        baseConfig = new OciImageConfig
        {
            Architecture = "amd64",
            OS = "linux",
            Config = new OciContainerConfig { Cmd = ["/bin/sh"] },
            RootFs = new OciRootFs { DiffIds = [Digest.ComputeFile(baseTar)] },
            History = [new OciHistory { CreatedBy = "import" }],
        };
        return new ImageExportRequest
        {
            LayersBottomFirst = [ImageLayerSource.FromTarFile(baseTar), ImageLayerSource.FromLayer(upper)],
            BaseConfig = baseConfig,
            RepoTags = ["example/commit:1"],
            CreatedBy = "commit",
        };
    }

    [Fact]
    public void WriteOciLayout_WritesBlobsWhoseDigestsAndDiffIdsCheck()
    {
        var request = Commit(out var baseConfig);
        var layout = Path.Combine(_root, "layout");

        var result = ImageWriter.WriteOciLayout(request, layout, cancellationToken: Ct);

        File.ReadAllText(Path.Combine(layout, "oci-layout")).Should().Contain("\"imageLayoutVersion\":\"1.0.0\"");
        var index = OciJson.Deserialize<OciImageIndex>(File.ReadAllBytes(Path.Combine(layout, "index.json")), "index.json");
        var manifestDescriptor = index.Manifests.Single();
        manifestDescriptor.Annotations!["org.opencontainers.image.ref.name"].Should().Be("example/commit:1");
        var manifest = OciJson.Deserialize<OciImageManifest>(Blob(layout, manifestDescriptor), "manifest");
        var config = OciJson.Deserialize<OciImageConfig>(Blob(layout, manifest.Config), "config");
        Digest.Compute(Blob(layout, manifest.Config)).Should().Be(result.ConfigDigest);
        config.RootFs.DiffIds.Should().HaveCount(2);
        config.RootFs.DiffIds[0].Should().Be(baseConfig.RootFs.DiffIds[0]);
        config.History!.Select(h => h.CreatedBy).Should().Equal("import", "commit");
        config.Config!.Cmd.Should().Equal("/bin/sh");
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            manifest.Layers[i].MediaType.Should().Be(MediaTypes.OciLayerTarGzip);
            using var inflated = new MemoryStream();
            using (var gzip = new GZipStream(new MemoryStream(Blob(layout, manifest.Layers[i])), CompressionMode.Decompress))
            {
                gzip.CopyTo(inflated);
            }

            Digest.Compute(inflated.ToArray()).Should().Be(config.RootFs.DiffIds[i]);
        }

        Directory.EnumerateFileSystemEntries(_root).Should().Equal(layout);
    }

    [Fact]
    public void WriteDockerArchive_WritesManifestWhoseLayersHashToTheConfigsDiffIds()
    {
        var request = Commit(out _);
        var archive = Path.Combine(_root, "image.tar");

        var result = ImageWriter.WriteDockerArchive(request, archive, cancellationToken: Ct);

        var members = RawTar.Read(File.ReadAllBytes(archive)).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var entry = OciJson.Deserialize<DockerArchiveManifestEntry[]>(members["manifest.json"].Data, "manifest.json").Single();
        entry.RepoTags.Should().Equal("example/commit:1");
        entry.Config.Should().Be(result.ConfigDigest.Encoded + ".json");
        var config = OciJson.Deserialize<OciImageConfig>(members[entry.Config].Data, "config");
        Digest.Compute(members[entry.Config].Data).Should().Be(result.ConfigDigest);
        entry.Layers.Select(l => Digest.Compute(members[l].Data)).Should().Equal(config.RootFs.DiffIds);
        members[entry.Layers[1].Replace("layer.tar", "VERSION", StringComparison.Ordinal)].Data.Should().Equal("1.0"u8.ToArray());
        System.Text.Encoding.UTF8.GetString(members["repositories"].Data).Should().Contain("\"example/commit\":{\"1\":\"" + entry.Layers[1].Split('/')[0] + "\"}");
        Directory.EnumerateFileSystemEntries(_root).Should().Equal(archive);
    }

    [Fact]
    public void WriteDockerArchive_IsDeterministic()
    {
        var first = Path.Combine(_root, "a.tar");
        var second = Path.Combine(_root, "b.tar");

        ImageWriter.WriteDockerArchive(Commit(out _), first, cancellationToken: Ct);
        ImageWriter.WriteDockerArchive(Commit(out _), second, cancellationToken: Ct);

        File.ReadAllBytes(second).Should().Equal(File.ReadAllBytes(first));
    }

    [Fact]
    public void WriteOciLayout_WhenCancelled_LeavesNothing()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Item == "layer 2/2")
            {
                cancel.Cancel();
            }
        });

        var act = () => ImageWriter.WriteOciLayout(Commit(out _), Path.Combine(_root, "layout"), progress, cancel.Token);

        act.Should().Throw<OperationCanceledException>();
        Directory.EnumerateFileSystemEntries(_root).Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrittenImage_LoadsWithVerifiedDigestsAndTheUppersChanges(bool ociLayout)
    {
        var request = Commit(out var baseConfig);
        var path = Path.Combine(_root, ociLayout ? "layout" : "image.tar");
        var written = ociLayout
            ? ImageWriter.WriteOciLayout(request, path, cancellationToken: Ct)
            : ImageWriter.WriteDockerArchive(request, path, cancellationToken: Ct);

        using var image = OciImage.Load(path, cancellationToken: Ct);

        image.ConfigDigest.Should().Be(written.ConfigDigest);
        image.Layers.Select(l => l.DiffId).Should().Equal(written.Layers.Select(l => l.DiffId));
        image.Layers[0].DiffId.Should().Be(baseConfig.RootFs.DiffIds[0]);
        var top = image.LowersTopFirst[0];
        top.TryGetEntry("/tmp", out var tmp).Should().BeTrue();
        tmp.Kind.Should().Be(LayerEntryKind.Whiteout);
        using var motd = new StreamReader(top.OpenRead("/etc/motd"));
        motd.ReadToEnd().Should().Be("hi\n");
    }

    private static byte[] Blob(string layout, OciDescriptor descriptor)
    {
        var bytes = File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", descriptor.Digest.Encoded));
        bytes.Length.Should().Be((int)descriptor.Size);
        Digest.Compute(bytes).Should().Be(descriptor.Digest);
        return bytes;
    }

    private sealed class SyncProgress(Action<OciProgress> report) : IProgress<OciProgress>
    {
        public void Report(OciProgress value) => report(value);
    }
}
