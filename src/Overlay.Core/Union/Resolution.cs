using Overlay.Paths;

namespace Overlay.Union;

/// <summary>
/// The result of walking a path through the merged tree. Disposing it hands it back for the
/// thread's next walk (one is kept per thread), so a lookup reuses its ancestor list instead of
/// allocating one: dispose it only when nothing reads it any more (a <c>using</c> declaration at
/// the walk); one that is never disposed is simply collected. Two are kept per thread, for the
/// calls that hold two walks at once (rename, link).
/// </summary>
internal sealed class Resolution : IDisposable
{
    /// <summary>Ancestor lists longer than this are not kept for reuse.</summary>
    private const int KeptCapacity = 64;

    [ThreadStatic]
    private static Resolution? t_spare;

    [ThreadStatic]
    private static Resolution? t_secondSpare;

    private Resolution(int depth)
    {
        Ancestors = new List<MergedNode>(Math.Max(depth, 4));
    }

    /// <summary>A cleared resolution: the thread's spare one when it has it, else a new one.</summary>
    /// <param name="depth">How many directories the walk is expected to pass (the path's separators).</param>
    public static Resolution Rent(int depth)
    {
        var spare = t_spare;
        if (spare is not null)
        {
            t_spare = null;
            return spare;
        }

        spare = t_secondSpare;
        if (spare is not null)
        {
            t_secondSpare = null;
            return spare;
        }

        return new Resolution(depth);
    }

    /// <summary>Clears the resolution and keeps it as one of the thread's two spares.</summary>
    public void Dispose()
    {
        if (Ancestors.Capacity > KeptCapacity)
        {
            return;
        }

        Ancestors.Clear();
        Error = Errno.None;
        Name = string.Empty;
        Node = null;
        FreePath = null;
        OverWhiteout = false;
        TrailingSlash = false;
        if (ReferenceEquals(t_spare, this) || ReferenceEquals(t_secondSpare, this))
        {
            // Disposed twice: kept once.
            return;
        }

        if (t_spare is null)
        {
            t_spare = this;
        }
        else
        {
            t_secondSpare = this;
        }
    }

    /// <summary>Why the walk stopped early, or <see cref="Errno.None"/>.</summary>
    public Errno Error { get; set; }

    /// <summary>The directories from the root down to the final component's parent.</summary>
    public List<MergedNode> Ancestors { get; }

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
    public string Path => Node?.Path ?? (FreePath ??= PosixPath.Combine(Parent.Path, Name));

    /// <summary>The merged path of a free final name, once known (the walk sets it when it has it at hand).</summary>
    public string? FreePath { get; set; }

    /// <summary>A lower below the parent holds the final name, so removing it needs a whiteout.</summary>
    public bool LowerHasName => Name.Length > 0 && Parent.Lower is { } lower && lower.Children.ContainsKey(Name);
}
