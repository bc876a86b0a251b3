namespace Overlay.Tests.KernelScenarios;

/// <summary>One recorded step: the operation, its outcome and the trees after it.</summary>
/// <param name="Op">The operation applied.</param>
/// <param name="Outcome"><c>ok</c>, or the exception's type name and decimal HResult (<c>IOException 17</c>).</param>
/// <param name="Merged">The merged tree after the step, in <see cref="TreeLines"/> format, sorted ordinally.</param>
/// <param name="Upper">The upper layer after the step, in <see cref="TreeLines"/> format, sorted ordinally.</param>
public sealed record ScenarioStep(
    ScenarioOp Op,
    string Outcome,
    IReadOnlyList<string> Merged,
    IReadOnlyList<string> Upper);
