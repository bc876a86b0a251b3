namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Builds a fresh target for one scenario: lower layers from
/// <see cref="KernelScenario.LowersTopFirst"/> (topmost first; a file is mode 0644 with mtime
/// 2000-01-01T00:00:00Z, a directory 0755, parents not listed are plain 0755 directories), an empty
/// upper layer. The replayer disposes the target.
/// </summary>
public delegate IScenarioTarget ScenarioTargetFactory(KernelScenario scenario);
