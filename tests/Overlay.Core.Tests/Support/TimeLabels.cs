using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Overlay.Tests.Support;

/// <summary>
/// Time labels for <see cref="TreeDump"/> whose lookup falls back to "now" for any time at or after
/// a scenario's start: an upper on disk is stamped by the storage's clock (the OS, the mock), not
/// by the scenario's <see cref="ManualClock"/>, so every new time is some "now". The exact labels
/// (the lowers' times) still win; a time before the start that has no label has none.
/// </summary>
public sealed class TimeLabels : IReadOnlyDictionary<DateTime, string>
{
    /// <summary>The label of every time from the start on.</summary>
    public const string Now = "now";

    /// <summary>
    /// How far before the recorded start a storage's time still counts as "now": file systems stamp
    /// with a coarse clock (the kernel's tick) that can lag the precise one the start is read from.
    /// </summary>
    public static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyDictionary<DateTime, string> _exact;

    private TimeLabels(IReadOnlyDictionary<DateTime, string> exact, DateTime nowFromUtc)
    {
        _exact = exact;
        NowFromUtc = nowFromUtc;
    }

    /// <summary>The first time labelled "now" (the scenario's start, less <see cref="ClockSlack"/>).</summary>
    public DateTime NowFromUtc { get; }

    /// <inheritdoc />
    public IEnumerable<DateTime> Keys => _exact.Keys;

    /// <inheritdoc />
    public IEnumerable<string> Values => _exact.Values;

    /// <inheritdoc />
    public int Count => _exact.Count;

    /// <inheritdoc />
    public string this[DateTime key] => TryGetValue(key, out var label) ? label : throw new KeyNotFoundException($"No label for {key:O}.");

    /// <summary>Labels that print "now" for every time from <paramref name="scenarioStartUtc"/> on.</summary>
    /// <param name="exact">The exact labels, kept as they are.</param>
    /// <param name="scenarioStartUtc">When the scenario started, by the system clock.</param>
    /// <returns>The labels.</returns>
    public static TimeLabels NowFrom(IReadOnlyDictionary<DateTime, string> exact, DateTime scenarioStartUtc)
    {
        ArgumentNullException.ThrowIfNull(exact);
        return new TimeLabels(exact, scenarioStartUtc.ToUniversalTime() - ClockSlack);
    }

    /// <inheritdoc />
    public bool ContainsKey(DateTime key) => TryGetValue(key, out _);

    /// <inheritdoc />
    public bool TryGetValue(DateTime key, [MaybeNullWhen(false)] out string value)
    {
        if (_exact.TryGetValue(key, out var exact))
        {
            value = exact;
            return true;
        }

        if (key.ToUniversalTime() >= NowFromUtc)
        {
            value = Now;
            return true;
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<DateTime, string>> GetEnumerator() => _exact.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
