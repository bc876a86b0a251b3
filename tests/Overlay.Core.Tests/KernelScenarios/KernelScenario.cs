namespace Overlay.Tests.KernelScenarios;

/// <summary>One sequence of <c>kernel-scenarios.jsonl</c>.</summary>
/// <param name="Seed">Identifies the sequence.</param>
/// <param name="LowersTopFirst">The lower layers, topmost first (as in <c>lowerdir=</c>).</param>
/// <param name="Steps">The recorded steps, in order.</param>
public sealed record KernelScenario(
    int Seed,
    IReadOnlyList<IReadOnlyList<ScenarioEntry>> LowersTopFirst,
    IReadOnlyList<ScenarioStep> Steps)
{
    /// <inheritdoc />
    public override string ToString() => $"kernel scenario seed {Seed} ({LowersTopFirst.Count} lower(s), {Steps.Count} steps)";
}
