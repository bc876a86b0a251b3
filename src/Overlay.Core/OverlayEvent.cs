namespace Overlay;

/// <summary>One step the union engine took, for tracing, teaching and watchers.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Path">The merged path it happened at.</param>
/// <param name="Layer">The layer involved: the one that answered a lookup or that a copy-up read from; <see langword="null"/> otherwise.</param>
/// <param name="OldPath">For a rename, the old path; otherwise <see langword="null"/>.</param>
public sealed record OverlayEvent(OverlayEventKind Kind, string Path, string? Layer = null, string? OldPath = null);
