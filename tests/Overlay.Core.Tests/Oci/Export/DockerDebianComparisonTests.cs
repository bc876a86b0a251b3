using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;

namespace Overlay.Tests.Oci.Export;

/// <summary>
/// A real Debian root file system (<see cref="DebianRootfs"/>: capabilities, ACLs, non-root owners,
/// setgid directories and binaries, hard links, a FIFO and a device) against a private dockerd:
/// imported by <c>docker import</c> and by the library (as a tar layer, and through an on-disk
/// <c>ImageStore</c>, then <c>docker load</c>ed), every path inside a container has the same
/// <c>stat</c>, <c>getcap</c> and <c>getfattr</c> output; the same container commands committed by
/// Docker and by the library's <c>Container.Commit</c> give layers whose tar headers are equal apart
/// from the fields docs/oci-export.md lists as Docker's, and whose images list the same inside a
/// container; a <c>--user 65534:8</c> process writes <c>/var/mail</c> in both.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Trait("Category", "Docker")]
[Trait("Category", "Slow")]
public sealed class DockerDebianComparisonTests(DebianDockerFixture fixture) : IClassFixture<DebianDockerFixture>
{
    /// <summary>
    /// Run inside a container: every path of the container's own file system (not the /proc, /sys
    /// and /dev mounts Docker adds) with its owner, mode, link count, type, device numbers, size and
    /// mtime; the capabilities getcap finds; every extended attribute getfattr lists, ACLs included.
    /// </summary>
    private const string InspectScript = """
        list() { find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o "$@" -print0; }
        echo '== stat'
        list | xargs -0 stat --printf '%n\t%u %g %a %h %F %t,%T %s %Y\n' 2>&1
        echo '== getcap'
        list ! -type l | xargs -0 getcap 2>&1
        echo '== getfattr'
        list | xargs -0 getfattr -h -d -m - -e hex --absolute-names 2>&1
        echo '== end'
        """;

    /// <summary>Bind-mounted by Docker over the image's paths: Docker's files, whatever the image holds.</summary>
    private static readonly HashSet<string> DockersMounts = ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"];

    /// <summary>Where Docker's init layer, made when a container is created, sets the mtime (it adds /.dockerenv, /etc/mtab, mount points).</summary>
    private static readonly HashSet<string> InitLayerTimes = ["/", "/etc", "/.dockerenv", "/etc/mtab"];

