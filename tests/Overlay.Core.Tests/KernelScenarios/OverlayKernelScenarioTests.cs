using Overlay.Tests.Support;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The 400 kernel-recorded sequences replayed on the library's overlay (in memory here; on other
/// backends in the subclasses in Backends/): the kernel's outcome (exception type and HResult) at
/// every step, the same merged tree, the same logical upper, and the lowers untouched.
/// </summary>
public class OverlayKernelScenarioTests : IClassFixture<KernelScenarioCatalog>
{
    private readonly KernelScenarioCatalog _catalog;
    private readonly LayerBackend _backend;

    /// <summary>On the in-memory backend.</summary>
    /// <param name="catalog">The shared scenarios.</param>
    public OverlayKernelScenarioTests(KernelScenarioCatalog catalog)
        : this(catalog, LayerBackend.Memory)
    {
    }

    /// <summary>On the given backend.</summary>
    /// <param name="catalog">The shared scenarios.</param>
    /// <param name="backend">Where the layers are stored.</param>
    protected OverlayKernelScenarioTests(KernelScenarioCatalog catalog, LayerBackend backend)
    {
        _catalog = catalog;
        _backend = backend;
    }

    public static TheoryData<int> Seeds() => new(KernelScenarioLoader.LoadShared().Select(s => s.Seed));

    /// <summary>With the kernel-compatible rename policy every step matches the kernel, EXDEV included.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void KernelPolicy_ReplaysEveryStepAsTheKernel(int seed)
    {
        var scenario = _catalog[seed];
        using var target = new OverlayScenarioTarget(scenario, DirectoryRenamePolicy.Kernel, _backend);
        var storageBefore = target.CaptureLowerStorage();
        var before = target.Lowers.Select(OverlayScenarioTarget.Dump).ToArray();

        ScenarioReplayer.AssertReplays(scenario, target);

        target.Lowers.Select(OverlayScenarioTarget.Dump).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        if (storageBefore is not null)
        {
            target.CaptureLowerStorage().Should().Equal(storageBefore, "the storage of the lowers must never be written by the overlay");
        }
    }

    /// <summary>
    /// The default policy differs from the kernel only where the kernel refuses to rename a lower or
    /// merged directory (EXDEV): there the library moves it, as <c>mv</c> would. Every scenario
    /// without such a step replays identically; in the others the library succeeds at that step.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void DefaultPolicy_DiffersOnlyWhereTheKernelGivesExdev(int seed)
    {
        var scenario = _catalog[seed];
        int exdev = scenario.Steps.ToList().FindIndex(s => s.Outcome == "IOException 18");
        using var target = new OverlayScenarioTarget(scenario, DirectoryRenamePolicy.CopyUp, _backend);
        if (exdev < 0)
        {
            ScenarioReplayer.AssertReplays(scenario, target);
            return;
        }

        var prefix = scenario with { Steps = scenario.Steps.Take(exdev).ToArray() };
        ScenarioReplayer.AssertReplays(prefix, target);
        ScenarioReplayer.Apply(scenario.Steps[exdev].Op, target.FileSystem, target.Root).Should().Be(ScenarioReplayer.Ok);
    }
}
