using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Overlay.Layers;
using Overlay.Oci;
using Overlay.Oci.Export;
using Overlay.Oci.Model;
using Overlay.Tests.Support;

namespace Overlay.Tests.Oci.Export;

public sealed class LayerTarExporterTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    /// <summary>Names that sort differently by UTF-16, by culture and by UTF-8 bytes, and that need PAX.</summary>
    private static readonly string[] Names =
    [
        "a", "a b", "a-b", "a.b", "ab", "B", "z", "é", "\uFF21", "\U0001F600", "x.wh", "wh.x",
        new string('l', 101), new string('m', 150),
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-exportunit-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Export_WhenDirectoryIsOpaque_WritesMarkerRightAfterItAndWhiteoutsAtTheirNamesPosition()
    {
        var upper = new MemoryLayer("u", new Support.ManualClock(T0));
        upper.AddDirectory("/d", opaque: true).AddFile("/d/b", "b").AddWhiteout("/d/a").AddWhiteout("/d/c").AddFile("/d/.z", "z");

        var members = Export(upper).Select(m => m.Name).ToList();

        members.Should().Equal("d/", "d/.wh..wh..opq", "d/.z", "d/.wh.a", "d/b", "d/.wh.c");
    }

    [Theory]
    [InlineData("/.wh.x")]
    [InlineData("/d/.wh..wh..opq")]
    public void ExportToFile_WhenANameStartsWithWhiteoutPrefix_ThrowsNamingThePathAndLeavesNoFile(string path)
    {
        var upper = new MemoryLayer("u", new Support.ManualClock(T0));
        upper.AddFile("/a", "a").AddFile(path, "x");
        var target = Path.Combine(_root, "layer.tar");

        var act = () => LayerTarExporter.ExportToFile(upper, target, cancellationToken: Ct);

        act.Should().Throw<IOException>().Which.Message.Should().Contain(path).And.Contain(".wh.");
        Directory.EnumerateFileSystemEntries(_root).Should().BeEmpty();
    }

    [Fact]
    public void Export_ReportsEveryMemberAsAnExportingStepOfTheOneProgressType()
    {
        var upper = new MemoryLayer("u", new Support.ManualClock(T0)).AddFile("/etc/motd", "hi").AddDirectory("/var/log");
        var seen = new List<OciProgress>();

        var result = LayerTarExporter.Export(upper, Stream.Null, progress: new SyncProgress(seen.Add), cancellationToken: TestContext.Current.CancellationToken);

        seen.Should().OnlyContain(p => p.Stage == OciProgressStage.Exporting && p.Item == "layer");
        seen.Select(p => p.Entry).Should().Equal("/etc", "/etc/motd", "/var", "/var/log");
        seen.Select(p => p.EntriesProcessed).Should().Equal(1, 2, 3, 4);
        seen[^1].EntriesProcessed.Should().Be(result.EntryCount);
    }

    [Fact]
    public void ExportToFile_WhenCancelled_LeavesNoFileAndKeepsAnOlderOne()
    {
        var upper = new MemoryLayer("u", new Support.ManualClock(T0));
        for (var i = 0; i < 50; i++)
        {
            upper.AddFile($"/f{i}", new string('x', 1000));
        }

        var target = Path.Combine(_root, "layer.tar");
        File.WriteAllText(target, "older");
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.EntriesProcessed == 10)
            {
                cancel.Cancel();
            }
        });

        var act = () => LayerTarExporter.ExportToFile(upper, target, progress: progress, cancellationToken: cancel.Token);

        act.Should().Throw<OperationCanceledException>();
        Directory.EnumerateFileSystemEntries(_root).Should().Equal(target);
        File.ReadAllText(target).Should().Be("older");
    }

    [Fact]
    public void Export_WhenGzip_DigestIsOfTheBlobAndDiffIdOfTheTarInside()
    {
        var upper = new MemoryLayer("u", new Support.ManualClock(T0));
        upper.AddFile("/etc/motd", "hello").AddWhiteout("/gone");
        using var plain = new MemoryStream();
        using var gzip = new MemoryStream();

        var plainResult = LayerTarExporter.Export(upper, plain, cancellationToken: Ct);
        var gzipResult = LayerTarExporter.Export(upper, gzip, new LayerExportOptions { Compression = LayerCompression.Gzip }, cancellationToken: Ct);

        gzipResult.DiffId.Should().Be(plainResult.DiffId);
        gzipResult.Digest.Should().Be(Digest.Compute(gzip.ToArray()));
        gzipResult.Size.Should().Be(gzip.Length);
        gzipResult.MediaType.Should().Be(MediaTypes.OciLayerTarGzip);
        plainResult.Digest.Should().Be(Digest.Compute(plain.ToArray()));
        using var inflated = new MemoryStream();
        using (var unzip = new GZipStream(new MemoryStream(gzip.ToArray()), CompressionMode.Decompress))
        {
            unzip.CopyTo(inflated);
        }

        inflated.ToArray().Should().Equal(plain.ToArray());
    }

    [Fact]
    public void Export_WhenNamesNeedPax_WritesRecordsThatTheBclReaderReads()
    {
        var upper = new MemoryLayer("u", new Support.ManualClock(T0));
        var deep = "/" + string.Join('/', Enumerable.Repeat(new string('d', 60), 5)) + "/" + new string('f', 110);
        upper.AddFile(deep, "deep").AddFile("/grüße", "g").AddSymbolicLink("/link", "/" + new string('t', 200));

        using var output = new MemoryStream();
        LayerTarExporter.Export(upper, output, cancellationToken: Ct);
        output.Position = 0;
        var names = new List<string>();
        using (var reader = new System.Formats.Tar.TarReader(output))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                names.Add(entry.EntryType == System.Formats.Tar.TarEntryType.SymbolicLink ? entry.Name + " -> " + entry.LinkName : entry.Name);
            }
        }

        names.Should().Contain([deep[1..], "grüße", "link -> /" + new string('t', 200)]);
    }

    [Fact]
    public void Export_OfRandomTrees_ReadsBackAsTheSameTree()
    {
        var iterations = TestLane.Size("OVERLAY_EXPORT_ITERATIONS", 60, 400);
        Gen.Int.Sample(
            seed =>
            {
                var upper = RandomTree(seed);
                var path = Path.Combine(_root, $"rt-{Environment.CurrentManagedThreadId}-{seed}.tar");
                var first = LayerTarExporter.ExportToFile(upper, path, cancellationToken: Ct);
                try
                {
                    using (var layer = TarLayer.Open(path, cancellationToken: Ct))
                    {
                        Dump(layer).Should().Equal(Dump(upper), "seed {0}", seed);
                    }

                    using var again = new MemoryStream();
                    LayerTarExporter.Export(upper, again, cancellationToken: Ct).DiffId.Should().Be(first.DiffId, "the export is deterministic");
                }
                finally
                {
                    File.Delete(path);
                }
            },
            iter: iterations,
            threads: 1);
    }

    private static MemoryLayer RandomTree(int seed)
    {
        var random = new Random(seed);
        var upper = new MemoryLayer("random", new Support.ManualClock(T0.AddSeconds(random.Next(-100000, 100000))));
        var directories = new List<string> { "/" };
        var used = new HashSet<string>(StringComparer.Ordinal);
        var count = random.Next(1, 25);
        for (var i = 0; i < count; i++)
        {
            var parent = directories[random.Next(directories.Count)];
            var path = (parent == "/" ? "/" : parent + "/") + Names[random.Next(Names.Length)];
            if (!used.Add(path))
            {
                continue;
            }

            var mode = (UnixFileMode)new[] { 0x1A4, 0x1ED, 0x180, 0x9ED, 0x3FF, 0x124 }[random.Next(6)];
            var time = T0.AddSeconds(random.Next(-1000000, 1000000)).AddTicks(random.Next(0, 10_000_000));
            switch (random.Next(5))
            {
                case 0:
                    upper.AddDirectory(path, mode, opaque: random.Next(3) == 0);
                    directories.Add(path);
                    break;
                case 1:
                    upper.AddSymbolicLink(path, random.Next(2) == 0 ? "../" + Names[random.Next(Names.Length)] : "/" + new string('t', random.Next(1, 300)));
                    break;
                case 2:
                    upper.AddWhiteout(path);
                    break;
                default:
                    var data = new byte[random.Next(0, 3) == 0 ? 0 : random.Next(1, 3000)];
                    random.NextBytes(data);
                    upper.AddFile(path, data, mode, time);
                    break;
            }
        }

        return upper;
    }

    /// <summary>Every entry of a layer with what an OCI layer tar keeps of it (times in whole seconds).</summary>
    private static List<string> Dump(ILayer layer)
    {
        var lines = new List<string>();
        void Walk(string directory)
        {
            foreach (var child in layer.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                var path = directory == "/" ? "/" + child.Name : directory + "/" + child.Name;
                layer.TryGetEntry(path, out var e).Should().BeTrue();
                var seconds = new DateTimeOffset(e.LastWriteTimeUtc).ToUnixTimeSeconds();
                lines.Add(e.Kind switch
                {
                    LayerEntryKind.Directory => $"{path} dir {(int)e.Mode:x} {seconds} opaque={e.IsOpaque}",
                    LayerEntryKind.SymbolicLink => $"{path} link {e.LinkTarget} {seconds}",
                    LayerEntryKind.Whiteout => $"{path} whiteout",
                    _ => $"{path} file {(int)e.Mode:x} {seconds} {e.Length} {Hash(layer, path)}",
                });
                if (e.IsDirectory)
                {
                    Walk(path);
                }
            }
        }

        Walk("/");
        return lines;
    }

    private static string Hash(ILayer layer, string path)
    {
        using var stream = layer.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private IReadOnlyList<RawTarMember> Export(ILayer layer)
    {
        using var output = new MemoryStream();
        LayerTarExporter.Export(layer, output, cancellationToken: Ct);
        return RawTar.Read(output.ToArray());
    }

    private sealed class SyncProgress(Action<OciProgress> report) : IProgress<OciProgress>
    {
        public void Report(OciProgress value) => report(value);
    }
}