    /// <summary>The issue's container commands, and a chmod of ping (a copy-up that must keep its capability).</summary>
    private const string Commands =
        "echo mail > /var/mail/root && chmod 2750 /usr/bin/chage && echo more >> /usr/bin/perl && mkfifo -m 640 /tmp/fifo && chmod 0711 /usr/bin/ping";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Import_ByTheLibrary_GivesEveryPathInAContainerWhatDockerImportGives()
    {
        DebianRootfs.GetOrSkip();
        var docker = fixture.Docker;
        var expected = Inspect(fixture.DockerImport, withTimes: true);

        // What the comparison must see, so that it cannot pass on an image without them.
        expected.Should().Contain(
        [
            "/usr/bin/ping\tcap cap_net_raw=ep",
            "/usr/bin/ping\txattr security.capability=0x0100000200200000000000000000000000000000",
            "/srv/overlay/user-xattr\txattr user.overlay=0x6b657074",
        ]);
        expected.Should().Contain(l => l.StartsWith("/srv/overlay/nobody-mail\tstat 65534 8 640 1 regular file 0,0 7 @", StringComparison.Ordinal), "a file owned by 65534:8");
        expected.Should().Contain(l => l.StartsWith("/srv/overlay/fifo\tstat 65534 8 620 1 fifo 0,0 0 @", StringComparison.Ordinal), "a FIFO owned by 65534:8");
        expected.Should().Contain(l => l.StartsWith("/srv/overlay/null\tstat 0 0 666 1 character special file 1,3 0 @", StringComparison.Ordinal), "a character device");
        expected.Should().Contain(l => l.StartsWith("/var/mail\tstat 0 8 2775 2 directory ", StringComparison.Ordinal), "/var/mail is setgid mail");
        expected.Should().Contain(l => l.StartsWith("/usr/bin/chage\tstat 0 42 2755 1 regular file ", StringComparison.Ordinal), "chage is setgid shadow");
        expected.Should().Contain(l => l.StartsWith("/srv/overlay/perl\tstat 0 0 755 3 regular file ", StringComparison.Ordinal), "perl has three names");
        expected.Should().Contain(l => l.StartsWith("/srv/overlay/acl-file\txattr system.posix_acl_access=0x", StringComparison.Ordinal), "acl-file has an access ACL");
        expected.Should().Contain(l => l.StartsWith("/srv/overlay/acl-dir\txattr system.posix_acl_default=0x", StringComparison.Ordinal), "acl-dir has a default ACL");

        // The tar read in place by a tar layer, written by the library as a docker save archive.
        string fromTarLayer = Path.Combine(fixture.Root, "import-tarlayer.tar");
        using (var layer = TarLayer.Open(fixture.Tar, cancellationToken: Cancel))
        {
            ImageWriter.WriteDockerArchive(new ImageExportRequest { LayersBottomFirst = [ImageLayerSource.FromLayer(layer)], RepoTags = ["overlay-test/debian:tarlayer"] }, fromTarLayer, cancellationToken: Cancel);
        }

        // The tar imported into an on-disk image store (extracted, kernel whiteout form), its layer
        // directory written the same way.
        string fromStore = Path.Combine(fixture.Root, "import-store.tar");
        using (var container = fixture.Store.CreateContainer(DebianDockerFixture.LibraryImported))
        {
            ImageWriter.WriteDockerArchive(new ImageExportRequest { LayersBottomFirst = [ImageLayerSource.FromLayer(container.LowersTopFirst[^1])], RepoTags = ["overlay-test/debian:store"] }, fromStore, cancellationToken: Cancel);
        }

        foreach (var (archive, tag) in new[] { (fromTarLayer, "overlay-test/debian:tarlayer"), (fromStore, "overlay-test/debian:store") })
        {
            docker.Client(["load", "-i", archive], TimeSpan.FromMinutes(5));
            AssertSameListing(Inspect(tag, withTimes: true), expected, tag);
        }
    }

