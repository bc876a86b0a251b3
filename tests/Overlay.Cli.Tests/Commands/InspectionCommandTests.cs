using System.Text.Json;
using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Commands;

/// <summary>
/// layers, tree, explain and cat on the real Docker fixture image.tar (a base layer and the layer
/// `docker commit` made of container c1: see shared/fixtures/docker/README.md).
/// </summary>
public class InspectionCommandTests
{
    private static readonly string Image = Repository.DockerFixture("image.tar");

    private static JsonElement Child(JsonElement entry, string name) =>
        entry.GetProperty("children").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static string[] Strings(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var array) ? [.. array.EnumerateArray().Select(e => e.GetString()!)] : [];

    [Fact]
    public void Layers_OfImageTar_CountsWhatEachLayerDoes()
    {
        var run = CliRun.Of("layers", Image, "--json");

        run.ExitCode.Should().Be(0, run.Error);
        var layers = run.Json.GetProperty("layers").EnumerateArray().ToArray();
        layers.Should().HaveCount(2);
        layers[0].GetProperty("digest").GetString().Should().StartWith("sha256:a3642d27955");
        layers[1].GetProperty("digest").GetString().Should().StartWith("sha256:cc701b49611");
        // The committed layer: new.txt, rename-dst.txt, link-to-keep, newdir/, newdir/deep/, newdir/deep/f,
        // olddir/fresh.txt are new; data/, chmod.txt, modify.txt, olddir/ replace lower names;
        // delete.txt, rename-src.txt and gonedir are whited out; olddir is opaque.
        layers[1].GetProperty("added").GetInt32().Should().Be(7);
        layers[1].GetProperty("changed").GetInt32().Should().Be(4);
        layers[1].GetProperty("whitedOut").GetInt32().Should().Be(3);
        layers[1].GetProperty("opaque").GetInt32().Should().Be(1);
        layers[0].GetProperty("whitedOut").GetInt32().Should().Be(0);
    }

    [Fact]
    public void Layers_OfImageTar_WastedSpaceIsTheBaseFilesTheCommitHides()
    {
        var run = CliRun.Of("layers", Image, "--json");

        // Base files a higher layer overwrites or whites out: data/{modify,chmod,delete,rename-src}.txt,
        // olddir/{a,b,sub/c} (the opaque olddir) and gonedir/g; nothing in the top layer is hidden.
        var layers = run.Json.GetProperty("layers").EnumerateArray().ToArray();
        layers[1].GetProperty("wastedBytes").GetInt64().Should().Be(0);
        layers[0].GetProperty("wastedBytes").GetInt64().Should().BeGreaterThan(0);
        run.Json.GetProperty("wastedBytes").GetInt64().Should().Be(layers[0].GetProperty("wastedBytes").GetInt64());
    }

    [Fact]
    public void Layers_AsATable_ShowsOneRowPerLayerAndTheWastedSpace()
    {
        var run = CliRun.Of("layers", Image);

        run.ExitCode.Should().Be(0, run.Error);
        run.Console.Should().Contain("a3642d27955d").And.Contain("cc701b49611a").And.Contain("wasted: 44B");
    }

