using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsCheck;
using Overlay.Tests.Support;

namespace Overlay.Tests.Differential;

/// <summary>
/// Property: for random lowers and random operation sequences (<see cref="DiffGenerators"/>), the
/// library does at every step what the kernel's overlayfs does (outcome, merged tree, upper).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="IterationsVariable"/> sets the number of sequences (default
/// <see cref="DefaultIterations"/>, <see cref="DeepIterations"/> in the deep lane); <see cref="SeedVariable"/> replays a CsCheck seed printed by a
/// failure (CsCheck's own <c>CsCheck_Seed</c> works too). For a long run:
/// <code>
/// OVERLAY_DIFFERENTIAL_ITERATIONS=100000 tests/Overlay.Core.Tests/bin/Debug/net10.0/Overlay.Core.Tests \
///     -class Overlay.Tests.Differential.RandomDifferentialTests
/// OVERLAY_DIFFERENTIAL_ITERATIONS=100000 dotnet test --project tests/Overlay.Core.Tests \
///     --filter-class Overlay.Tests.Differential.RandomDifferentialTests
/// </code>
/// (docs/differential-testing.md).
/// </para>
/// <para>
/// On a failure CsCheck keeps sampling for smaller failing cases and reports the smallest it found
/// (seed and case); the report then shows that case's mismatch, and a further minimised case (each
/// operation and each lower entry dropped in turn while the difference stays) with its own report.
/// </para>
/// </remarks>
[Trait("Category", "KernelMount")]
[Trait("Category", "Slow")]
public sealed class RandomDifferentialTests
{
    /// <summary>Number of random sequences.</summary>
    public const string IterationsVariable = "OVERLAY_DIFFERENTIAL_ITERATIONS";

    /// <summary>A CsCheck seed to replay.</summary>
    public const string SeedVariable = "OVERLAY_DIFFERENTIAL_SEED";

    /// <summary>Threads CsCheck samples on (default: one per core).</summary>
    public const string ThreadsVariable = "OVERLAY_DIFFERENTIAL_THREADS";

    /// <summary>Sequences in the fast lane (the README's <c>dotnet test</c>).</summary>
    public const int DefaultIterations = 500;

    /// <summary>Sequences in the deep lane (<see cref="TestLane.IsDeep"/>, as .ci/run runs).</summary>
    public const int DeepIterations = 5000;

    [Fact]
    public void Random_sequences_do_what_the_kernel_does()
    {
        KernelOracle.RequireOrSkip();
        var iterations = TestLane.Size(IterationsVariable, DefaultIterations, DeepIterations);
        var threads = ReadInt(ThreadsVariable) ?? -1;
        var seed = Environment.GetEnvironmentVariable(SeedVariable);
        var output = TestContext.Current.TestOutputHelper;
        var steps = 0L;
        var watch = Stopwatch.StartNew();
        try
        {
            DiffGenerators.Case.Sample(
                diffCase =>
                {
                    Interlocked.Add(ref steps, diffCase.Ops.Count);
                    DifferentialRunner.AssertSame(diffCase);
                },
                writeLine: line => output?.WriteLine(line),
                seed: string.IsNullOrEmpty(seed) ? null : seed,
                iter: iterations,
                threads: threads,
                print: diffCase => Environment.NewLine + diffCase.Describe());
        }
        catch (CsCheckException ex)
        {
            Assert.Fail(FailureReport(ex));
        }

        output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{iterations} random sequences ({steps} steps) matched the kernel in {watch.Elapsed.TotalSeconds:F1} s"));
    }

    private static string FailureReport(CsCheckException ex)
    {
        var nl = Environment.NewLine;
        var sb = new StringBuilder();
        sb.Append("A random sequence differs from the kernel. CsCheck's shrunk case (replay with ")
          .Append(SeedVariable).Append("=<seed> or CsCheck_Seed=<seed>):").Append(nl)
          .Append(ex.Message).Append(nl).Append(nl);
        if (ex.InnerException is DifferentialMismatchException { Mismatch: var mismatch })
        {
            sb.Append("The shrunk case's mismatch:").Append(nl).Append(mismatch.Report()).Append(nl);
            var (minimal, minimalMismatch) = DifferentialRunner.Minimise(mismatch.Case, mismatch);
            sb.Append("Minimised further (operations and lower entries dropped while it still differs the same way; ")
              .Append(minimal.Ops.Count).Append(" operation(s)):").Append(nl)
              .Append(minimalMismatch.Report());
        }
        else
        {
            sb.Append("The shrunk case failed with: ").Append(ex.InnerException);
        }

        return sb.ToString();
    }

    private static int? ReadInt(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