    [Fact]
    public void Commit_OfTheSameCommands_GivesDockersLayerHeadersAndImage()
    {
        DebianRootfs.GetOrSkip();
        var docker = fixture.Docker;

        // Docker: the commands as root in a container of its own import, committed and saved.
        long dockerStart = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        docker.Client(["run", "--name", "overlay-test-debian-commit", "--network", "none", fixture.DockerImport, "/bin/sh", "-c", Commands]);
        long dockerEnd = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        docker.Client(["commit", "overlay-test-debian-commit", "overlay-test/debian:docker-commit"]);
        string savedTar = Path.Combine(fixture.Root, "docker-commit.tar");
        string saved = Path.Combine(fixture.Root, "docker-commit");
        docker.Client(["save", "-o", savedTar, "overlay-test/debian:docker-commit"], TimeSpan.FromMinutes(5));
        ExportTestSupport.ExtractWithGnuTar(savedTar, saved);
        var entry = OciJson.Deserialize<DockerArchiveManifestEntry[]>(File.ReadAllBytes(Path.Combine(saved, "manifest.json")), "manifest.json").Single();
        var dockers = RawTar.Read(File.ReadAllBytes(Path.Combine(saved, entry.Layers[^1])));

        // The library: the same commands through a container of the store's import, committed.
        var store = fixture.Store;
        byte[] ours;
        long libraryStart, libraryEnd;
        using (var container = store.CreateContainer(DebianDockerFixture.LibraryImported))
        {
            var fs = container.FileSystem;
            libraryStart = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            fs.File.WriteAllText("/var/mail/root", "mail\n");
            fs.File.SetUnixFileMode("/usr/bin/chage", (UnixFileMode)Convert.ToInt32("2750", 8));
            fs.File.AppendAllText("/usr/bin/perl", "more\n");
            fs.Unix.CreateFifo("/tmp/fifo", (UnixFileMode)Convert.ToInt32("640", 8));
            fs.File.SetUnixFileMode("/usr/bin/ping", (UnixFileMode)Convert.ToInt32("711", 8));
            libraryEnd = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var committed = container.Commit("overlay-test/debian:library-commit", cancellationToken: Cancel);
            using var output = new MemoryStream();
            LayerTarExporter.Export(container.Upper, output, cancellationToken: Cancel).DiffId.ToString()
                .Should().Be(committed.Layers[^1].DiffId, "the committed layer is the container's layer as Docker writes it");
            ours = output.ToArray();
        }

        var actual = RawTar.Read(ours);
        actual.Select(m => m.Name).Should().Equal(dockers.Select(m => m.Name), "the same members in Docker's order");
        dockers.Should().Contain(m => m.Name == "usr/bin/ping" && m.Pax.ContainsKey("SCHILY.xattr.security.capability"), "the chmod copy-up keeps ping's capability");
        for (int i = 0; i < dockers.Count; i++)
        {
            string name = dockers[i].Name;
            ExportTestSupport.WithoutDockersQuirks(actual[i].Header).Should().Equal(ExportTestSupport.WithoutDockersQuirks(dockers[i].Header), "{0}'s header, apart from mtime, checksum and owner names", name);
            actual[i].Pax.Where(r => r.Key != "mtime").Select(r => r.Key + "=" + Convert.ToHexString(r.Value)).Order(StringComparer.Ordinal)
                .Should().Equal(dockers[i].Pax.Where(r => r.Key != "mtime").Select(r => r.Key + "=" + Convert.ToHexString(r.Value)).Order(StringComparer.Ordinal), "{0}'s PAX records", name);
            actual[i].Data.Should().Equal(dockers[i].Data, "{0}'s content", name);

            // Docker's quirks, pinned so that docs/oci-export.md stays true. The mtimes of what the
            // commands wrote are when each side ran them; the others are the image's, on both sides.
            if (Written.Contains(name))
            {
                dockers[i].ModificationTime.Should().BeInRange(dockerStart, dockerEnd, "{0} was written by Docker's container", name);
                actual[i].ModificationTime.Should().BeInRange(libraryStart, libraryEnd, "{0} was written by the library's container", name);
            }
            else
            {
                actual[i].ModificationTime.Should().Be(dockers[i].ModificationTime, "{0} was copied up, not written", name);
            }

            // Docker names owners from its own host's /etc/passwd and /etc/group; the library names
            // uid and gid 0 only.
            int uid = OctalField(dockers[i].Header, 108), gid = OctalField(dockers[i].Header, 116);
            (dockers[i].UserName, dockers[i].GroupName).Should().Be((HostName("/etc/passwd", uid), HostName("/etc/group", gid)), "{0}: Docker's names are its host's", name);
            (actual[i].UserName, actual[i].GroupName).Should().Be((uid == 0 ? "root" : string.Empty, gid == 0 ? "root" : string.Empty), "{0}: the library names id 0 only", name);
        }

        // The append copied up one name of perl's three: the link is broken, in both layers (overlay2 runs without index=on).
        dockers.Should().NotContain(m => m.Type == '1', "Docker's copy-up of a hard-linked file breaks the link");
        dockers.Should().Contain(m => m.Name == "var/mail/root" && OctalField(m.Header, 116) == 8, "the file made in setgid /var/mail has group mail");

        // The library's commit, written as an image of the store's layers and loaded: inside a
        // container it lists as Docker's commit does, and group mail writes /var/mail in both.
        string archive = Path.Combine(fixture.Root, "library-commit.tar");
        using (var committed = store.CreateContainer("overlay-test/debian:library-commit"))
        {
            ImageWriter.WriteDockerArchive(new ImageExportRequest
            {
                LayersBottomFirst = [.. committed.LowersTopFirst.Skip(1).Reverse().Select(ImageLayerSource.FromLayer)],
                RepoTags = ["overlay-test/debian:library-commit"],
            }, archive, cancellationToken: Cancel);
        }

        docker.Client(["load", "-i", archive], TimeSpan.FromMinutes(5));
        AssertSameListing(Inspect("overlay-test/debian:library-commit", withTimes: false), Inspect("overlay-test/debian:docker-commit", withTimes: false), "the commits");
        foreach (string image in (string[])["overlay-test/debian:docker-commit", "overlay-test/debian:library-commit"])
        {
            docker.Client(["run", "--rm", "--network", "none", "--user", "65534:8", image, "/bin/sh", "-c", "echo x > /var/mail/nobody && stat -c '%u %g %a' /var/mail/nobody"])
                .Trim().Should().Be("65534 8 644", "{0}: a file made in setgid /var/mail takes its group", image);
        }
    }

