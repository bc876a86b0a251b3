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
/// The catalogue is split into <see cref="Shards"/> parts so that a failure names a small set. On
/// the host backend every <c>OVERLAY_FAULT_HOST_STRIDE</c>-th sequence runs (default
/// <see cref="DefaultHostStride"/>; 1 runs all of them).
/// </remarks>
public sealed class FaultInjectionTests
{
    /// <summary>How many parts the catalogue is split into.</summary>
    public const int Shards = 8;

    /// <summary>Every how many sequences the host backend runs one.</summary>
    public const int DefaultHostStride = 10;

    /// <summary>The environment variable that changes <see cref="DefaultHostStride"/>.</summary>
    public const string HostStrideVariable = "OVERLAY_FAULT_HOST_STRIDE";

    /// <summary>The backends and shards.</summary>
    public static TheoryData<LayerBackend, int> Parts()
    {
        var data = new TheoryData<LayerBackend, int>();
        foreach (var backend in new[] { LayerBackend.Memory, LayerBackend.HostDirectory })
        {
            for (int shard = 0; shard < Shards; shard++)
            {
                data.Add(backend, shard);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Parts))]
    public void CatalogueSequence_WhenAnyMutatingCallOfTheUpperFails_LeavesAViewBeforeOrAfterTheFailedOperation(LayerBackend backend, int shard)
    {
        int stride = backend == LayerBackend.Memory ? 1 : Stride();
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

    private static int Stride() =>
        int.TryParse(Environment.GetEnvironmentVariable(HostStrideVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int stride) && stride > 0
            ? stride
            : DefaultHostStride;
}
