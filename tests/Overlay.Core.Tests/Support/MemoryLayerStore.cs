using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// The in-memory backend: a lower is the <see cref="MemoryLayer"/> it was built as, the upper a new
/// <see cref="MemoryLayer"/> on the scenario's clock. Nothing to store, nothing to delete.
/// </summary>
public sealed class MemoryLayerStore : LayerStore
{
    /// <inheritdoc />
    public override LayerBackend Backend => LayerBackend.Memory;

    /// <inheritdoc />
    public override bool UpperUsesScenarioClock => true;

    /// <inheritdoc />
    public override AccessTimeCheck LowerAccessTimes => AccessTimeCheck.All;

    /// <inheritdoc />
    public override ILayer AddLower(MemoryLayer source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source;
    }

    /// <inheritdoc />
    public override IWritableLayer CreateUpper(TimeProvider clock) => new MemoryLayer("upper", clock);
}
