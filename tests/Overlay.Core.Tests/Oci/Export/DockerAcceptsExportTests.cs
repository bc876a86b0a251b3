using System.IO.Abstractions;
using System.Security.Cryptography;
using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;

namespace Overlay.Tests.Oci.Export;

/// <summary>
/// Real Docker accepts what the library writes: the fixture's base image plus a layer exported from
/// an overlay upper (writes, a delete, a rename, a chmod, an opaque directory, a symbolic link, a
/// long and a non-ASCII name) is written as a <c>docker save</c> archive, <c>docker load</c>ed into a
/// private dockerd, run, and <c>docker export</c>ed; the container's file system equals the overlay's
/// merged view, Docker's init files aside. Skips with the reason when dockerd is not installed or
/// cannot start, unless <c>OVERLAY_REQUIRE_DOCKER=1</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Trait("Category", "Docker")]
[Trait("Category", "Slow")]
public sealed class DockerAcceptsExportTests : IDisposable
{
    private const string Tag = "overlay-test/commit:1";

    /// <summary>What Docker's init layer adds to every container (fixtures README), absent from the image.</summary>
    private static readonly HashSet<string> InitPaths =
    [
        "/.dockerenv", "/dev", "/dev/console", "/dev/pts", "/dev/shm", "/proc", "/sys",
        "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-dockerexport-").FullName;
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void DockerLoad_OfACommitWrittenByTheLibrary_RunsAndExportsTheOverlaysMergedView()
    {
        var daemon = DockerDaemon.StartOrSkip();
        _disposables.Add(daemon);
        var ct = TestContext.Current.CancellationToken;

        // The base image, read from the docker save fixture: its config and layer tars, bottom first.
        var saved = Path.Combine(_root, "saved");
        ExportTestSupport.ExtractWithGnuTar(ExportTestSupport.DockerFixture("image.tar"), saved);
        var entry = OciJson.Deserialize<DockerArchiveManifestEntry[]>(File.ReadAllBytes(Path.Combine(saved, "manifest.json")), "manifest.json").Single();
        var baseConfig = OciJson.Deserialize<OciImageConfig>(File.ReadAllBytes(Path.Combine(saved, entry.Config)), entry.Config);
        var baseTars = entry.Layers.Select(l => Path.Combine(saved, l)).ToList();
        var lowersTopFirst = baseTars.Select(t => (ILayer)Track(TarLayer.Open(t, cancellationToken: ct))).Reverse().ToArray();

        var upper = new MemoryLayer("upper");
        var fs = new OverlayFileSystem(upper, lowersTopFirst);
        // image.tar is the committed image: /data holds keep, modify, chmod, new, rename-dst and
        // link-to-keep; /olddir holds fresh.txt; /newdir/deep/f.
        fs.File.WriteAllText("/data/added.txt", "added\n");
        fs.File.AppendAllText("/data/modify.txt", "again\n");
        fs.File.Delete("/data/new.txt");
        fs.File.SetUnixFileMode("/data/keep.txt", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        fs.File.Move("/data/rename-dst.txt", "/data/renamed.txt");
        fs.Directory.Delete("/olddir", recursive: true);
        fs.Directory.CreateDirectory("/olddir");
        fs.File.WriteAllText("/olddir/again.txt", "again\n");
        fs.Directory.Delete("/newdir", recursive: true);
        fs.File.CreateSymbolicLink("/data/link2", "/data/keep.txt");
        fs.Directory.CreateDirectory("/extra/deep");
        fs.File.WriteAllText("/extra/deep/f", "deep\n");
        fs.File.WriteAllText("/extra/" + new string('n', 120), "long name\n");
        fs.File.WriteAllText("/extra/grüße.txt", "non-ASCII name\n");
        upper.TryGetEntry("/olddir", out var olddir).Should().BeTrue();
        olddir.IsOpaque.Should().BeTrue("the scenario must exercise an opaque directory");

        var archive = Path.Combine(_root, "commit.tar");
        var written = ImageWriter.WriteDockerArchive(
            new ImageExportRequest
            {
                LayersBottomFirst = [.. baseTars.Select(ImageLayerSource.FromTarFile), ImageLayerSource.FromLayer(upper)],
                BaseConfig = baseConfig,
                RepoTags = [Tag],
                CreatedBy = "overlay commit",
            },
            archive,
            cancellationToken: ct);
        written.Config.RootFs.DiffIds.Take(baseTars.Count).Should().Equal(baseConfig.RootFs.DiffIds, "the base layers are written as they were");

        daemon.Client(["load", "-i", archive]);
        daemon.Client(["image", "inspect", "--format", "{{.Id}}", Tag]).Trim().Should().Be(written.ConfigDigest.ToString());
        daemon.Client(["run", "--name", "overlay-test-c1", "--network", "none", Tag, "/bin/true"]);
        var exported = Path.Combine(_root, "c.tar");
        daemon.Client(["export", "-o", exported, "overlay-test-c1"]);

        var container = RawTar.Read(File.ReadAllBytes(exported))
            .Select(m => (Path: "/" + m.Name.TrimEnd('/'), Member: m))
            .Where(m => m.Path != "/" && !InitPaths.Contains(m.Path))
            .ToDictionary(m => m.Path, m => Describe(m.Member), StringComparer.Ordinal);
        var merged = MergedView(fs);
        container.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + " " + p.Value)
            .Should().Equal(merged.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + " " + p.Value));
    }

    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private static string Describe(RawTarMember member)
    {
        var permissions = Convert.ToInt32(member.ModeField, 8) & 0xFFF;
        return member.Type switch
        {
            '5' => $"dir {permissions:x}",
            '2' => "link " + member.LinkName,
            '0' => $"file {permissions:x} {member.ModificationTime} {Convert.ToHexStringLower(SHA256.HashData(member.Data))}",
            _ => $"type {member.Type}",
        };
    }

    private static Dictionary<string, string> MergedView(IFileSystem fs)
    {
        var view = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in fs.Directory.EnumerateFileSystemEntries("/", "*", SearchOption.AllDirectories))
        {
            var info = fs.FileInfo.New(path);
            var permissions = (int)info.UnixFileMode & 0xFFF;
            view[path] = info.LinkTarget is { } target
                ? "link " + target
                : info.Attributes.HasFlag(FileAttributes.Directory)
                    ? $"dir {permissions:x}"
                    : $"file {permissions:x} {new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds()} {Convert.ToHexStringLower(SHA256.HashData(fs.File.ReadAllBytes(path)))}";
        }

        return view;
    }
}
