namespace Overlay.Union;

/// <summary>The result of walking a path through the merged tree.</summary>
internal sealed class Resolution
{
    /// <summary>Why the walk stopped early, or <see cref="Errno.None"/>.</summary>
    public Errno Error { get; set; }

    /// <summary>The directories from the root down to the final component's parent.</summary>
    public List<MergedNode> Ancestors { get; } = new(8);

    /// <summary>The final component's name; empty for the root.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The final object, or <see langword="null"/> when the name is free.</summary>
    public MergedNode? Node { get; set; }

    /// <summary>The upper holds a whiteout at the final name (a create there must hide the lowers).</summary>
    public bool OverWhiteout { get; set; }

    /// <summary>The path ended with '/'.</summary>
    public bool TrailingSlash { get; set; }

    /// <summary>The final component's parent directory.</summary>
    public MergedNode Parent => Ancestors[^1];

    /// <summary>The final component's path in the merged tree.</summary>
    public string Path => Node?.Path ?? LowerIndex.Combine(Parent.Path, Name);

    /// <summary>A lower below the parent holds the final name, so removing it needs a whiteout.</summary>
    public bool LowerHasName => Name.Length > 0 && Parent.Lower is { } lower && lower.Children.ContainsKey(Name);
}
