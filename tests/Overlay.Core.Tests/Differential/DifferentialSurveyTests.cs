using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsCheck;

namespace Overlay.Tests.Differential;

/// <summary>
/// A tool rather than a check, run on demand: where <see cref="RandomDifferentialTests"/> stops at
/// the first difference, this runs every random case, groups the differences by what differed
/// (the operation's kind and both outcomes, or which tree), and prints a minimised case for each
/// group, so that every distinct disagreement shows at once. Set
/// <c>OVERLAY_DIFFERENTIAL_SURVEY=&lt;number of cases&gt;</c> (2,000 when unset) and run it by name
/// (an explicit test: <c>-method "*Survey_groups_every_difference_found" -explicit only</c>),
/// optionally with <c>OVERLAY_DIFFERENTIAL_SEED</c>; it fails when any group is found.
/// </summary>
[Trait("Category", "KernelMount")]
public sealed class DifferentialSurveyTests
{
    /// <summary>Number of cases to survey (2,000 when unset).</summary>
    public const string SurveyVariable = "OVERLAY_DIFFERENTIAL_SURVEY";

    [Fact(Explicit = true)]
    public void Survey_groups_every_difference_found()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(SurveyVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cases))
        {
            cases = 2000;
        }

        KernelOracle.RequireOrSkip();
        var seed = Environment.GetEnvironmentVariable(RandomDifferentialTests.SeedVariable);
        var found = new ConcurrentBag<DiffMismatch>();
        var watch = Stopwatch.StartNew();
        DiffGenerators.Case.Sample(
            diffCase =>
            {
                if (DifferentialRunner.Run(diffCase) is { } mismatch)
                {
                    found.Add(mismatch);
                }
            },
            seed: string.IsNullOrEmpty(seed) ? null : seed,
            iter: cases);
        var elapsed = watch.Elapsed;

        var groups = found.GroupBy(m => m.Signature()).OrderByDescending(g => g.Count()).ToArray();
        var nl = Environment.NewLine;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{cases} cases in {elapsed.TotalSeconds:F1} s: {found.Count} differ, in {groups.Length} group(s).").Append(nl);
        foreach (var group in groups)
        {
            var smallest = group.OrderBy(m => m.StepIndex + m.Case.Stack.LowersTopFirst.Sum(l => l.Count)).First();
            var (minimal, minimalMismatch) = DifferentialRunner.Minimise(smallest.Case, smallest, maxRuns: 250);
            sb.Append(nl).Append("== ").Append(group.Key).Append(CultureInfo.InvariantCulture, $"  ({group.Count()} case(s))").Append(nl)
              .Append(minimalMismatch.Report());
        }

        TestContext.Current.TestOutputHelper?.WriteLine(sb.ToString());
        if (groups.Length > 0)
        {
            Assert.Fail(sb.ToString());
        }
    }
}
