using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// A test over the <see cref="StandardLowers"/> with an empty upper, on one
/// <see cref="LayerBackend"/> (in memory unless a subclass says otherwise): it snapshots both lowers
/// when built and, when disposed (after every test), fails the test if a lower changed in any way,
/// through the layer and, where the backend has storage of its own, in that storage directly. Also
/// collects the overlay's trace events.
/// </summary>
public abstract class OverlayScenario : IDisposable
{
    private readonly Lock _eventsGate = new();
    private readonly List<OverlayEvent> _events = [];
    private readonly LayerSnapshot _topBefore;
    private readonly LayerSnapshot _bottomBefore;
    private readonly IReadOnlyList<string>? _storageBefore;
    private bool _disposed;

    /// <summary>Builds the standard lowers in memory, an empty in-memory upper and the overlay.</summary>
    protected OverlayScenario()
        : this(LayerBackend.Memory)
    {
    }

    /// <summary>Builds the standard lowers on a backend, an empty upper there and the overlay.</summary>
    /// <param name="backend">Where the layers are stored.</param>
    protected OverlayScenario(LayerBackend backend)
    {
        Backend = backend;
        StartedUtc = DateTime.UtcNow;
        Store = LayerStore.Create(backend);
        try
        {
            (TopSource, BottomSource) = StandardLowers.Build();
            Top = Store.AddLower(TopSource);
            Bottom = Store.AddLower(BottomSource);

            // The storage first: reading it directly must not disturb what the layer snapshot sees.
            _storageBefore = Store.CaptureLowerStorage();
            _topBefore = LayerSnapshot.Capture(Top, Store.LowerAccessTimes);
            _bottomBefore = LayerSnapshot.Capture(Bottom, Store.LowerAccessTimes);
            Labels = Store.TimeLabels(StartedUtc);
            Clock = new ManualClock(StandardLowers.UpperTime);
            Upper = Store.CreateUpper(Clock);
            Overlay = Build(new OverlayOptions(), Upper);
        }
        catch
        {
            Store.Dispose();
            throw;
        }
    }

    /// <summary>Where the layers are stored.</summary>
    protected LayerBackend Backend { get; }

    /// <summary>The store of the layers (their folders, for a backend with storage).</summary>
    protected LayerStore Store { get; }

    /// <summary>When the scenario started, by the system clock.</summary>
    protected DateTime StartedUtc { get; }

    /// <summary>
    /// The topmost lower as built in memory. On the in-memory backend it is <see cref="Top"/>
    /// itself; on the others it is the template <see cref="Top"/> was written from, and changing it
    /// changes nothing the overlay sees.
    /// </summary>
    protected MemoryLayer TopSource { get; }

    /// <summary>The bottom lower as built in memory (see <see cref="TopSource"/>).</summary>
    protected MemoryLayer BottomSource { get; }

    /// <summary>The topmost lower, as the backend stores it.</summary>
    protected ILayer Top { get; }

    /// <summary>The bottom lower, as the backend stores it.</summary>
    protected ILayer Bottom { get; }

    /// <summary>The scenario's clock (the overlay's, and the in-memory upper's); it starts at <see cref="StandardLowers.UpperTime"/> ("now").</summary>
    protected ManualClock Clock { get; }

    /// <summary>The upper layer of <see cref="Overlay"/>, or <see langword="null"/> for a read-only overlay.</summary>
    protected IWritableLayer? Upper { get; private set; }

    /// <summary>The overlay under test.</summary>
    protected OverlayFileSystem Overlay { get; private set; }

    /// <summary>
    /// Time labels for <see cref="TreeDump"/>. On a backend whose upper the OS or the mock stamps,
    /// every time from the scenario's start on is "now" (see <see cref="TimeLabels"/>).
    /// </summary>
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
        Upper = readOnly ? null : Store.CreateUpper(Clock);
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

    /// <summary>The bytes of a file of the upper, read through the layer.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>Its bytes.</returns>
    protected byte[] UpperBytes(string path) => TreeDump.ReadAll(Upper!, path);

    /// <summary>
    /// The objects the upper's work area still holds: what the layer counts as staged, and (for an
    /// upper with a work directory) whatever is left in that directory's work area, by name.
    /// </summary>
    /// <returns>"staged: N" when the layer counts any, then the names left in the work area.</returns>
    protected IReadOnlyList<string> WorkAreaLeftovers()
    {
        int staged = LayerStore.StagedCount(Upper!);
        return [.. staged == 0 ? [] : new[] { $"staged: {staged}" }, .. Store.WorkAreaLeftovers()];
    }

    /// <summary>Fails the test when a lower changed since the scenario started.</summary>
    protected void AssertLowersUnchanged()
    {
        if (_storageBefore is not null)
        {
            // Below the layer: a stray '.wh.' file, a changed marker or any write the layer would not show.
            Store.CaptureLowerStorage().Should().Equal(_storageBefore, "the {0} storage of the lowers must never be written by the overlay", Backend);
        }

        _topBefore.AssertUnchanged(Top);
        _bottomBefore.AssertUnchanged(Bottom);
    }

    /// <summary>Checks the lowers once more: every scenario ends with it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks the lowers once, then deletes the layers' storage.</summary>
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
            try
            {
                AssertLowersUnchanged();
            }
            finally
            {
                Store.Dispose();
            }
        }
    }

    private OverlayFileSystem Build(OverlayOptions options, IWritableLayer? upper)
    {
        var overlay = new OverlayFileSystem([Top, Bottom], upper, options with { Clock = Clock });
        // Both traces, in the order the engine raises them: the scenarios look at lookups and writes.
        EventHandler<OverlayEvent> record = (_, e) =>
        {
            lock (_eventsGate)
            {
                _events.Add(e);
            }
        };
        overlay.Trace += record;
        overlay.LookupTrace += record;
        return overlay;
    }
}
