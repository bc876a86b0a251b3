namespace Overlay.Cli.Inspection;

/// <summary>
/// Runs a lookup through an overlay and collects its trace (the engine's <see cref="OverlayEventKind.LookupStep"/>,
/// <see cref="OverlayEventKind.LookupMerge"/> and <see cref="OverlayEventKind.LookupWhiteout"/> events):
/// everything the tool says about which layer answered comes from here.
/// </summary>
internal static class LookupTracer
{
    /// <summary>The walk of <paramref name="path"/> as lstat(2) makes it: a final symbolic link is not followed.</summary>
    public static IReadOnlyList<LookupStep> Lstat(OverlayFileSystem fs, string path) => Walks(fs, path)[0];

    /// <summary>The walk as stat(2) and open(2) make it: a final symbolic link is followed.</summary>
    public static IReadOnlyList<LookupStep> Stat(OverlayFileSystem fs, string path) => Walks(fs, path)[^1];

    /// <summary>The step of the final component of the lstat walk, or <see langword="null"/> when the walk stopped before it.</summary>
    public static LookupStep? Final(OverlayFileSystem fs, string path)
    {
        var steps = Lstat(fs, path);
        return steps.Count > 0 && steps[^1].Path == path ? steps[^1] : null;
    }

    // File.Exists asks the engine to lstat the path and, for a link, to stat it: one or two walks,
    // each starting with the root's step.
    private static List<List<LookupStep>> Walks(OverlayFileSystem fs, string path)
    {
        var events = new List<OverlayEvent>();
        void OnTrace(object? sender, OverlayEvent e) => events.Add(e);
        fs.LookupTrace += OnTrace;
        try
        {
            // File.Exists answers "/" without asking the engine; Directory.Exists asks it the same way.
            _ = path == "/" ? fs.Directory.Exists(path) : fs.File.Exists(path);
        }
        finally
        {
            fs.LookupTrace -= OnTrace;
        }

        var walks = new List<List<LookupStep>>();
        string? whiteout = null;
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case OverlayEventKind.LookupWhiteout:
                    whiteout = e.Layer;
                    break;
                case OverlayEventKind.LookupStep:
                    if (e.Path == "/" || walks.Count == 0)
                    {
                        walks.Add([]);
                    }

                    walks[^1].Add(new LookupStep(e.Path, e.Layer, [], whiteout));
                    whiteout = null;
                    break;
                case OverlayEventKind.LookupMerge:
                    var last = walks[^1][^1];
                    walks[^1][^1] = last with { Merged = [.. last.Merged, e.Layer!] };
                    break;
            }
        }

        if (walks.Count == 0)
        {
            walks.Add([]);
        }

        return walks;
    }
}
