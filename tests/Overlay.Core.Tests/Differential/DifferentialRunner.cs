using System.Text;

namespace Overlay.Tests.Differential;

/// <summary>A sequence to run on both sides: the lowers and the operations.</summary>
public sealed record DiffCase(StackSpec Stack, IReadOnlyList<DiffOp> Ops)
{
    /// <summary>The case as text: lowers, then the operations numbered.</summary>
    public string Describe()
    {
        var nl = Environment.NewLine;
        var sb = new StringBuilder();
        sb.Append("lowers (top first):").Append(nl).Append(Stack.Describe("  "));
        sb.Append("ops:").Append(nl);
        for (var i = 0; i < Ops.Count; i++)
        {
            sb.Append("  [").Append(i).Append("] ").Append(Ops[i].Describe()).Append(nl);
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Describe();
}

/// <summary>The first step at which the library did not do what the kernel did.</summary>
public sealed record DiffMismatch(
    DiffCase Case,
    int StepIndex,
    IReadOnlyList<(string Kernel, string Library)> OutcomesSoFar,
    DifferentialComparer.Values Kernel,
    DifferentialComparer.Values KernelNormalised,
    DifferentialComparer.Values Library)
{
    /// <summary>What the step was, what each side gave, what differs, and the sequence that got there.</summary>
    public string Report()
    {
        var nl = Environment.NewLine;
        var sb = new StringBuilder();
        var step = StepIndex < Case.Ops.Count ? Case.Ops[StepIndex].Describe() : "(after the last step: the lowers on disk)";
        sb.Append("Kernel and library differ at step ").Append(StepIndex).Append(" of 0..").Append(Case.Ops.Count - 1).Append(": ").Append(step).Append(nl);
        sb.Append("  outcome: kernel ").Append(Kernel.Outcome).Append(" | library ").Append(Library.Outcome)
          .Append(KernelNormalised.Outcome == Library.Outcome ? string.Empty : "   <-- differs")
          .Append(KernelNormalised.Outcome == Kernel.Outcome ? string.Empty : $"  (kernel as compared: {KernelNormalised.Outcome})").Append(nl);
        AppendTree(sb, "merged", KernelNormalised.Merged, Library.Merged);
        AppendTree(sb, "upper", KernelNormalised.Upper, Library.Upper);
        sb.Append("  sequence so far (outcomes kernel | library):").Append(nl);
        for (var i = 0; i <= StepIndex && i < Case.Ops.Count; i++)
        {
            sb.Append("    [").Append(i).Append("] ").Append(Case.Ops[i].Describe()).Append("  -> ")
              .Append(OutcomesSoFar[i].Kernel).Append(" | ").Append(OutcomesSoFar[i].Library).Append(nl);
        }

        sb.Append("  lowers (top first; files 0644 and directories 0755 unless shown, mtime 200N-01-01 for lower N):").Append(nl)
          .Append(Case.Stack.Describe("    "));
        return sb.ToString();
    }

    /// <summary>
    /// What kind of difference this is: the step's operation kind and both outcomes (an <c>ok</c>
    /// with a value counts as <c>ok</c>), or which trees differ when the outcomes agree.
    /// </summary>
    public string Signature()
    {
        var op = StepIndex < Case.Ops.Count ? Case.Ops[StepIndex].GetType().Name : "lowers";
        if (KernelNormalised.Outcome != Library.Outcome)
        {
            return $"{op}: kernel {Short(KernelNormalised.Outcome)} | library {Short(Library.Outcome)}";
        }

        var merged = !KernelNormalised.Merged.SequenceEqual(Library.Merged, StringComparer.Ordinal);
        var upper = !KernelNormalised.Upper.SequenceEqual(Library.Upper, StringComparer.Ordinal);
        return $"{op}: same outcome, {(merged ? "merged" : string.Empty)}{(merged && upper ? "+" : string.Empty)}{(upper ? "upper" : string.Empty)} differ";

        static string Short(string outcome) => outcome.StartsWith("ok", StringComparison.Ordinal) ? "ok" : outcome;
    }

    /// <inheritdoc />
    public override string ToString() => Report();

    private static void AppendTree(StringBuilder sb, string name, IReadOnlyList<string> kernel, IReadOnlyList<string> library)
    {
        var nl = Environment.NewLine;
        if (kernel.SequenceEqual(library, StringComparer.Ordinal))
        {
            sb.Append("  ").Append(name).Append(": same (").Append(kernel.Count).Append(" lines)").Append(nl);
            foreach (var line in kernel)
            {
                sb.Append("      ").Append(line).Append(nl);
            }

            return;
        }

        sb.Append("  ").Append(name).Append(" differs ('-' kernel only, '+' library only):").Append(nl);
        foreach (var (marker, line) in Diff(kernel, library))
        {
            sb.Append("    ").Append(marker).Append(' ').Append(line).Append(nl);
        }
    }

    private static IEnumerable<(char Marker, string Line)> Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        int i = 0, j = 0;
        while (i < expected.Count || j < actual.Count)
        {
            var cmp = i == expected.Count ? 1 : j == actual.Count ? -1 : string.CompareOrdinal(expected[i], actual[j]);
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

/// <summary>Thrown by <see cref="DifferentialRunner.AssertSame"/> with the mismatch report.</summary>
public sealed class DifferentialMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DifferentialMismatchException(DiffMismatch mismatch)
        : base(mismatch?.Report())
    {
        Mismatch = mismatch!;
    }

    /// <summary>The mismatch.</summary>
    public DiffMismatch Mismatch { get; }
}

/// <summary>
/// Runs a <see cref="DiffCase"/> on a fresh <see cref="DifferentialPair"/>: each operation on the
/// kernel, then on the library, then after EVERY step compares the outcomes, the merged trees and
/// the uppers (<see cref="DifferentialComparer"/>); stops at the first difference. After the last
/// step, also checks that the library left its lowers on disk untouched.
/// </summary>
public static class DifferentialRunner
{
    /// <summary>Runs the case; the first mismatch, or null when every step agreed.</summary>
    /// <param name="diffCase">The lowers and the operations.</param>
    /// <param name="throughMount">The library's side through its FUSE mount (see <see cref="DifferentialPair.Create"/>).</param>
    public static DiffMismatch? Run(DiffCase diffCase, bool throughMount = false)
    {
        ArgumentNullException.ThrowIfNull(diffCase);
        using var pair = DifferentialPair.Create(diffCase.Stack, throughMount);
        var lowersBefore = LowerStorage(pair);
        var outcomes = new List<(string Kernel, string Library)>();
        for (var i = 0; i < diffCase.Ops.Count; i++)
        {
            var op = diffCase.Ops[i];
            var kernelOutcome = op.Apply(pair.Kernel);
            var libraryOutcome = op.Apply(pair.Library);
            outcomes.Add((kernelOutcome, libraryOutcome));
            var kernel = new DifferentialComparer.Values(
                kernelOutcome,
                Capture(() => TreeSnapshot.Merged(pair.Kernel.FileSystem, pair.Kernel.Root, pair.StartedUtc)),
                Capture(pair.Kernel.DumpUpper));
            var library = new DifferentialComparer.Values(
                libraryOutcome,
                Capture(() => TreeSnapshot.Merged(pair.Library.FileSystem, pair.Library.Root, pair.StartedUtc)),
                Capture(pair.Library.DumpUpper));
            var normalised = DifferentialComparer.NormaliseKernel(op, kernel, diffCase.Stack);
            if (!DifferentialComparer.Same(normalised, library))
            {
                if (!pair.KernelStillMounted())
                {
                    throw new InvalidOperationException(
                        $"The kernel overlay at {pair.Kernel.Root} was unmounted from outside during step {i} ({op.Describe()}): "
                        + "another process's cleanup of 'overlay-test' mounts (.ci/run) ran meanwhile. Not a difference; run again.");
                }

                return new DiffMismatch(diffCase, i, outcomes, kernel, normalised, library);
            }
        }

        var lowersAfter = LowerStorage(pair);
        if (!lowersAfter.SequenceEqual(lowersBefore, StringComparer.Ordinal))
        {
            var before = new DifferentialComparer.Values("lowers as written", lowersBefore, []);
            var after = new DifferentialComparer.Values("lowers changed", lowersAfter, []);
            return new DiffMismatch(diffCase, diffCase.Ops.Count, outcomes, before, before, after);
        }

        return null;
    }

    /// <summary>Runs the case and fails with the mismatch report if a step differs.</summary>
    public static void AssertSame(DiffCase diffCase, bool throughMount = false)
    {
        if (Run(diffCase, throughMount) is { } mismatch)
        {
            throw new DifferentialMismatchException(mismatch);
        }
    }

    /// <summary>
    /// A smaller case that still differs in the same way (same <see cref="DiffMismatch.Signature"/>),
    /// found greedily: drop each operation (last first), then each lower entry with its children,
    /// then each lower, keeping every removal after which the case still differs so. Runs the case
    /// many times (one mount each); used on a failure only.
    /// </summary>
    public static (DiffCase Case, DiffMismatch Mismatch) Minimise(DiffCase diffCase, DiffMismatch mismatch, int maxRuns = 400)
    {
        ArgumentNullException.ThrowIfNull(diffCase);
        ArgumentNullException.ThrowIfNull(mismatch);
        var runs = 0;
        var signature = mismatch.Signature();
        var best = (Case: diffCase with { Ops = diffCase.Ops.Take(mismatch.StepIndex + 1).ToArray() }, Mismatch: mismatch);

        bool TryCandidate(DiffCase candidate)
        {
            if (runs++ >= maxRuns)
            {
                return false;
            }

            DiffMismatch? found;
            try
            {
                found = Run(candidate);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return false; // an invalid stack (a child left without its parent): not a candidate
            }

            if (found is null || found.Signature() != signature)
            {
                return false;
            }

            best = (candidate with { Ops = candidate.Ops.Take(found.StepIndex + 1).ToArray() }, found);
            return true;
        }

        var changed = true;
        while (changed && runs < maxRuns)
        {
            changed = false;
            for (var i = best.Case.Ops.Count - 1; i >= 0; i--)
            {
                if (i < best.Case.Ops.Count && TryCandidate(best.Case with { Ops = [.. best.Case.Ops.Where((_, j) => j != i)] }))
                {
                    changed = true;
                }
            }

            for (var layer = 0; layer < best.Case.Stack.LowersTopFirst.Count; layer++)
            {
                var entries = best.Case.Stack.LowersTopFirst[layer];
                for (var e = entries.Count - 1; e >= 0; e--)
                {
                    entries = best.Case.Stack.LowersTopFirst[layer];
                    if (e >= entries.Count)
                    {
                        continue;
                    }

                    var removed = entries[e].Path;
                    var kept = entries.Where(x => x.Path != removed && !x.Path.StartsWith(removed + "/", StringComparison.Ordinal)).ToArray();
                    var lowers = best.Case.Stack.LowersTopFirst.Select((l, k) => k == layer ? kept : l).ToArray();
                    if (TryCandidate(best.Case with { Stack = new StackSpec(lowers) }))
                    {
                        changed = true;
                    }
                }
            }

            for (var layer = best.Case.Stack.LowersTopFirst.Count - 1; layer >= 0 && best.Case.Stack.LowersTopFirst.Count > 1; layer--)
            {
                var lowers = best.Case.Stack.LowersTopFirst.Where((_, k) => k != layer).ToArray();
                if (TryCandidate(best.Case with { Stack = new StackSpec(lowers) }))
                {
                    changed = true;
                }
            }
        }

        return best;
    }

    private static string[] LowerStorage(DifferentialPair pair)
    {
        var lines = new List<string>();
        for (var i = 0; i < Math.Max(1, pair.Stack.LowersTopFirst.Count); i++)
        {
            var directory = Path.Combine(pair.BaseDirectory, "library", "lower" + i);
            lines.AddRange(UpperDumper.DumpOciForm(directory, pair.StartedUtc).Select(line => $"L{i}: {line}"));
        }

        return [.. lines];
    }

    private static IReadOnlyList<string> Capture(Func<string[]> dump)
    {
        try
        {
            return dump();
        }
#pragma warning disable CA1031 // A failing dump is reported as a difference, with the step's context.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return [$"<dump failed: {ex.GetType().Name}: {ex.Message}>"];
        }
    }
}
