using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Commands;

/// <summary>
/// The tool's text output on an 80-column terminal, compared with approved snapshots
/// (Snapshots/*.txt): nothing wider than 80 columns, nothing wrapped mid-word. When a snapshot
/// differs, the test writes NAME.received.txt beside it; copy it over the approved file when the
/// change is intended.
/// </summary>
public class ColumnSnapshotTests
{
    private static readonly string Image = Repository.DockerFixture("image.tar");

    [Theory]
    [InlineData("layers", new[] { "layers", "IMAGE" })]
    [InlineData("explain-opaque", new[] { "explain", "IMAGE", "/olddir/a" })]
    [InlineData("explain-whiteout", new[] { "explain", "IMAGE", "/data/delete.txt" })]
    [InlineData("tree-data", new[] { "tree", "IMAGE", "/data" })]
    [InlineData("tree-olddir-hidden", new[] { "tree", "IMAGE", "/olddir", "--hidden" })]
    public void Output_At80Columns_MatchesSnapshot(string name, string[] args)
    {
        var run = CliRun.OfWidth(80, [.. args.Select(a => a == "IMAGE" ? Image : a)]);
        string text = run.Console.Replace(Image, "IMAGE", StringComparison.Ordinal);

        text.Split('\n').Should().OnlyContain(line => line.TrimEnd().Length <= 80);
        Approve(name, text);
    }

    [Fact]
    public void Commit_At80Columns_KeepsTheDiffIdOnOneLine()
    {
        using var temp = new TempDirectory();
        temp.File("upper/data/extra.txt", "created\n");
        string output = Path.Combine(temp.Path, "layer.tar");

        var run = CliRun.OfWidth(80, "commit", "--upper", Path.Combine(temp.Path, "upper"), Image, "-o", output);

        run.ExitCode.Should().Be(0, run.Error);
        // The summary names the output as given (a long path may wrap); the diff_id keeps a line of its own.
        var lines = run.Console.TrimEnd().Split('\n');
        lines.Should().OnlyContain(l => l.TrimEnd().Length <= 80);
        lines[^1].Should().MatchRegex("^diff_id sha256:[0-9a-f]{64}$");
    }

    [Fact]
    public void Layers_WithNoTrunc_ShowsFullDigests()
    {
        var run = CliRun.Of("layers", Image, "--no-trunc");

        run.Console.Should().Contain("sha256:a3642d27955d");
    }

    private static void Approve(string name, string text)
    {
        // From the repository root recorded at build time: a CI build maps [CallerFilePath] to "/_/".
        string directory = Path.Combine(Repository.Root, "tests", "Overlay.Cli.Tests", "Snapshots");
        string approved = Path.Combine(directory, name + ".txt");
        string received = Path.Combine(directory, name + ".received.txt");
        string normalized = string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).TrimEnd() + "\n";
        string expected = File.Exists(approved) ? File.ReadAllText(approved) : string.Empty;
        if (normalized != expected)
        {
            File.WriteAllText(received, normalized);
        }
        else if (File.Exists(received))
        {
            File.Delete(received);
        }

        normalized.Should().Be(expected, $"the output must match Snapshots/{name}.txt (the new output is in {name}.received.txt)");
    }
}
