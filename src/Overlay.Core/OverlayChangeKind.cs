namespace Overlay;

/// <summary>How a path of the merged view differs from the lowers, as <c>docker diff</c> says it.</summary>
public enum OverlayChangeKind
{
    /// <summary>The path is new: no lower has it (<c>A</c>).</summary>
    Added,

    /// <summary>The path exists in a lower and the upper changed it (<c>C</c>).</summary>
    Modified,

    /// <summary>The path exists in a lower and is deleted in the merged view (<c>D</c>).</summary>
    Deleted,
}
