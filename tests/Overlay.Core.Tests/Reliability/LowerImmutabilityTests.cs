using System.Globalization;
using CsCheck;
using Overlay.Layers;
using Overlay.Tests.Differential;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// Property: whatever a program does through an overlay, its lowers stay exactly as they were.
/// Random lowers and operation sequences (<see cref="DiffGenerators"/>: files, directories, opaque
/// directories, links, whiteouts; every kind of write, rename and delete) run through an overlay;
/// each lower is hashed before and after (names, kinds, bytes, modes, mtimes, atimes, link
/// targets, opaque marks), through its layer and, on the host backend, on the disk below it.
/// </summary>
/// <remarks>
/// <c>OVERLAY_IMMUTABILITY_ITERATIONS</c> sets the in-memory count (default
/// <see cref="MemoryIterations"/>), <c>OVERLAY_IMMUTABILITY_HOST_ITERATIONS</c> the host count
/// (default <see cref="HostIterations"/>); the deep lane (<see cref="TestLane"/>) runs four and
/// five times as many.
/// </remarks>
public sealed class LowerImmutabilityTests
{
    /// <summary>Random sequences over <see cref="MemoryLayer"/> lowers.</summary>
    public const int MemoryIterations = 5000;

    /// <summary>Random sequences over <see cref="HostDirectoryLayer"/> lowers on the disk.</summary>
    public const int HostIterations = 100;

    [Fact]
    public void RandomSequences_OverMemoryLowers_LeaveEveryLowerIdentical()
    {
        int iterations = TestLane.Size("OVERLAY_IMMUTABILITY_ITERATIONS", MemoryIterations, 4 * MemoryIterations);
        int ran = 0;
        DiffGenerators.Case.Sample(
            diffCase =>
            {
                var lowers = SpecLayers.InMemory(diffCase.Stack);
                var before = lowers.Select(l => LayerSnapshot.Capture(l)).ToArray();
                Run(lowers, new MemoryLayer("upper"), diffCase.Ops);
                for (int i = 0; i < lowers.Length; i++)
                {
                    before[i].AssertUnchanged(lowers[i]);
                }

                Interlocked.Increment(ref ran);
            },
            iter: iterations,
            threads: 1);
        ran.Should().BeGreaterThanOrEqualTo(iterations);
    }

    [Fact]
    public void RandomSequences_OverHostDirectoryLowers_LeaveEveryLowerIdenticalOnDisk()
    {
        int iterations = TestLane.Size("OVERLAY_IMMUTABILITY_HOST_ITERATIONS", HostIterations, 5 * HostIterations);
        string baseDirectory = Path.Combine(Path.GetTempPath(), "overlay-tests", "immutability-" + Guid.NewGuid().ToString("N"));
        int ran = 0;
        try
        {
            DiffGenerators.Case.Sample(
                diffCase =>
                {
                    string caseDirectory = Path.Combine(baseDirectory, ran.ToString(CultureInfo.InvariantCulture));
                    var lowers = new List<HostDirectoryLayer>();
                    for (int i = 0; i < diffCase.Stack.LowersTopFirst.Count; i++)
                    {
                        string directory = Path.Combine(caseDirectory, "L" + i.ToString(CultureInfo.InvariantCulture));
                        Directory.CreateDirectory(directory);
                        LayerFormWriter.Write(directory, diffCase.Stack.LowersTopFirst[i], LayerForm.Oci, StackSpec.LayerTime(i));
                        lowers.Add(new HostDirectoryLayer(directory, new HostDirectoryLayerOptions { Name = "L" + i.ToString(CultureInfo.InvariantCulture) }));
                    }

                    var storageBefore = lowers.Select(l => SpecLayers.HashTree(l.Root)).ToArray();
                    var layerBefore = lowers.Select(l => LayerSnapshot.Capture(l, AccessTimeCheck.FilesOnly)).ToArray();
                    string upper = Path.Combine(caseDirectory, "upper");
                    Directory.CreateDirectory(upper);
                    using (var upperLayer = new HostDirectoryLayer(upper, new HostDirectoryLayerOptions { Name = "upper", WorkDirectory = Path.Combine(caseDirectory, "work"), Durable = false }))
                    {
                        Run(lowers, upperLayer, diffCase.Ops);
                    }

                    for (int i = 0; i < lowers.Count; i++)
                    {
                        SpecLayers.HashTree(lowers[i].Root).Should().Equal(storageBefore[i], "lower {0} must not change on disk", i);
                        layerBefore[i].AssertUnchanged(lowers[i]);
                        lowers[i].Dispose();
                    }

                    Directory.Delete(caseDirectory, recursive: true);
                    ran++;
                },
                iter: iterations,
                threads: 1);
        }
        finally
        {
            if (Directory.Exists(baseDirectory))
            {
                Directory.Delete(baseDirectory, recursive: true);
            }
        }

        ran.Should().BeGreaterThanOrEqualTo(iterations);
    }

    private static void Run(IReadOnlyList<ILayer> lowers, IWritableLayer upper, IReadOnlyList<DiffOp> ops)
    {
        var overlay = new OverlayFileSystem(lowers, upper);
        using var side = new DiffSide("library", overlay, "/", string.Empty, () => []);
        foreach (var op in ops)
        {
            op.Apply(side);
        }

        // Reading everything back reads every lower file too: reads must not stamp a lower either.
        TreeDump.Merged(overlay, new Dictionary<DateTime, string>());
    }

}
