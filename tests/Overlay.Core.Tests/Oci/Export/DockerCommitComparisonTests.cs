using System.Text;
using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;

namespace Overlay.Tests.Oci.Export;

/// <summary>
/// The same container commands committed by Docker and by the library give the same layer: a file
/// written into the setgid <c>/var/mail</c>, <c>chmod 2750</c> of a setgid-shadow binary, an append to
/// a hard-linked file, a FIFO. Members, types, modes (special bits included), numeric owners, link
/// names, device numbers and contents are equal, and so are the header blocks and PAX records byte
/// for byte apart from Docker's documented quirks (docs/oci-export.md): the mtimes (when each
/// command ran), with the checksum that covers them, and the owner names Docker looks up on its own
/// host. A user in group 8 can then write <c>/var/mail</c> in both images.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Trait("Category", "Docker")]
[Trait("Category", "Slow")]
public sealed class DockerCommitComparisonTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-dockercommit-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static KeyValuePair<string, byte[]>[] Owner(int uid, int gid) =>
    [
        new("uid", Encoding.ASCII.GetBytes(uid.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        new("gid", Encoding.ASCII.GetBytes(gid.ToString(System.Globalization.CultureInfo.InvariantCulture))),
    ];

    /// <summary>A small root file system with busybox (from the Docker fixture) and the objects the commands touch.</summary>
    private static byte[] Rootfs()
    {
        byte[] busybox;
        using (var fixture = TarLayer.Open(ExportTestSupport.DockerFixture("layers/base.layer.tar")))
        using (var data = fixture.OpenRead("/bin/busybox"))
        using (var copy = new MemoryStream())
        {
            data.CopyTo(copy);
            busybox = copy.ToArray();
        }

        return new TestTar()
            .Directory("bin/")
            .Entry("bin/busybox", '0', busybox, Convert.ToInt32("755", 8))
            .Symlink("bin/sh", "busybox")
            .Directory("etc/")
            .File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n")
            .File("etc/group", "root:x:0:\nmail:x:8:\nshadow:x:42:\n")
            .Directory("tmp/", Convert.ToInt32("1777", 8))
            .Directory("usr/").Directory("usr/bin/")
            .Pax(Owner(0, 42)).File("usr/bin/chage", "chage\n", Convert.ToInt32("2755", 8))
            .File("usr/bin/perl", "perl\n", Convert.ToInt32("755", 8))
            // A link member carries its file's mode, as tar writes it: Docker applies a link member's
            // mode to the shared file, the library keeps the first member's (docs/oci-export.md).
            .Entry("usr/bin/perl5.36.0", '1', [], Convert.ToInt32("755", 8), "usr/bin/perl")
            .Directory("var/")
            .Pax(Owner(0, 8)).Directory("var/mail/", Convert.ToInt32("2775", 8))
            .ToArray();
    }

    private const string Commands =
        "echo mail > /var/mail/root && chmod 2750 /usr/bin/chage && echo more >> /usr/bin/perl && busybox mkfifo -m 640 /tmp/fifo";

    private static Dictionary<string, TarMember> Members(byte[] tar, Dictionary<string, byte[]> contents)
    {
        using var reader = new LayerTarReader(new MemoryStream(tar));
        var members = new Dictionary<string, TarMember>(StringComparer.Ordinal);
        while (reader.GetNextMember(TestContext.Current.CancellationToken) is { } member)
        {
            members[member.Name.TrimEnd('/')] = member;
            if (member.Type == TarMemberType.RegularFile)
            {
                using var copy = new MemoryStream();
                reader.OpenData().CopyTo(copy);
                contents[member.Name] = copy.ToArray();
            }
        }

        return members;
    }

    [Fact]
    public void Commit_OfTheSameCommands_GivesTheLayerDockerCommitGives()
    {
        var ct = TestContext.Current.CancellationToken;
        using var docker = DockerDaemon.StartOrSkip();
        string baseTar = Path.Combine(_root, "base.tar");
        File.WriteAllBytes(baseTar, Rootfs());

        // Docker: import, run the commands as root, commit, save; the top layer is the commit.
        docker.Client(["import", baseTar, "overlay-test/base:1"]);
        docker.Client(["run", "--name", "commit-source", "--network", "none", "overlay-test/base:1", "/bin/sh", "-c", Commands]);
        docker.Client(["commit", "commit-source", "overlay-test/docker:1"]);
        string saved = Path.Combine(_root, "docker-saved");
        string savedTar = Path.Combine(_root, "docker.tar");
        docker.Client(["save", "-o", savedTar, "overlay-test/docker:1"]);
        ExportTestSupport.ExtractWithGnuTar(savedTar, saved);
        var entry = OciJson.Deserialize<DockerArchiveManifestEntry[]>(File.ReadAllBytes(Path.Combine(saved, "manifest.json")), "manifest.json").Single();
        byte[] dockerLayer = File.ReadAllBytes(Path.Combine(saved, entry.Layers[^1]));

        // The library: the same commands on an overlay over the same tar, as a container (root) does them.
        using var lower = TarLayer.Open(baseTar, cancellationToken: ct);
        var upper = new MemoryLayer("upper");
        using (var fs = new OverlayFileSystem([lower], upper, new OverlayOptions { Owner = UnixOwner.Root }))
        {
            fs.File.WriteAllText("/var/mail/root", "mail\n");
            fs.File.SetUnixFileMode("/usr/bin/chage", (UnixFileMode)Convert.ToInt32("2750", 8));
            fs.File.AppendAllText("/usr/bin/perl", "more\n");
            fs.Unix.CreateFifo("/tmp/fifo", (UnixFileMode)Convert.ToInt32("640", 8));
        }

        using var ours = new MemoryStream();
        LayerTarExporter.Export(upper, ours, cancellationToken: ct);

        var dockerContents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var ourContents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var expected = Members(dockerLayer, dockerContents);
        var actual = Members(ours.ToArray(), ourContents);
        actual.Keys.Should().Equal(expected.Keys, "the same members in Docker's order");
        foreach (var (name, member) in expected)
        {
            var got = actual[name];
            (got.Type, (int)got.Mode & 0xFFF, got.Uid, got.Gid, got.LinkName, got.DeviceMajor, got.DeviceMinor, got.Size)
                .Should().Be((member.Type, (int)member.Mode & 0xFFF, member.Uid, member.Gid, member.LinkName, member.DeviceMajor, member.DeviceMinor, member.Size), name);
        }

        // Header blocks and PAX records byte for byte, apart from mtime, checksum and owner names.
        var dockerHeaders = RawTar.Read(dockerLayer);
        var ourHeaders = RawTar.Read(ours.ToArray());
        ourHeaders.Select(m => m.Name).Should().Equal(dockerHeaders.Select(m => m.Name));
        for (int i = 0; i < dockerHeaders.Count; i++)
        {
            ExportTestSupport.WithoutDockersQuirks(ourHeaders[i].Header).Should().Equal(ExportTestSupport.WithoutDockersQuirks(dockerHeaders[i].Header), "{0}'s header", dockerHeaders[i].Name);
            ourHeaders[i].Pax.Where(r => r.Key != "mtime").Select(r => r.Key + "=" + Convert.ToHexString(r.Value)).Order(StringComparer.Ordinal)
                .Should().Equal(dockerHeaders[i].Pax.Where(r => r.Key != "mtime").Select(r => r.Key + "=" + Convert.ToHexString(r.Value)).Order(StringComparer.Ordinal), "{0}'s PAX records", dockerHeaders[i].Name);
        }

        ourContents.Keys.Should().BeEquivalentTo(dockerContents.Keys);
        foreach (var (name, data) in dockerContents)
        {
            ourContents[name].Should().Equal(data, name);
        }

        // Group mail writes /var/mail in Docker's commit and in the library's, loaded into Docker.
        string archive = Path.Combine(_root, "ours.tar");
        ImageWriter.WriteDockerArchive(new ImageExportRequest
        {
            LayersBottomFirst = [ImageLayerSource.FromTarFile(baseTar), ImageLayerSource.FromLayer(upper)],
            RepoTags = ["overlay-test/library:1"],
        }, archive, cancellationToken: ct);
        docker.Client(["load", "-i", archive]);
        foreach (string image in (string[])["overlay-test/docker:1", "overlay-test/library:1"])
        {
            docker.Client(["run", "--rm", "--network", "none", "--user", "65534:8", image, "/bin/sh", "-c", "echo x > /var/mail/nobody && busybox stat -c '%g' /var/mail/nobody"])
                .Trim().Should().Be("8", "{0}: a file made in setgid /var/mail takes its group", image);
        }
    }
}
