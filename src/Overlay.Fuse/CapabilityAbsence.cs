using System.Collections.Concurrent;

namespace Overlay.Fuse;

/// <summary>
/// Merged paths known to have no <c>security.capability</c> attribute. The kernel asks a FUSE file
/// system for that attribute before each truncate and each write(2) of a file (a write must drop
/// file capabilities), so a file written once asks it at least twice; the answer is nearly always
/// "none", and is remembered here for the attribute timeout, the time the kernel may trust the
/// other metadata it was given.
/// </summary>
/// <remarks>
/// A path is learned when the overlay answered "none" for it, or created it as a new file (a new
/// file has no capabilities). Every change that can put another object at a path known here
/// (unlink, rename, link, any create but a new file's) or give one a capability (setting that
/// attribute) forgets everything: those are rarer than writes, and a cleared set is always right.
/// A change made behind the mount's back is seen once the entry expires, or at once after
/// <see cref="OverlayMount.Invalidate"/>, which forgets everything too.
/// </remarks>
internal sealed class CapabilityAbsence
{
    /// <summary>The attribute the kernel asks for before a write or truncate.</summary>
    public const string AttributeName = "security.capability";

    private const int Limit = 1 << 16;

    private readonly ConcurrentDictionary<string, long> _until = new(StringComparer.Ordinal);
    private readonly long _lifetimeMilliseconds;
    private long _generation;

    public CapabilityAbsence(TimeSpan lifetime) => _lifetimeMilliseconds = (long)Math.Max(0, lifetime.TotalMilliseconds);

    /// <summary>The generation to pass to <see cref="Learn"/>: read it before asking the overlay.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Whether <paramref name="path"/> is known, still, to have no capability attribute.</summary>
    public bool IsKnown(string path) =>
        _lifetimeMilliseconds > 0 && _until.TryGetValue(path, out long until) && Environment.TickCount64 < until;

    /// <summary>
    /// Remembers that <paramref name="path"/> has no capability attribute, as found under
    /// <paramref name="generation"/>: nothing is remembered if something was forgotten since.
    /// </summary>
    public void Learn(string path, long generation)
    {
        if (_lifetimeMilliseconds == 0)
        {
            return;
        }

        if (_until.Count >= Limit)
        {
            _until.Clear();
        }

        _until[path] = Environment.TickCount64 + _lifetimeMilliseconds;
        if (Volatile.Read(ref _generation) != generation)
        {
            _until.TryRemove(path, out _);
        }
    }

    /// <summary>Forgets every path: an object may have moved, been replaced, or been given a capability.</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _until.Clear();
    }
}
