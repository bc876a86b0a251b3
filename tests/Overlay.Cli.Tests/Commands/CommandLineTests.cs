using Overlay.Cli.Tests.Support;

namespace Overlay.Cli.Tests.Commands;

/// <summary>
/// What the tool does not understand stops it: exit code 2 and one line on stderr naming the
/// option and the valid ones, before anything is read or written.
/// </summary>
public class CommandLineTests
{
    private static readonly string Image = Repository.DockerFixture("image.tar");

    [Theory]
    [InlineData("layers", "--jsn", "--devices HANDLING, --json, --no-trunc, --ref REF, -h|--help")]
    [InlineData("tree", "--layers", "--devices HANDLING, --hidden, --json, --layer N, --ref REF, -h|--help")]
    [InlineData("layers", "-o", "--devices HANDLING, --json, --no-trunc, --ref REF, -h|--help")]
    [InlineData("explain", "--hidden", "--devices HANDLING, --json, --ref REF, -h|--help")]
    public void UnknownOption_ExitsWithUsageNamingItAndTheValidOnes(string command, string option, string valid)
    {
        var run = CliRun.Of(command, Image, "/data", option, "0");

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        run.Error.Should().Be($"overlay: {command}: unknown option '{option}'. Valid options: {valid}.\n");
        run.Console.Should().BeEmpty();
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public void UnknownOption_WritesNothing()
    {
        using var temp = new TempDirectory();
        string output = Path.Combine(temp.Path, "x.tar");

        var run = CliRun.Of("layers", Image, "-o", output);

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        File.Exists(output).Should().BeFalse();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    public void NonNumericLayer_ExitsWithUsageNamingTheOption(string value)
    {
        var run = CliRun.Of("tree", Image, "--layer", value);

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        run.Error.Should().Be($"overlay: tree: option '--layer' takes a whole number (--layer N), not '{value}'.\n");
    }

    [Fact]
    public void OptionWithoutItsValue_ExitsWithUsage()
    {
        var run = CliRun.Of("tree", Image, "--layer");

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        run.Error.Should().Contain("'--layer' needs a value");
    }

    [Fact]
    public void BadForm_ExitsWithUsageNamingTheValidOnes()
    {
        var run = CliRun.Of("diff", "--upper", "/tmp", "--form", "docker", Image);

        run.ExitCode.Should().Be((int)ExitCode.Usage);
        run.Error.Should().Contain("--form docker: use oci or kernel");
    }

    [Fact]
    public void OptionWithEqualsValue_IsAccepted()
    {
        var run = CliRun.Of("tree", Image, "--layer=0", "--json");

        run.ExitCode.Should().Be(0, run.Error);
        run.Json.GetProperty("layer").GetString().Should().Be("layer 0");
    }

    [Fact]
    public void Version_PrintsTheToolsVersion()
    {
        var run = CliRun.Of("--version");

        run.ExitCode.Should().Be(0);
        run.Console.Trim().Should().MatchRegex(@"^overlay \d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$");
        run.Console.Should().Contain(OverlayApp.Version);
    }
}
