using System.Text;
using Overlay.Tests.Support;

namespace Overlay.Tests.KernelScenarios;

/// <summary>The first step at which a replay differed from the recording.</summary>
/// <param name="Scenario">The scenario replayed.</param>
/// <param name="StepIndex">Zero-based index of the step in <see cref="KernelScenario.Steps"/>.</param>
/// <param name="ActualOutcome">What the target gave for the step's operation.</param>
/// <param name="ActualMerged">The target's merged tree after the step, sorted.</param>
/// <param name="ActualUpper">The target's upper layer after the step, sorted.</param>
/// <param name="TargetDescription">What the scenario was replayed on.</param>
public sealed record ScenarioMismatch(
    KernelScenario Scenario,
    int StepIndex,
    string ActualOutcome,
    IReadOnlyList<string> ActualMerged,
    IReadOnlyList<string> ActualUpper,
    string TargetDescription)
{
    /// <summary>The recorded step that was not reproduced.</summary>
    public ScenarioStep Expected => Scenario.Steps[StepIndex];

    /// <summary>True if the operation's outcome differs.</summary>
    public bool OutcomeDiffers => !string.Equals(Expected.Outcome, ActualOutcome, StringComparison.Ordinal);

    /// <summary>True if the merged tree differs.</summary>
    public bool MergedDiffers => !Expected.Merged.SequenceEqual(ActualMerged, StringComparer.Ordinal);

    /// <summary>True if the upper layer differs.</summary>
    public bool UpperDiffers => !Expected.Upper.SequenceEqual(ActualUpper, StringComparer.Ordinal);

    /// <summary>A report for a developer: where, what differed, and how to get there again.</summary>
    public string Report()
    {
        var nl = Environment.NewLine;
        var sb = new StringBuilder();
        sb.Append("Kernel scenario seed ").Append(Scenario.Seed)
          .Append(": mismatch at step ").Append(StepIndex)
          .Append(" (of 0..").Append(Scenario.Steps.Count - 1).Append(") on ").Append(TargetDescription).Append(nl);
        sb.Append("  op:      ").Append(Expected.Op.RawJson).Append(nl);
        sb.Append("  outcome: expected ").Append(Expected.Outcome).Append(", actual ").Append(ActualOutcome)
          .Append(OutcomeDiffers ? "   <-- differs" : string.Empty).Append(nl);
        AppendTree(sb, "merged", Expected.Merged, ActualMerged);
        AppendTree(sb, "upper", Expected.Upper, ActualUpper);

        sb.Append("  previous ops (all reproduced):").Append(nl);
        if (StepIndex == 0)
        {
            sb.Append("    (none)").Append(nl);
        }

        for (var i = 0; i < StepIndex; i++)
        {
            var step = Scenario.Steps[i];
            sb.Append("    [").Append(i).Append("] ").Append(step.Op.RawJson).Append(" -> ").Append(step.Outcome).Append(nl);
        }

        sb.Append("  lowers (top first):").Append(nl);
        for (var i = 0; i < Scenario.LowersTopFirst.Count; i++)
        {
            sb.Append("    L").Append(i).Append(": ")
              .Append(string.Join("; ", Scenario.LowersTopFirst[i].Select(e => e.ToString()))).Append(nl);
        }

        sb.Append("  reproduce: grep '^{\"seed\":").Append(Scenario.Seed)
          .Append(",' tests/").Append(TestFixtures.KernelScenariosRelativePath);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Report();

    private static void AppendTree(StringBuilder sb, string name, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var nl = Environment.NewLine;
        if (expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            sb.Append("  ").Append(name).Append(": as recorded (").Append(expected.Count).Append(" lines)").Append(nl);
            return;
        }

        sb.Append("  ").Append(name).Append(" differs ('-' recorded only, '+' actual only):").Append(nl);
        foreach (var (marker, line) in Diff(expected, actual))
        {
            sb.Append("    ").Append(marker).Append(' ').Append(line).Append(nl);
        }
    }

    /// <summary>A line-by-line merge of two sorted lists: ' ' both, '-' expected only, '+' actual only.</summary>
    private static IEnumerable<(char Marker, string Line)> Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        int i = 0, j = 0;
        while (i < expected.Count || j < actual.Count)
        {
            var cmp = i == expected.Count ? 1
                : j == actual.Count ? -1
                : string.CompareOrdinal(expected[i], actual[j]);
            if (cmp == 0)
            {
                yield return (' ', expected[i++]);
                j++;
            }
            else if (cmp < 0)
            {
                yield return ('-', expected[i++]);
            }
            else
            {
                yield return ('+', actual[j++]);
            }
        }
    }
}
