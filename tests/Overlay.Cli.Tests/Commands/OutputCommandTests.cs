using System.Formats.Tar;
using System.Text;
using Overlay.Cli.Tests.Support;
using Overlay.Oci;

namespace Overlay.Cli.Tests.Commands;

/// <summary>export, diff, commit and demo.</summary>
public class OutputCommandTests
{
    private static readonly string Image = Repository.DockerFixture("image.tar");

    private static Dictionary<string, TarEntry> Read(string tar, Dictionary<string, string> contents)
    {
        var entries = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        using var stream = File.OpenRead(tar);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry.Name, entry);
            if (entry.DataStream is { } data)
            {
                using var text = new StreamReader(data, Encoding.UTF8);
                contents[entry.Name] = text.ReadToEnd();
            }
        }

        return entries;
    }

    [Fact]
    public void Export_EqualsTheMergedView()
    {
        using var temp = new TempDirectory();
        string output = Path.Combine(temp.Path, "rootfs.tar");

        var run = CliRun.Of("export", Image, "-o", output);

        run.ExitCode.Should().Be(0, run.Error);
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = Read(output, contents);
        using var image = OciImage.Load(Image, cancellationToken: TestContext.Current.CancellationToken);
        var merged = new OverlayFileSystem(image.LowersTopFirst, upper: null);
        var expected = merged.Directory.EnumerateFileSystemEntries("/", "*", SearchOption.AllDirectories)
            .Select(p => merged.Directory.Exists(p) && merged.FileInfo.New(p).LinkTarget is null ? p[1..] + "/" : p[1..])
            .Order(StringComparer.Ordinal);
        entries.Keys.Order(StringComparer.Ordinal).Should().Equal(expected);
        entries.Keys.Should().NotContain(k => k.Contains(".wh.", StringComparison.Ordinal));
        contents["data/modify.txt"].Should().Be("original\nmodified\n");
        foreach (var (name, text) in contents)
        {
            text.Should().Be(merged.File.ReadAllText("/" + name), name);
        }

        entries["data/link-to-keep"].LinkName.Should().Be("/data/keep.txt");
        entries["data/chmod.txt"].Mode.Should().Be((UnixFileMode)0b110_000_000);
    }

    [Fact]
    public void Export_WithJson_ReportsTheEntries()
    {
        using var temp = new TempDirectory();
        string output = Path.Combine(temp.Path, "rootfs.tar");

        var run = CliRun.Of("export", Image, "-o", output, "--json");

        run.Json.GetProperty("entries").GetInt32().Should().Be(Read(output, []).Count);
    }

    private static string ContainerUpper(TempDirectory temp)
    {
        temp.File("upper/data/extra.txt", "created\n");
        temp.File("upper/data/.wh.keep.txt", string.Empty);
        temp.File("upper/fresh/f", "f\n");
        return Path.Combine(temp.Path, "upper");
    }

    [Fact]
    public void Diff_ListsTheUppersChangesAsDockerDiff()
    {
        using var temp = new TempDirectory();
        string upper = ContainerUpper(temp);

        var run = CliRun.Of("diff", "--upper", upper, Image, "--json");

        run.ExitCode.Should().Be(0, run.Error);
        run.Json.EnumerateArray().Select(c => c.GetProperty("line").GetString()).Should().Equal(
            "C /data", "A /data/extra.txt", "D /data/keep.txt", "A /fresh", "A /fresh/f");
    }

    [Fact]
    public void Diff_WithoutUpper_ExitsWithUsage()
    {
        CliRun.Of("diff", Image).ExitCode.Should().Be((int)ExitCode.Usage);
    }

    [Fact]
    public void Commit_WritesTheUpperAsAnOciLayerTar()
    {
        using var temp = new TempDirectory();
        string upper = ContainerUpper(temp);
        string output = Path.Combine(temp.Path, "layer.tar");

        var run = CliRun.Of("commit", "--upper", upper, Image, "-o", output, "--json");

        run.ExitCode.Should().Be(0, run.Error);
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = Read(output, contents);
        entries.Keys.Should().BeEquivalentTo("data/", "data/.wh.keep.txt", "data/extra.txt", "fresh/", "fresh/f");
        contents["data/extra.txt"].Should().Be("created\n");
        run.Json.GetProperty("digest").GetString().Should().StartWith("sha256:");
    }

    [Fact]
    public void Commit_ThenTree_ShowsTheNewLayerOnTop()
    {
        using var temp = new TempDirectory();
        string layer = Path.Combine(temp.Path, "layer.tar");
        CliRun.Of("commit", "--upper", ContainerUpper(temp), Image, "-o", layer).ExitCode.Should().Be(0);

        // A committed layer stacks on the image's layers, given one by one topmost first.
        var run = CliRun.Of("explain", layer + ":" + Repository.DockerFixture("layers/commit.layer.tar") + ":" + Repository.DockerFixture("layers/base.layer.tar"), "/data/keep.txt", "--json");

        run.ExitCode.Should().Be(1);
        run.Json.GetProperty("steps").EnumerateArray().Last().GetProperty("whiteoutIn").GetString().Should().Be("layer 2");
    }

    [Fact]
    public void Demo_NarratesTheWalkthrough()
    {
        var run = CliRun.Of("demo");

        run.ExitCode.Should().Be(0, run.Error);
        run.OutputText.Should().Contain("Overlay walkthrough").And.Contain("CopyUp").And.Contain("Whiteout");
    }
}
