using System.Globalization;
using Overlay.Tests.Differential;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// Every sequence of the scenario catalogue (<see cref="DifferentialCatalogue"/>: the families of
/// Union/*ScenarioTests.cs over every kind of name), with each mutating call k of the upper failed
/// in turn (an I/O error before the call, a full disk after it): the merged view afterwards is the
/// one before or after the failed engine operation, nothing is left staged, the lowers are
/// unchanged, and an upper on disk opened again shows the same view with a clean work area.
/// </summary>
/// <remarks>
/// The catalogue is split into <see cref="Shards"/> shards so that a failure names a small set, and
/// the shards are spread over <see cref="Parts"/> test classes (the subclasses below) so that they
/// run in parallel: xunit runs the rows of one class one after another. On the host backend every
/// <c>OVERLAY_FAULT_HOST_STRIDE</c>-th sequence runs (default <see cref="DefaultHostStride"/> in the
/// fast lane, every sequence in the deep lane, <see cref="TestLane"/>; 1 runs all of them).
/// </remarks>
/// <param name="part">Which part of the catalogue this class runs, from 0 to <see cref="Parts"/> - 1.</param>
public abstract class FaultInjectionTests(int part)
{
    /// <summary>How many parts the catalogue is split into.</summary>
    public const int Shards = 8;

    /// <summary>Every how many sequences the host backend runs one in the fast lane.</summary>
    public const int DefaultHostStride = 10;

    /// <summary>The environment variable that changes the host backend's stride.</summary>
    public const string HostStrideVariable = "OVERLAY_FAULT_HOST_STRIDE";

    /// <summary>How many test classes share the shards (<see cref="Shards"/> must be a multiple).</summary>
    public const int Parts = 4;

    /// <summary>The rows of every part: each backend, and the index of a shard within the part.</summary>
    public static TheoryData<LayerBackend, int> Rows()
    {
        var data = new TheoryData<LayerBackend, int>();
        foreach (var backend in new[] { LayerBackend.Memory, LayerBackend.HostDirectory })
        {
            for (int index = 0; index < Shards / Parts; index++)
            {
                data.Add(backend, index);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void CatalogueSequence_WhenAnyMutatingCallOfTheUpperFails_LeavesAViewBeforeOrAfterTheFailedOperation(LayerBackend backend, int shardOfPart) =>
        CheckShard(backend, part * (Shards / Parts) + shardOfPart);

    private static void CheckShard(LayerBackend backend, int shard)
    {
        int stride = backend == LayerBackend.Memory ? 1 : TestLane.Size(HostStrideVariable, DefaultHostStride, 1);
        var cases = DifferentialCatalogue.Cases.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Where((_, i) => i % Shards == shard && i / Shards % stride == 0)
            .ToList();
        using var store = LayerStore.Create(backend);
        var run = new FaultRun(store);
        var problems = new List<string>();
        foreach (var (name, ops) in cases)
        {
            problems.AddRange(run.Check(name, ops));
        }

        run.AssertLowersUnchanged();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cases.Count} sequences, {run.FaultedRuns} faulted runs on {backend}"));
        run.FaultedRuns.Should().BeGreaterThan(0, "the sequences write, so they have calls to fail");
        problems.Should().BeEmpty("every failure must leave a view before or after an operation; found {0}:{1}{2}", problems.Count, Environment.NewLine, string.Join(Environment.NewLine, problems.Take(40)));
    }
}

/// <summary>Part 1 of <see cref="FaultInjectionTests"/>: shards 0 and 1, in memory and on host directories.</summary>
[Trait("Category", "Disk")]
public sealed class FaultInjectionPart1Tests() : FaultInjectionTests(0);

/// <summary>Part 2 of <see cref="FaultInjectionTests"/>: shards 2 and 3, in memory and on host directories.</summary>
[Trait("Category", "Disk")]
public sealed class FaultInjectionPart2Tests() : FaultInjectionTests(1);

/// <summary>Part 3 of <see cref="FaultInjectionTests"/>: shards 4 and 5, in memory and on host directories.</summary>
[Trait("Category", "Disk")]
public sealed class FaultInjectionPart3Tests() : FaultInjectionTests(2);

/// <summary>Part 4 of <see cref="FaultInjectionTests"/>: shards 6 and 7, in memory and on host directories.</summary>
[Trait("Category", "Disk")]
public sealed class FaultInjectionPart4Tests() : FaultInjectionTests(3);
