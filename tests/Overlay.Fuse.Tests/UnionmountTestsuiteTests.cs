using System.Diagnostics;
using System.Text.RegularExpressions;
using Overlay.Fuse.Tests.Support;

namespace Overlay.Fuse.Tests;

/// <summary>
/// The overlayfs maintainers' unionmount-testsuite, unmodified, against the FUSE mount: every
/// scenario is run on its own (the suite stops at its first failure), and every one must pass.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class UnionmountTestsuiteTests
{
    [Theory]
    [InlineData("--ov", "--samefs")]
    [InlineData("--ov", "")]
    [InlineData("--ov=3", "--samefs")]
    public void EveryScenario_Passes(string layers, string placement)
    {
        Requires.DeepLane("every scenario of unionmount-testsuite, one mount each: about ten minutes a configuration");

        // The deep lane runs one configuration (about five minutes); the --ov=3 rotation (about
        // fifteen) and the lower on a tmpfs of its own run when asked for.
        if (!(layers == "--ov" && placement == "--samefs") && Environment.GetEnvironmentVariable("OVERLAY_UNIONMOUNT") != "1")
        {
            Assert.Skip($"unionmount-testsuite {layers} {placement} runs only when asked for: OVERLAY_UNIONMOUNT=1 with OVERLAY_TEST_LANE=deep (docs/fuse.md); the deep lane runs --ov --samefs.");
        }

        Requires.Fuse();
        Requires.Program("python3", "python3");
        string suite = Repository.Beside(Path.Combine("third-party", "unionmount-testsuite"))
            ?? throw SkipException("unionmount-testsuite not found: it is looked for in shared/third-party/unionmount-testsuite beside the repository or one of its parents (place a copy of the overlayfs maintainers' suite there; it is never part of this repository).");
        using var helper = OverlayTool.InstallHelper();

        var failures = new List<string>();
        var log = new System.Text.StringBuilder();
        foreach (string scenario in Scenarios(suite))
        {
            var (passed, output) = RunScenario(suite, helper.Type, layers, placement, scenario);
            if (!passed)
            {
                failures.Add(scenario);
                log.AppendLine($"== {scenario}").AppendLine(string.Join('\n', output.Split('\n').TakeLast(6)));
            }
        }

        failures.Should().BeEmpty(because: log.ToString());
    }

    /// <summary>The scenario names the suite's run script lists (for a mount with directory renames: no rename-exdev).</summary>
    private static List<string> Scenarios(string suite)
    {
        string run = File.ReadAllText(Path.Combine(suite, "run"));
        var names = new List<string>();
        foreach (Match list in TestList().Matches(run))
        {
            names.AddRange(Name().Matches(list.Groups[1].Value).Select(m => m.Groups[1].Value));
        }

        names.Remove("rename-exdev");
        names.Should().HaveCountGreaterThan(50, "the run script lists the scenarios in tests = [ ... ]");
        return names;
    }

    private static (bool Passed, string Output) RunScenario(string suite, string type, string layers, string placement, string scenario)
    {
        string root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"overlay-test-ums-{Guid.NewGuid():N}")).FullName;
        string baseDirectory = Directory.CreateDirectory(Path.Combine(root, "base")).FullName;
        string lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
        bool sameFs = placement == "--samefs";
        try
        {
            var start = new ProcessStartInfo(Path.Combine(suite, "run"))
            {
                WorkingDirectory = suite,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["UNIONMOUNT_BASEDIR"] = baseDirectory, ["PYTHONDONTWRITEBYTECODE"] = "1" },
            };
            start.ArgumentList.Add(layers);
            start.ArgumentList.Add("--fuse=" + type);
            if (sameFs)
            {
                start.ArgumentList.Add("--samefs");
            }
            else
            {
                // The lowermost layer on a file system of its own.
                Run.Checked("/", "mount", "-t", "tmpfs", "lower_layer", lower);
                start.Environment["UNIONMOUNT_LOWERDIR"] = lower;
            }

            start.ArgumentList.Add(scenario);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0, output + error.Result);
        }
        finally
        {
            // The suite leaves the union mounted "for further playing".
            foreach (var mount in File.ReadLines("/proc/self/mountinfo").Select(l => OverlayMount.Unescape(l.Split(' ')[4])).Where(m => m.StartsWith(root, StringComparison.Ordinal)).OrderByDescending(m => m.Length).ToList())
            {
                Run.Program("/", "umount", "-l", mount);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private static Exception SkipException(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException(reason);
    }

    [GeneratedRegex(@"tests \+?= \[(.*?)\]", RegexOptions.Singleline)]
    private static partial Regex TestList();

    [GeneratedRegex("\"([a-z0-9-]+)\"")]
    private static partial Regex Name();
}
