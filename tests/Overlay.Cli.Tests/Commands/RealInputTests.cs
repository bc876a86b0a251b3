using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Overlay.Cli.Tests.Support;
using Overlay.Layers;
using Overlay.Oci.Export;

namespace Overlay.Cli.Tests.Commands;

/// <summary>
/// What real inputs need: an archive that holds several images (<c>--ref</c>), device nodes
/// (<c>--devices</c>), layer tars that happen to hold an archive's file names, and an export that
/// keeps owners, hard links and devices.
/// </summary>
public class RealInputTests
{
    private static string LayerTar(TempDirectory temp, string name, Action<TarWriter> write)
    {
        string path = Path.Combine(temp.Path, name);
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        write(writer);
        return path;
    }

    private static void AddFile(TarWriter writer, string name, string content, int uid = 0, int gid = 0)
    {
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = (UnixFileMode)0b110_100_100,
            Uid = uid,
            Gid = gid,
        });
    }

    private static string DeviceLayer(TempDirectory temp) => LayerTar(temp, "dev.tar", w =>
    {
        w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "dev/") { Mode = (UnixFileMode)0b111_101_101 });
        w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "dev/null") { Mode = (UnixFileMode)0b110_110_110, DeviceMajor = 1, DeviceMinor = 3 });
        AddFile(w, "dev/readme", "devices\n");
    });

    [Fact]
    public void Tree_WithDevicesKeep_ShowsTheDeviceAndSkipLeavesItOut()
    {
        using var temp = new TempDirectory();
        string layer = DeviceLayer(temp);

        var kept = CliRun.Of("tree", layer, "/dev", "--json");
        var skipped = CliRun.Of("tree", layer, "/dev", "--json", "--devices", "skip");

        kept.ExitCode.Should().Be(0, kept.Error);
        kept.OutputText.Should().Contain("\"null\"");
        skipped.ExitCode.Should().Be(0, skipped.Error);
        skipped.OutputText.Should().NotContain("\"null\"").And.Contain("\"readme\"");
    }

    [Fact]
    public void Tree_WithDevicesReject_FailsNamingTheDevice()
    {
        using var temp = new TempDirectory();
        string layer = DeviceLayer(temp);

        var run = CliRun.Of("tree", layer, "--devices", "reject");

        run.ExitCode.Should().Be(4);
        run.Error.Should().Contain("dev/null");
    }

    [Fact]
    public void Tree_WithAnUnknownDevicesValue_IsAUsageError()
    {
        var run = CliRun.Of("tree", Repository.DockerFixture("image.tar"), "--devices", "ignore");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("--devices ignore");
    }

    [Fact]
    public void Cat_OfALayerTarHoldingManifestAndIndexFiles_ReadsItAsALayer()
    {
        using var temp = new TempDirectory();
        // A layer whose top level holds files named like an archive's: a manifest.json that lists
        // files the tar does not have, an index.json and an oci-layout but no blobs/.
        string layer = LayerTar(temp, "app.tar", w =>
        {
            AddFile(w, "manifest.json", "[{\"Config\":\"config.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[\"x/layer.tar\"]}]");
            AddFile(w, "index.json", "{\"schemaVersion\":2,\"manifests\":[]}");
            AddFile(w, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
            AddFile(w, "app/main.js", "console.log(1)\n");
        });

        var run = CliRun.Of("cat", layer, "/app/main.js");
        var manifest = CliRun.Of("cat", layer, "/manifest.json");

        run.ExitCode.Should().Be(0, run.Error);
        run.OutputText.Should().Be("console.log(1)\n");
        manifest.OutputText.Should().StartWith("[{\"Config\"");
    }

    [Fact]
    public void Cat_OfAnUnpackedArchiveDirectory_StillReadsTheImage()
    {
        using var temp = new TempDirectory();
        string directory = Path.Combine(temp.Path, "unpacked");
        Directory.CreateDirectory(directory);
        TarFile.ExtractToDirectory(Repository.DockerFixture("image.tar"), directory, overwriteFiles: false);

        var run = CliRun.Of("cat", directory, "/data/modify.txt");

        run.ExitCode.Should().Be(0, run.Error);
        run.OutputText.Should().Be("original\nmodified\n");
    }

    /// <summary>A docker save directory holding two images, app:1 and app:2, each one layer.</summary>
    private static string TwoImages(TempDirectory temp)
    {
        string directory = Path.Combine(temp.Path, "two");
        Directory.CreateDirectory(directory);
        var manifests = new JsonArray();
        foreach (string tag in new[] { "app:1", "app:2" })
        {
            var layer = new MemoryLayer(tag).AddFile("/version", tag);
            string archive = Path.Combine(temp.Path, tag.Replace(':', '-') + ".tar");
            ImageWriter.WriteDockerArchive(new ImageExportRequest { LayersBottomFirst = [ImageLayerSource.FromLayer(layer)], RepoTags = [tag] }, archive, cancellationToken: TestContext.Current.CancellationToken);
            string unpacked = Path.Combine(temp.Path, tag.Replace(':', '-'));
            Directory.CreateDirectory(unpacked);
            TarFile.ExtractToDirectory(archive, unpacked, overwriteFiles: false);
            foreach (string file in Directory.EnumerateFiles(unpacked, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(directory, Path.GetRelativePath(unpacked, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }

            manifests.Add(JsonNode.Parse(File.ReadAllText(Path.Combine(unpacked, "manifest.json")))!.AsArray()[0]!.DeepClone());
        }

        File.WriteAllText(Path.Combine(directory, "manifest.json"), manifests.ToJsonString());
        return directory;
    }

    [Fact]
    public void Cat_WithRef_ReadsTheNamedImageOfSeveral()
    {
        using var temp = new TempDirectory();
        string archive = TwoImages(temp);

        var first = CliRun.Of("cat", archive, "/version", "--ref", "app:1");
        var second = CliRun.Of("cat", archive, "/version", "--ref", "app:2");

        first.ExitCode.Should().Be(0, first.Error);
        first.OutputText.Should().Be("app:1");
        second.OutputText.Should().Be("app:2");
    }

    [Fact]
    public void Cat_WithoutRefOnSeveralImages_IsAUsageErrorNamingTheOption()
    {
        using var temp = new TempDirectory();
        string archive = TwoImages(temp);

        var run = CliRun.Of("cat", archive, "/version");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("--ref");
    }

    [Fact]
    public void Cat_WithARefNoImageHas_FailsNamingTheRef()
    {
        using var temp = new TempDirectory();
        string archive = TwoImages(temp);

        var run = CliRun.Of("cat", archive, "/version", "--ref", "app:3");

        run.ExitCode.Should().Be(4);
        run.Error.Should().Contain("app:3");
    }

    [Fact]
    public void Cat_WithRefOnALayer_IsAUsageError()
    {
        using var temp = new TempDirectory();
        string layer = DeviceLayer(temp);

        var run = CliRun.Of("cat", layer, "/dev/readme", "--ref", "app:1");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("--ref");
    }

    [Fact]
    public void Export_KeepsOwnersHardLinksAndDevices()
    {
        using var temp = new TempDirectory();
        string layer = LayerTar(temp, "rootfs.tar", w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/") { Mode = (UnixFileMode)0b111_101_101 });
            AddFile(w, "etc/shadow", "root:*:1::::::\n", uid: 0, gid: 42);
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "usr/") { Mode = (UnixFileMode)0b111_101_101 });
            AddFile(w, "usr/perl", "#!perl\n");
            w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "usr/perl5") { LinkName = "usr/perl", Mode = (UnixFileMode)0b110_100_100 });
            w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "usr/null") { Mode = (UnixFileMode)0b110_110_110, DeviceMajor = 1, DeviceMinor = 3 });
        });
        string output = Path.Combine(temp.Path, "out.tar");

        var run = CliRun.Of("export", layer, "-o", output);

        run.ExitCode.Should().Be(0, run.Error);
        var entries = new Dictionary<string, (TarEntryType Type, int Uid, int Gid, string Link, int Major, int Minor)>();
        using (var stream = File.OpenRead(output))
        using (var reader = new TarReader(stream))
        {
            while (reader.GetNextEntry() is PosixTarEntry entry)
            {
                entries[entry.Name] = (entry.EntryType, entry.Uid, entry.Gid, entry.LinkName, entry.DeviceMajor, entry.DeviceMinor);
            }
        }

        entries["etc/shadow"].Gid.Should().Be(42);
        entries["usr/perl5"].Type.Should().Be(TarEntryType.HardLink);
        entries["usr/perl5"].Link.Should().Be("usr/perl");
        entries["usr/null"].Should().Be((TarEntryType.CharacterDevice, 0, 0, string.Empty, 1, 3));
    }
}
