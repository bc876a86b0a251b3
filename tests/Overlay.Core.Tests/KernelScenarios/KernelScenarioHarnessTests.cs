using System.Security.Cryptography;
using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Proves the replay harness on the reference itself: every recorded scenario must replay on a real
/// kernel overlayfs mount exactly as recorded. Plus checks that the loader, the formatting and the
/// comparison work (a wrong expectation must be reported).
/// </summary>
public sealed class KernelScenarioHarnessTests : IClassFixture<KernelScenarioCatalog>
{
    private static readonly string[] KnownOps =
    [
        "WriteAllText", "AppendAllText", "Truncate", "OpenReadWriteAndClose", "ReadAllBytes",
        "DeleteFileMustExist", "CreateDirectoryMustNotExist", "DeleteDirectory", "DeleteDirectoryRecursive",
        "MoveFileOverwrite", "MoveDirectory", "SetUnixFileMode", "SetLastWriteTimeUtc", "CreateSymbolicLink",
    ];

    private readonly KernelScenarioCatalog _catalog;

    public KernelScenarioHarnessTests(KernelScenarioCatalog catalog) => _catalog = catalog;

    /// <summary>The seeds of the shared fixture, one test case each (throws, so fails, if the fixture is missing).</summary>
    public static TheoryData<int> Seeds() => new(KernelScenarioLoader.LoadShared().Select(s => s.Seed));

    [Theory]
    [MemberData(nameof(Seeds))]
    [Trait("Category", "KernelMount")]
    public void Replays_on_kernel_overlayfs(int seed)
    {
        var scenario = _catalog[seed];
        if (!KernelMountTarget.TryCreate(scenario, out var target, out var reason))
        {
            Overlay.Tests.Differential.KernelOracle.SkipOrFail("kernel overlayfs replay not possible here: " + reason);
        }

        using (target)
        {
            ScenarioReplayer.AssertReplays(scenario, target);
        }
    }

    [Fact]
    [Trait("Category", "KernelMount")]
    public void Kernel_replay_reports_an_altered_recording_as_a_mismatch()
    {
        var original = _catalog[1];
        var last = original.Steps.Count - 1;
        var altered = original with
        {
            Steps = original.Steps
                .Select((step, i) => i == last ? step with { Upper = [.. step.Upper, "zz f 644 \"not there\""] } : step)
                .ToArray(),
        };
        if (!KernelMountTarget.TryCreate(altered, out var target, out var reason))
        {
            Overlay.Tests.Differential.KernelOracle.SkipOrFail("kernel overlayfs replay not possible here: " + reason);
        }

        using (target)
        {
            var result = ScenarioReplayer.Replay(altered, target);

            result.Succeeded.Should().BeFalse();
            result.StepsReproduced.Should().Be(last);
            result.Mismatch!.StepIndex.Should().Be(last);
            result.Mismatch.OutcomeDiffers.Should().BeFalse();
            result.Mismatch.MergedDiffers.Should().BeFalse();
            result.Mismatch.UpperDiffers.Should().BeTrue();
            result.Mismatch.Report().Should().Contain("seed 1:").And.Contain("- zz f 644 \"not there\"");
        }
    }

    [Fact]
    public void Loader_reads_all_400_scenarios()
    {
        var scenarios = _catalog.Scenarios;

        scenarios.Should().HaveCount(400);
        scenarios.Select(s => s.Seed).Should().OnlyHaveUniqueItems();
        scenarios.Should().OnlyContain(s => s.LowersTopFirst.Count >= 1 && s.Steps.Count > 0);
        scenarios.SelectMany(s => s.Steps).Select(step => step.Op.Name).Distinct().Should().BeSubsetOf(KnownOps);
        scenarios.SelectMany(s => s.Steps).Should().OnlyContain(step =>
            step.Merged.SequenceEqual(TreeLines.Sort(step.Merged)) && step.Upper.SequenceEqual(TreeLines.Sort(step.Upper)));
    }