    [Fact]
    public void Tree_OfData_ShowsEachNamesLayerShadowsAndWhiteouts()
    {
        var run = CliRun.Of("tree", Image, "/data", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        var data = run.Json;
        data.GetProperty("layer").GetString().Should().Be("layer 1");
        Strings(data, "merges").Should().Equal("layer 0");
        Child(data, "keep.txt").GetProperty("layer").GetString().Should().Be("layer 0");
        Child(data, "new.txt").GetProperty("layer").GetString().Should().Be("layer 1");
        Strings(Child(data, "new.txt"), "shadows").Should().BeEmpty();
        Child(data, "modify.txt").GetProperty("layer").GetString().Should().Be("layer 1");
        Strings(Child(data, "modify.txt"), "shadows").Should().Equal("layer 0");
        Child(data, "link-to-keep").GetProperty("linkTarget").GetString().Should().Be("/data/keep.txt");
        var deleted = Child(data, "delete.txt");
        deleted.GetProperty("kind").GetString().Should().Be("whiteout");
        deleted.GetProperty("layer").GetString().Should().Be("layer 1");
        Strings(deleted, "shadows").Should().Equal("layer 0");
        Child(data, "rename-src.txt").GetProperty("kind").GetString().Should().Be("whiteout");
    }

    [Fact]
    public void Tree_OfOlddir_MarksItOpaqueAndShowsOnlyTheNewContent()
    {
        var run = CliRun.Of("tree", Image, "/olddir", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        run.Json.GetProperty("opaqueIn").GetString().Should().Be("layer 1");
        Strings(run.Json, "merges").Should().BeEmpty();
        Strings(run.Json, "shadows").Should().Equal("layer 0");
        run.Json.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Equal("fresh.txt");
    }

    [Fact]
    public void Tree_AtLayer0_ShowsTheBaseImage()
    {
        var run = CliRun.Of("tree", Image, "/olddir", "--layer", "0", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        run.Json.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Equal("a", "b", "sub");
    }

    [Fact]
    public void Tree_AsText_MarksWhiteoutsAndOpaqueDirectories()
    {
        var run = CliRun.Of("tree", Image);

        run.ExitCode.Should().Be(0, run.Error);
        run.Console.Should().Contain("delete.txt (whiteout in layer 1, hides layer 0)");
        run.Console.Should().Contain("gonedir (whiteout in layer 1, hides layer 0)");
        run.Console.Should().Contain("olddir/ layer 1 opaque in layer 1");
    }

    [Fact]
    public void Explain_OfADeletedFile_ShowsTheWhiteoutThatHidesIt()
    {
        var run = CliRun.Of("explain", Image, "/data/delete.txt", "--json");

        run.ExitCode.Should().Be(1);
        run.Json.GetProperty("found").GetBoolean().Should().BeFalse();
        var steps = run.Json.GetProperty("steps").EnumerateArray().ToArray();
        steps.Select(s => s.GetProperty("path").GetString()).Should().Equal("/", "/data", "/data/delete.txt");
        var last = steps[^1];
        last.GetProperty("whiteoutIn").GetString().Should().Be("layer 1");
        var probes = last.GetProperty("layers").EnumerateArray().ToArray();
        probes[0].GetProperty("holds").GetString().Should().Be("whiteout");
        probes[0].GetProperty("role").GetString().Should().StartWith("whiteout");
        probes[1].GetProperty("holds").GetString().Should().StartWith("file");
        probes[1].GetProperty("role").GetString().Should().Be("hidden: whiteout in layer 1");
    }

    [Fact]
    public void Explain_AsText_NarratesEachLayer()
    {
        var run = CliRun.Of("explain", Image, "/data/delete.txt");

        run.Console.Should().Contain("whiteout: hides it below").And.Contain("not found: whited out by layer 1");
    }

    [Fact]
    public void Explain_OfASymbolicLink_FollowsItToTheLayerThatAnswers()
    {
        var run = CliRun.Of("explain", Image, "/data/link-to-keep", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        var steps = run.Json.GetProperty("steps").EnumerateArray().ToArray();
        steps.Select(s => s.GetProperty("path").GetString()).Should().Equal("/", "/data", "/data/link-to-keep", "/data", "/data/keep.txt");
        steps[^1].GetProperty("answeredBy").GetString().Should().Be("layer 0");
    }

    [Fact]
    public void Cat_PrintsTheCopyOfTheTopmostLayer()
    {
        var run = CliRun.Of("cat", Image, "/data/modify.txt");

        run.ExitCode.Should().Be(0, run.Error);
        run.OutputText.Should().Be("original\nmodified\n");
    }

    [Fact]
    public void Cat_OfAWhitedOutFile_FailsWithPathNotFound()
    {
        var run = CliRun.Of("cat", Image, "/data/delete.txt");

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("/data/delete.txt");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public void Tree_OfLayerDirectories_NumbersThemBottomFirst()
    {
        using var temp = new TempDirectory();
        temp.File("base/etc/motd", "base");
        temp.File("base/etc/gone", "x");
        temp.File("app/etc/motd", "app");
        temp.File("app/etc/.wh.gone", string.Empty);
        string image = $"{Path.Combine(temp.Path, "app")}:{Path.Combine(temp.Path, "base")}";

        var run = CliRun.Of("tree", image, "/etc", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        Child(run.Json, "motd").GetProperty("layer").GetString().Should().Be("layer 1");
        Strings(Child(run.Json, "motd"), "shadows").Should().Equal("layer 0");
        Child(run.Json, "gone").GetProperty("kind").GetString().Should().Be("whiteout");
    }
}
