using System.Formats.Tar;
using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Commands;

/// <summary>
/// The teaching output: explain tells why a name is hidden and by what, tree lists hidden names on
/// request, export streams to standard output, demo gives its steps as JSON, and an upper's
/// whiteout form is detected or its contradiction warned about.
/// </summary>
public class NewOutputTests
{
    private static readonly string Image = Repository.DockerFixture("image.tar");

    [Fact]
    public void Explain_OfANameUnderAnOpaqueDirectory_NamesTheHiddenFileAndTheOpaqueMarker()
    {
        var run = CliRun.Of("explain", Image, "/olddir/a", "--json");

        run.ExitCode.Should().Be((int)ExitCode.PathNotFound);
        var last = run.Json.GetProperty("steps").EnumerateArray().Last();
        last.GetProperty("path").GetString().Should().Be("/olddir/a");
        var probes = last.GetProperty("layers").EnumerateArray().ToList();
        probes.Select(p => p.GetProperty("layer").GetString()).Should().Equal("layer 1", "layer 0");
        probes[1].GetProperty("holds").GetString().Should().StartWith("file");
        probes[1].GetProperty("role").GetString().Should().Be("hidden: opaque /olddir in layer 1");
        last.GetProperty("verdict").GetString().Should().Be("not found: layer 0 holds it, hidden by the opaque /olddir in layer 1");
        last.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).Should().ContainSingle()
            .Which.Should().StartWith("layer 0's a (file").And.Contain("/olddir is an opaque directory in layer 1");
    }

    [Fact]
    public void Explain_AsText_TellsTheOpaqueStory()
    {
        var run = CliRun.Of("explain", Image, "/olddir/a");

        run.Console.Should().Contain("layer 0's a (file, 2 bytes, 0644) is hidden: /olddir is an opaque directory in layer 1");
        run.Console.Should().Contain("hidden: opaque /olddir in layer 1");
    }

    [Fact]
    public void Tree_WithHidden_ListsTheNamesTheOpaqueDirectoryHides()
    {
        var run = CliRun.Of("tree", Image, "/olddir", "--hidden", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        var children = run.Json.GetProperty("children").EnumerateArray().ToList();
        children.Select(c => c.GetProperty("name").GetString()).Should().Equal("a", "b", "fresh.txt", "sub");
        var a = children[0];
        a.GetProperty("kind").GetString().Should().Be("hidden");
        a.GetProperty("layer").GetString().Should().Be("layer 0");
        a.GetProperty("opaqueIn").GetString().Should().Be("layer 1");
    }

    [Fact]
    public void Tree_WithoutHidden_ListsOnlyTheMergedNames()
    {
        var run = CliRun.Of("tree", Image, "/olddir", "--json");

        run.Json.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Equal("fresh.txt");
    }

    [Fact]
    public void Tree_OfTheRoot_PrintsOneSlash()
    {
        var run = CliRun.Of("tree", Image);

        run.Console.Split('\n')[0].Should().StartWith("/ layer 1");
    }

    [Fact]
    public void Export_ToStandardOutput_WritesTheTarThereAndTheSummaryToStderr()
    {
        var run = CliRun.Of("export", Image, "-o", "-");

        run.ExitCode.Should().Be(0, run.Error);
        run.Console.Should().BeEmpty();
        run.Error.Should().StartWith("overlay: wrote 36 entries");
        using var tar = new TarReader(new MemoryStream(run.Output));
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        names.Should().HaveCount(36).And.Contain("data/keep.txt").And.NotContain("data/delete.txt");
    }

    [Fact]
    public void Export_ToStandardOutputWithJson_ExitsWithUsage()
    {
        var run = CliRun.Of("export", Image, "-o", "-", "--json");

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public void Demo_AsJson_GivesNumberedSteps()
    {
        var run = CliRun.Of("demo", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        var steps = run.Json.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("number").GetInt32()).Should().Equal(Enumerable.Range(1, steps.Count));
        steps.Should().HaveCountGreaterThan(5);
        steps[0].GetProperty("title").GetString().Should().Be("An image is a stack of read-only layers");
        steps.Should().OnlyContain(s => s.GetProperty("lines").GetArrayLength() > 0);
        run.Json.GetProperty("succeeded").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Diff_OfAKernelFormUpperWithoutForm_DetectsTheFormAndSeesTheDeletion()
    {
        SkipUnlessRoot();
        using var temp = new TempDirectory();
        string upper = KernelUpper(temp);

        var run = CliRun.Of("diff", "--upper", upper, Image, "--json");

        run.ExitCode.Should().Be(0, run.Error);
        run.Json.EnumerateArray().Select(c => c.GetProperty("line").GetString()).Should().Contain("D /data/keep.txt");
        run.Error.Should().Contain("kernel whiteout form").And.Contain("/data/keep.txt is a character device 0/0");
    }

    [Fact]
    public void Diff_OfAKernelFormUpperDeclaredOci_Warns()
    {
        SkipUnlessRoot();
        using var temp = new TempDirectory();
        string upper = KernelUpper(temp);

        var run = CliRun.Of("diff", "--upper", upper, "--form", "oci", Image);

        run.Error.Should().Contain("warning: --form oci, but /data/keep.txt is a character device 0/0").And.Contain("use --form kernel");
    }

    [Fact]
    public void Diff_OfAnOciUpperDeclaredKernel_Warns()
    {
        using var temp = new TempDirectory();
        temp.File("upper/data/.wh.keep.txt", string.Empty);

        var run = CliRun.Of("diff", "--upper", Path.Combine(temp.Path, "upper"), "--form", "kernel", Image);

        run.Error.Should().Contain("warning: --form kernel, but /data/.wh.keep.txt is an OCI whiteout").And.Contain("use --form oci");
    }

    [Fact]
    public void Diff_OfAnOciUpper_SaysNothingAboutTheForm()
    {
        using var temp = new TempDirectory();
        temp.File("upper/data/.wh.keep.txt", string.Empty);

        var run = CliRun.Of("diff", "--upper", Path.Combine(temp.Path, "upper"), Image, "--json");

        run.ExitCode.Should().Be(0, run.Error);
        run.Error.Should().BeEmpty();
        run.Json.EnumerateArray().Select(c => c.GetProperty("line").GetString()).Should().Contain("D /data/keep.txt");
    }

    private static string KernelUpper(TempDirectory temp)
    {
        string upper = Path.Combine(temp.Path, "upper");
        Directory.CreateDirectory(Path.Combine(upper, "data"));
        using var mknod = System.Diagnostics.Process.Start("mknod", [Path.Combine(upper, "data", "keep.txt"), "c", "0", "0"]);
        mknod.WaitForExit();
        mknod.ExitCode.Should().Be(0, "mknod makes the kernel whiteout");
        return upper;
    }

    private static void SkipUnlessRoot() =>
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "a character device 0/0 needs root (mknod)");
}
