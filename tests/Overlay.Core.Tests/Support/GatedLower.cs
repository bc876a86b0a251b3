using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// A lower whose one file blocks its first reader after the first read, until released: how a test
/// holds a copy-up in the middle of its data. The waits only detect a hang (30 s); nothing is timed.
/// </summary>
/// <param name="inner">The layer read.</param>
/// <param name="gatedPath">The file whose first reader is held.</param>
public sealed class GatedLower(MemoryLayer inner, string gatedPath) : ILayer
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    /// <summary>The layer read.</summary>
    public MemoryLayer Inner { get; } = inner;

    /// <summary>Set when the reader of the gated file is held.</summary>
    public ManualResetEventSlim Entered { get; } = new();

    /// <summary>Set by the test to let the held reader go on.</summary>
    public ManualResetEventSlim Release { get; } = new();

    /// <inheritdoc />
    public string Name => Inner.Name;

    /// <inheritdoc />
    public bool TryGetEntry(string path, out LayerEntry entry) => Inner.TryGetEntry(path, out entry);

    /// <inheritdoc />
    public IReadOnlyList<LayerEntry> ListDirectory(string path) => Inner.ListDirectory(path);

    /// <inheritdoc />
    public Stream OpenRead(string path)
    {
        var stream = Inner.OpenRead(path);
        return path == gatedPath && !Entered.IsSet ? new HookedReadStream(stream, HoldAfterTheFirstRead) : stream;
    }

    // The first read goes through; the next waits until the test releases it.
    private int HoldAfterTheFirstRead(long read, int count)
    {
        if (read > 0 && !Release.IsSet)
        {
            Entered.Set();
            Release.Wait(Hang);
        }

        return Math.Min(count, 64 * 1024);
    }
}