    [Fact]
    public void Loader_parses_every_field()
    {
        var scenario = KernelScenarioLoader.Parse("""
            {"seed":7,"lowersTopFirst":[[{"path":"c","kind":"opaque-dir","data":""},{"path":"c/d","kind":"symlink","data":"a"}],
            [{"path":"a","kind":"file","data":"L1:a"},{"path":"b","kind":"whiteout","data":""},{"path":"e","kind":"dir","data":""}]],
            "steps":[{"op":{"op":"Truncate","path":"a/","length":3},"outcome":"DirectoryNotFoundException -2147024893","merged":["a f 644 \u0022L1:a\u0022"],"upper":[]},
            {"op":{"op":"SetUnixFileMode","path":"e","mode":"640"},"outcome":"ok","merged":[],"upper":["e d 640"]},
            {"op":{"op":"SetLastWriteTimeUtc","path":"a","ticks":631139041920000000},"outcome":"ok","merged":[],"upper":[]},
            {"op":{"op":"MoveFileOverwrite","from":"a","to":"b"},"outcome":"ok","merged":[],"upper":[]},
            {"op":{"op":"CreateSymbolicLink","path":"x","target":"d"},"outcome":"ok","merged":[],"upper":[]}]}
            """.ReplaceLineEndings(string.Empty));

        scenario.Seed.Should().Be(7);
        scenario.LowersTopFirst.Should().HaveCount(2);
        scenario.LowersTopFirst[0].Should().Equal(
            new ScenarioEntry("c", ScenarioEntryKind.OpaqueDirectory, string.Empty),
            new ScenarioEntry("c/d", ScenarioEntryKind.Symlink, "a"));
        scenario.LowersTopFirst[1].Select(e => e.Kind).Should().Equal(
            ScenarioEntryKind.File, ScenarioEntryKind.Whiteout, ScenarioEntryKind.Directory);
        scenario.Steps[0].Op.Should().BeEquivalentTo(new { Name = "Truncate", Path = "a/", Length = 3L });
        scenario.Steps[0].Outcome.Should().Be("DirectoryNotFoundException -2147024893");
        scenario.Steps[0].Merged.Should().Equal("a f 644 \"L1:a\"");
        scenario.Steps[1].Op.Mode.Should().Be("640");
        TreeLines.ParseMode(scenario.Steps[1].Op.Mode!).Should().Be(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        scenario.Steps[2].Op.Ticks.Should().Be(631139041920000000);
        scenario.Steps[3].Op.Should().BeEquivalentTo(new { From = "a", To = "b" });
        scenario.Steps[4].Op.Target.Should().Be("d");
    }

    [Fact]
    public void Fixtures_fail_loudly_when_missing()
    {
        var act = () => TestFixtures.Find("fixtures/no-such-fixture.jsonl");

        act.Should().Throw<FileNotFoundException>()
            .WithMessage("*tests/fixtures/no-such-fixture.jsonl*is missing*")
            .Which.FileName.Should().Be(Path.Combine(TestFixtures.TestsDirectory, "fixtures", "no-such-fixture.jsonl"));
    }

    [Fact]
    public void Fixtures_are_read_from_the_repository_itself()
    {
        string path = TestFixtures.KernelScenariosPath;

        path.Should().StartWith(Infrastructure.TestRepository.RootDirectory + Path.DirectorySeparatorChar);
        File.Exists(path).Should().BeTrue();
    }

    [Theory]
    [InlineData("/", "a", "/a")]
    [InlineData("/", "a/", "/a/")]
    [InlineData("/", "a/b/", "/a/b/")]
    [InlineData("/tmp/m", "a/b", "/tmp/m/a/b")]
    [InlineData("/tmp/m/", "a/", "/tmp/m/a/")]
    public void Paths_keep_a_trailing_slash_and_never_double_the_separator(string root, string relative, string expected) =>
        ScenarioPaths.Combine(root, relative).Should().Be(expected);

    [Fact]
    public void Tree_lines_quote_short_text_and_hash_long_content()
    {
        var mode = KernelLayerWriter.FileMode;
        var longText = new string('x', TreeLines.MaxQuotedLength);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(longText)))[..12];