    /// <summary>The members the commands write: their mtimes are when the commands ran.</summary>
    private static readonly HashSet<string> Written = ["tmp/", "tmp/fifo", "usr/bin/perl", "var/mail/", "var/mail/root"];

    /// <summary>The name an id has in this host's passwd or group file (the host dockerd runs on), or none.</summary>
    private static string HostName(string file, int id) =>
        File.ReadLines(file).Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[2] == id.ToString(System.Globalization.CultureInfo.InvariantCulture))?[0] ?? string.Empty;

    /// <summary>An 8-byte octal field of a ustar header: the uid at 108, the gid at 116.</summary>
    private static int OctalField(byte[] header, int offset) =>
        Convert.ToInt32(System.Text.Encoding.ASCII.GetString(header, offset, 8).TrimEnd('\0', ' '), 8);

    private static void AssertSameListing(IReadOnlyCollection<string> actual, IReadOnlyCollection<string> expected, string what)
    {
        actual.Except(expected).Should().BeEmpty("{0} list nothing docker import's image does not", what);
        expected.Except(actual).Should().BeEmpty("{0} list everything docker import's image does", what);
    }

    /// <summary>Runs <see cref="InspectScript"/> in a container of the image: one sorted line per path and fact.</summary>
    private HashSet<string> Inspect(string image, bool withTimes)
    {
        string output = fixture.Docker.Client(["run", "--rm", "--network", "none", image, "/bin/sh", "-c", InspectScript], TimeSpan.FromMinutes(5));
        var lines = new HashSet<string>(StringComparer.Ordinal);
        string section = string.Empty;
        string? file = null;
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                section = line[3..];
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            switch (section)
            {
                case "stat":
                    int tab = line.IndexOf('\t', StringComparison.Ordinal);
                    tab.Should().BePositive("stat printed '{0}'", line);
                    string path = line[..tab];
                    string[] fields = line[(tab + 1)..].Split(' ');
                    bool directory = line.Contains(" directory ", StringComparison.Ordinal);
                    // A directory's size is the file system's business; an mtime Docker's init layer set is the container's.
                    string facts = string.Join(' ', fields[..^2]);
                    if (!directory)
                    {
                        facts += " " + fields[^2];
                    }

                    if (withTimes && !InitLayerTimes.Contains(path))
                    {
                        facts += " @" + fields[^1];
                    }

                    Add(path, "stat " + facts);
                    break;
                case "getcap":
                    int space = line.LastIndexOf(' ');
                    line.Should().StartWith("/", "getcap printed '{0}'", line);
                    Add(line[..space], "cap " + line[(space + 1)..]);
                    break;
                case "getfattr":
                    if (line.StartsWith("# file: ", StringComparison.Ordinal))
                    {
                        file = line["# file: ".Length..];
                    }
                    else
                    {
                        file.Should().NotBeNull("getfattr printed '{0}'", line);
                        line.Should().Contain("=", "getfattr printed '{0}'", line);
                        Add(file!, "xattr " + line);
                    }

                    break;
                default:
                    Assert.Fail($"Unexpected output in section '{section}': {line}");
                    break;
            }
        }

        section.Should().Be("end", "the script ran to its end");
        return lines;

        void Add(string path, string fact)
        {
            if (!DockersMounts.Contains(path))
            {
                lines.Add(path + "\t" + fact);
            }
        }
    }
}
