using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// A test over the <see cref="StandardLowers"/> with an empty in-memory upper: it snapshots both
/// lowers when built and, when disposed (after every test), fails the test if a lower changed in
/// any way. Also collects the overlay's trace events.
/// </summary>
public abstract class OverlayScenario : IDisposable
{
    private readonly Lock _eventsGate = new();
    private readonly List<OverlayEvent> _events = [];
    private readonly LayerSnapshot _topBefore;
    private readonly LayerSnapshot _bottomBefore;
    private bool _disposed;

    /// <summary>Builds the standard lowers, an empty upper and the overlay.</summary>
    protected OverlayScenario()
    {
        (Top, Bottom) = StandardLowers.Build();
        _topBefore = LayerSnapshot.Capture(Top);
        _bottomBefore = LayerSnapshot.Capture(Bottom);
        Labels = StandardLowers.TimeLabels(StandardLowers.UpperTime);
        Clock = new ManualClock(StandardLowers.UpperTime);
        Upper = new MemoryLayer("upper", Clock);
        Overlay = Build(new OverlayOptions(), Upper);
    }

    /// <summary>The topmost lower.</summary>
    protected MemoryLayer Top { get; }

    /// <summary>The bottom lower.</summary>
    protected MemoryLayer Bottom { get; }

    /// <summary>The upper's and the overlay's clock; it starts at <see cref="StandardLowers.UpperTime"/> ("now").</summary>
    protected ManualClock Clock { get; }

    /// <summary>The upper layer of <see cref="Overlay"/>, or <see langword="null"/> for a read-only overlay.</summary>
    protected MemoryLayer? Upper { get; private set; }

    /// <summary>The overlay under test.</summary>
    protected OverlayFileSystem Overlay { get; private set; }

    /// <summary>Time labels for <see cref="TreeDump"/>.</summary>
    protected IReadOnlyDictionary<DateTime, string> Labels { get; }

    /// <summary>The trace events raised so far.</summary>
    protected IReadOnlyList<OverlayEvent> Events
    {
        get
        {
            lock (_eventsGate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Replaces the overlay with one over the same lowers, with other options and a new empty upper (none when <paramref name="readOnly"/>).</summary>
    /// <param name="options">The options; the clock is always <see cref="Clock"/>.</param>
    /// <param name="readOnly">Build the overlay without an upper.</param>
    protected void Rebuild(OverlayOptions options, bool readOnly = false)
    {
        Upper = readOnly ? null : new MemoryLayer("upper", Clock);
        Overlay = Build(options, Upper);
    }

    /// <summary>The upper layer in <see cref="TreeDump"/> form.</summary>
    /// <returns>Its lines.</returns>
    protected string[] UpperLines() => TreeDump.Layer(Upper ?? throw new InvalidOperationException("The overlay is read-only."), Labels);

    /// <summary>The merged view (or a part of it) in <see cref="TreeDump"/> form.</summary>
    /// <param name="root">Where to start.</param>
    /// <returns>Its lines.</returns>
    protected string[] MergedLines(string root = "/") => TreeDump.Merged(Overlay, Labels, root);

    /// <summary>The <see cref="TreeDump"/> line of one merged path, or <see langword="null"/>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The line.</returns>
    protected string? MergedLine(string path) => TreeDump.MergedLine(Overlay, path, Labels);

    /// <summary>The names a merged directory lists, in ordinal order.</summary>
    /// <param name="path">The directory.</param>
    /// <returns>The names.</returns>
    protected string[] Names(string path) =>
        [.. Overlay.Directory.EnumerateFileSystemEntries(path).Select(Overlay.Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>The upper's entry at a path, or <see langword="null"/>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The entry.</returns>
    protected LayerEntry? UpperEntry(string path) => Upper!.TryGetEntry(path, out var entry) ? entry : null;

    /// <summary>Fails the test when a lower changed since the scenario started.</summary>
    protected void AssertLowersUnchanged()
    {
        _topBefore.AssertUnchanged(Top);
        _bottomBefore.AssertUnchanged(Bottom);
    }

    /// <summary>Checks the lowers once more: every scenario ends with it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks the lowers once.</summary>
    /// <param name="disposing">Called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            AssertLowersUnchanged();
        }
    }

    private OverlayFileSystem Build(OverlayOptions options, MemoryLayer? upper)
    {
        var overlay = new OverlayFileSystem([Top, Bottom], upper, options with { Clock = Clock });
        overlay.Trace += (_, e) =>
        {
            lock (_eventsGate)
            {
                _events.Add(e);
            }
        };
        return overlay;
    }
}