        TreeLines.File("a/b", mode, "x3"u8).Should().Be("a/b f 644 \"x3\"");
        TreeLines.File("a", mode, Encoding.UTF8.GetBytes(new string('y', TreeLines.MaxQuotedLength - 1)))
            .Should().Be("a f 644 \"" + new string('y', 23) + "\"");
        TreeLines.File("a", mode, Encoding.UTF8.GetBytes(longText)).Should().Be("a f 644 " + hash);
        TreeLines.Directory("d", KernelLayerWriter.DirectoryMode).Should().Be("d d 755");
        TreeLines.Symlink("l", "a").Should().Be("l l a");
        TreeLines.Sort(["b d 755", "a/b w", "a opaque", "a d 755"]).Should().Equal("a d 755", "a opaque", "a/b w", "b d 755");
    }

    [Fact]
    public void Replayer_reproduces_a_correct_recording()
    {
        var scenario = PlainScenario("""
            {"op":{"op":"WriteAllText","path":"a","text":"x3"},"outcome":"ok","merged":["a f 644 \u0022x3\u0022"],"upper":["a f 644 \u0022x3\u0022"]},
            {"op":{"op":"AppendAllText","path":"a/","text":"+1"},"outcome":"UnauthorizedAccessException -2147024891","merged":["a f 644 \u0022x3\u0022"],"upper":["a f 644 \u0022x3\u0022"]},
            {"op":{"op":"ReadAllBytes","path":"a/"},"outcome":"DirectoryNotFoundException -2147024893","merged":["a f 644 \u0022x3\u0022"],"upper":["a f 644 \u0022x3\u0022"]},
            {"op":{"op":"CreateDirectoryMustNotExist","path":"a"},"outcome":"IOException -2146232800","merged":["a f 644 \u0022x3\u0022"],"upper":["a f 644 \u0022x3\u0022"]},
            {"op":{"op":"DeleteFileMustExist","path":"b"},"outcome":"FileNotFoundException -2147024894","merged":["a f 644 \u0022x3\u0022"],"upper":["a f 644 \u0022x3\u0022"]},
            {"op":{"op":"CreateSymbolicLink","path":"b","target":"a"},"outcome":"ok","merged":["a f 644 \u0022x3\u0022","b l a"],"upper":["a f 644 \u0022x3\u0022","b l a"]}
            """);
        var result = ScenarioReplayer.Replay(scenario, s => new PlainDirectoryTarget(s));

        result.Succeeded.Should().BeTrue(result.ToString());
        result.StepsReproduced.Should().Be(6);
    }

    [Fact]
    public void Replayer_reports_a_wrong_outcome_as_a_mismatch()
    {
        var scenario = PlainScenario("""
            {"op":{"op":"WriteAllText","path":"a","text":"x3"},"outcome":"IOException 17","merged":["a f 644 \u0022x3\u0022"],"upper":["a f 644 \u0022x3\u0022"]}
            """);
        using var target = new PlainDirectoryTarget(scenario);

        var result = ScenarioReplayer.Replay(scenario, target);

        result.Succeeded.Should().BeFalse();
        var mismatch = result.Mismatch!;
        mismatch.StepIndex.Should().Be(0);
        mismatch.ActualOutcome.Should().Be("ok");
        mismatch.OutcomeDiffers.Should().BeTrue();
        mismatch.MergedDiffers.Should().BeFalse();
        mismatch.Report().Should().Contain("seed 9001").And.Contain("step 0")
            .And.Contain("expected IOException 17, actual ok").And.Contain("\"op\":\"WriteAllText\"");
    }

    [Fact]
    public void Replayer_reports_a_wrong_tree_with_a_diff_and_the_previous_ops()
    {
        var scenario = PlainScenario("""
            {"op":{"op":"WriteAllText","path":"a","text":"x3"},"outcome":"ok","merged":["a f 644 \u0022x3\u0022"],"upper":["a f 644 \u0022x3\u0022"]},
            {"op":{"op":"AppendAllText","path":"a","text":"+1"},"outcome":"ok","merged":["a f 644 \u0022x3+2\u0022"],"upper":["a f 644 \u0022x3+1\u0022"]},
            {"op":{"op":"ReadAllBytes","path":"a"},"outcome":"ok","merged":["a f 644 \u0022x3+1\u0022"],"upper":["a f 644 \u0022x3+1\u0022"]}
            """);
        using var target = new PlainDirectoryTarget(scenario);

        var result = ScenarioReplayer.Replay(scenario, target);

        result.Succeeded.Should().BeFalse();
        result.StepsReproduced.Should().Be(1);
        var mismatch = result.Mismatch!;
        mismatch.StepIndex.Should().Be(1);
        mismatch.OutcomeDiffers.Should().BeFalse();
        mismatch.MergedDiffers.Should().BeTrue();
        mismatch.UpperDiffers.Should().BeFalse();
        var report = mismatch.Report();
        report.Should().Contain("seed 9001: mismatch at step 1")
            .And.Contain("- a f 644 \"x3+2\"")
            .And.Contain("+ a f 644 \"x3+1\"")
            .And.Contain("upper: as recorded")
            .And.Contain("[0] {\"op\":\"WriteAllText\"");
        using var second = new PlainDirectoryTarget(scenario);
        var assert = () => ScenarioReplayer.AssertReplays(scenario, second);
        assert.Should().Throw<Exception>().WithMessage("*mismatch at step 1*");
    }

    /// <summary>A scenario with no lower layers and the given steps (JSON objects, comma-separated).</summary>
    private static KernelScenario PlainScenario(string stepsJson) =>
        KernelScenarioLoader.Parse(
            "{\"seed\":9001,\"lowersTopFirst\":[],\"steps\":[" + stepsJson.ReplaceLineEndings(string.Empty) + "]}");
}
