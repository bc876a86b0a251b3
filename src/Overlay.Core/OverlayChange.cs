namespace Overlay;

/// <summary>One path of the merged view that differs from the lowers.</summary>
/// <param name="Kind">Added, modified or deleted.</param>
/// <param name="Path">The merged path.</param>
public sealed record OverlayChange(OverlayChangeKind Kind, string Path)
{
    /// <summary>The change as <c>docker diff</c> prints it, e.g. <c>C /etc</c>.</summary>
    /// <returns>The letter and the path.</returns>
    public override string ToString() => $"{Kind switch { OverlayChangeKind.Added => 'A', OverlayChangeKind.Modified => 'C', _ => 'D' }} {Path}";
}
