using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Tests.Support;

namespace Overlay.Tests.Oci.Export;

/// <summary>
/// Docker's own committed layer (<c>layers/commit.layer.tar</c>, written by Docker 20.10 from c1's
/// upper) is the reference: the same upper exported here gives the same members in the same order,
/// with the same types, modes, times, owners, contents and whiteout positions — byte for byte,
/// except the linkname Docker leaks onto one whiteout.
/// </summary>
public sealed class DockerCommitLayerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-export-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Export_OfDockersKernelFormUpper_EqualsDockersCommitLayerByteForByte()
    {
        if (!ExportTestSupport.CanWriteKernelForm)
        {
            Assert.Skip("Extracting the overlay2 upper (character devices, trusted.* xattrs) needs root on Linux.");
        }

        var upperDirectory = Path.Combine(_root, "diff");
        ExportTestSupport.ExtractWithGnuTar(ExportTestSupport.DockerFixture("overlay-dirs/c1-upper.diff.tar"), upperDirectory);
        var before = LayerSnapshot.Capture(new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions { WhiteoutForm = WhiteoutForm.Kernel }), AccessTimeCheck.FilesOnly);
        var upper = new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions { WhiteoutForm = WhiteoutForm.Kernel });

        using var output = new MemoryStream();
        var result = LayerTarExporter.Export(upper, output, cancellationToken: TestContext.Current.CancellationToken);

        var docker = File.ReadAllBytes(ExportTestSupport.DockerFixture("layers/commit.layer.tar"));
        var ours = output.ToArray();
        var expected = RawTar.Read(docker);
        var actual = RawTar.Read(ours);
        actual.Select(m => m.ToString()).Should().Equal(expected.Select(m => m.ToString().Replace("-> 'data/delete.txt'", "-> ''", StringComparison.Ordinal)));
        for (var i = 0; i < expected.Count; i++)
        {
            actual[i].Data.Should().Equal(expected[i].Data, "member {0}'s content", expected[i].Name);
            if (expected[i].LinkName.Length == 0 || expected[i].Type == '2')
            {
                actual[i].Header.Should().Equal(expected[i].Header, "member {0}'s header block", expected[i].Name);
            }
        }

        ours.Length.Should().Be(docker.Length);
        result.EntryCount.Should().Be(15);
        result.DiffId.Should().Be(result.Digest);
        result.Size.Should().Be(docker.Length);
        before.AssertUnchanged(new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions { WhiteoutForm = WhiteoutForm.Kernel }));
    }

    [Fact]
    public void Export_OfTheSameChangesInMemory_HasDockersMembersOrderAndWhiteoutPositions()
    {
        var t = new DateTime(2026, 11, 27, 22, 19, 54, DateTimeKind.Utc);
        var upper = new MemoryLayer("c1", new ManualClock(t));
        upper.AddDirectory("/olddir", opaque: true).AddFile("/olddir/fresh.txt", "fresh\n");
        upper.AddFile("/newdir/deep/f", "deep\n");
        upper.AddWhiteout("/gonedir");
        upper.AddFile("/data/modify.txt", "original\nmodified\n");
        upper.AddWhiteout("/data/rename-src.txt");
        upper.AddSymbolicLink("/data/link-to-keep", "/data/keep.txt");
        upper.AddFile("/data/new.txt", "created\n");
        upper.AddWhiteout("/data/delete.txt");
        upper.AddFile("/data/chmod.txt", "chmod-1\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        upper.AddFile("/data/rename-dst.txt", "rename-me\n");

        using var output = new MemoryStream();
        LayerTarExporter.Export(upper, output, cancellationToken: TestContext.Current.CancellationToken);

        var docker = RawTar.Read(File.ReadAllBytes(ExportTestSupport.DockerFixture("layers/commit.layer.tar")));
        var ours = RawTar.Read(output.ToArray());
        ours.Select(m => (m.Name, m.Type, m.ModeField, m.Type == '2' ? m.LinkName : string.Empty, m.Size))
            .Should().Equal(docker.Select(m => (m.Name, m.Type, m.ModeField, m.Type == '2' ? m.LinkName : string.Empty, m.Size)));
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("oci")]
    [InlineData("kernel")]
    public void Export_OfDockersCommitLayerApplied_GivesTheSameEntriesTypesModesContentsAndWhiteouts(string form)
    {
        if (form == "kernel" && !ExportTestSupport.CanWriteKernelForm)
        {
            Assert.Skip("The kernel whiteout form (character devices, trusted.* xattrs) needs root on Linux.");
        }

        var ct = TestContext.Current.CancellationToken;
        var fixture = ExportTestSupport.DockerFixture("layers/commit.layer.tar");
        using var tarLayer = TarLayer.Open(fixture, cancellationToken: ct);
        ILayer applied = tarLayer;
        if (form != "tar")
        {
            var target = Path.Combine(_root, form);
            var whiteoutForm = form == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci;
            tarLayer.ExtractTo(target, whiteoutForm, cancellationToken: ct);
            applied = new HostDirectoryLayer(target, new HostDirectoryLayerOptions { WhiteoutForm = whiteoutForm });
        }

        using var output = new MemoryStream();
        LayerTarExporter.Export(applied, output, cancellationToken: ct);

        static IEnumerable<string> Describe(IEnumerable<RawTarMember> members) =>
            members.Select(m => $"{m.Name} {m.Type} {m.ModeField} {(m.Type == '2' ? m.LinkName : string.Empty)} {m.Size} {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(m.Data))}");
        Describe(RawTar.Read(output.ToArray())).Should().Equal(Describe(RawTar.Read(File.ReadAllBytes(fixture))));
    }
}
