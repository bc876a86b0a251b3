namespace Overlay.Cli.Inspection;

/// <summary>One component of a path walk, as the engine's trace reported it.</summary>
/// <param name="Path">The component's merged path.</param>
/// <param name="Layer">The layer whose entry it is, or <see langword="null"/> when no layer shows the name.</param>
/// <param name="Merged">For a directory: the layers whose copies merge beneath <paramref name="Layer"/>, topmost first.</param>
/// <param name="WhiteoutLayer">The layer whose whiteout hides the name, when one does.</param>
internal sealed record LookupStep(string Path, string? Layer, IReadOnlyList<string> Merged, string? WhiteoutLayer);
