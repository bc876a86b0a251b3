using Overlay.Tests.Support;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The shared fixture's scenarios, read once per test class on first use (an xunit class fixture,
/// so no static state; tests that don't use it don't need the fixture). Fails, never skips, when
/// the fixture is missing.
/// </summary>
public sealed class KernelScenarioCatalog
{
    private readonly Lazy<IReadOnlyList<KernelScenario>> _scenarios = new(KernelScenarioLoader.LoadShared);
    private readonly Lazy<Dictionary<int, KernelScenario>> _bySeed;

    /// <summary>Prepares to load <c>shared/fixtures/kernel-scenarios/kernel-scenarios.jsonl</c>.</summary>
    public KernelScenarioCatalog() =>
        _bySeed = new(() => _scenarios.Value.ToDictionary(s => s.Seed));

    /// <summary>Every scenario, in file order.</summary>
    public IReadOnlyList<KernelScenario> Scenarios => _scenarios.Value;

    /// <summary>The scenario with this seed.</summary>
    public KernelScenario this[int seed] => _bySeed.Value.TryGetValue(seed, out var scenario)
        ? scenario
        : throw new KeyNotFoundException($"No kernel scenario with seed {seed} in {TestFixtures.KernelScenariosPath}");
}
