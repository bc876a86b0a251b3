namespace Overlay.Tests.KernelScenarios;

/// <summary>What a replay gave: either every step reproduced, or the first mismatch.</summary>
/// <param name="Scenario">The scenario replayed.</param>
/// <param name="StepsReproduced">How many steps matched the recording before the first mismatch (all, on success).</param>
/// <param name="Mismatch">The first step that differed, or null when every step matched.</param>
public sealed record ScenarioReplayResult(KernelScenario Scenario, int StepsReproduced, ScenarioMismatch? Mismatch)
{
    /// <summary>True when every step matched.</summary>
    public bool Succeeded => Mismatch is null;

    /// <inheritdoc />
    public override string ToString() => Mismatch?.Report()
        ?? $"Kernel scenario seed {Scenario.Seed}: all {StepsReproduced} steps reproduced";
}
