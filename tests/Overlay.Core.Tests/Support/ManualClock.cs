namespace Overlay.Tests.Support;

/// <summary>A clock that stands still until a test moves it, so the times an overlay stamps are known.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks;

    /// <summary>Starts the clock at <paramref name="startUtc"/>.</summary>
    public ManualClock(DateTime startUtc)
    {
        _ticks = startUtc.ToUniversalTime().Ticks;
    }

    /// <summary>The time the clock shows.</summary>
    public DateTime UtcNow => new(Interlocked.Read(ref _ticks), DateTimeKind.Utc);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(UtcNow);

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
