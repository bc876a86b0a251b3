using System.Globalization;
using CsCheck;
using Overlay.Tests.Support;

namespace Overlay.Tests.Differential;

/// <summary>
/// Property: the random operation sequences of <see cref="RandomDifferentialTests"/>, applied with
/// plain System.IO to the kernel's overlayfs and to the library's FUSE mount over the same lowers
/// (<see cref="Overlay.Fuse.OverlayMount"/>), give the same outcome, merged tree and upper at every
/// step: what any program sees through the mount is what it sees on the kernel's overlay.
/// </summary>
/// <remarks>
/// <see cref="IterationsVariable"/> sets the number of sequences (default
/// <see cref="DefaultIterations"/>, <see cref="DeepIterations"/> in the deep lane);
/// <see cref="RandomDifferentialTests.SeedVariable"/> replays a CsCheck seed printed by a failure.
/// </remarks>
[Trait("Category", "KernelMount")]
[Trait("Category", "Slow")]
public sealed class MountDifferentialTests
{
    /// <summary>Number of random sequences.</summary>
    public const string IterationsVariable = "OVERLAY_MOUNT_DIFFERENTIAL_ITERATIONS";

    /// <summary>Sequences in the fast lane.</summary>
    public const int DefaultIterations = 50;

    /// <summary>Sequences in the deep lane.</summary>
    public const int DeepIterations = 500;

    [Fact]
    public void Random_sequences_through_the_mount_do_what_the_kernel_does()
    {
        KernelOracle.RequireOrSkip();
        if (!File.Exists("/dev/fuse"))
        {
            Assert.Skip("/dev/fuse is missing: the FUSE mount cannot be made here (modprobe fuse).");
        }

        var iterations = TestLane.Size(IterationsVariable, DefaultIterations, DeepIterations);
        var seed = Environment.GetEnvironmentVariable(RandomDifferentialTests.SeedVariable);
        var output = TestContext.Current.TestOutputHelper;
        try
        {
            DiffGenerators.Case.Sample(
                diffCase => DifferentialRunner.AssertSame(diffCase, throughMount: true),
                writeLine: line => output?.WriteLine(line),
                seed: string.IsNullOrEmpty(seed) ? null : seed,
                iter: iterations,
                threads: 1,
                print: diffCase => Environment.NewLine + diffCase.Describe());
        }
        catch (CsCheckException ex)
        {
            var report = ex.InnerException is DifferentialMismatchException { Mismatch: var mismatch } ? mismatch.Report() : ex.InnerException?.ToString();
            Assert.Fail("A random sequence differs between the kernel and the FUSE mount (replay with "
                + RandomDifferentialTests.SeedVariable + "=<seed>):" + Environment.NewLine + ex.Message + Environment.NewLine + report);
        }

        output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{iterations} random sequences through the mount matched the kernel"));
    }
}
