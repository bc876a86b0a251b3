using System.Collections.Concurrent;

namespace Overlay.Union;

/// <content>
/// The lookup cache: what a path resolved to, kept until the merged namespace next changes, so a
/// repeated stat or read-only open of the same path costs one dictionary probe and allocates
/// nothing, however many layers there are.
/// </content>
/// <remarks>
/// <para>Every operation that can change the namespace (one that takes the lock exclusively, and
/// <see cref="InvalidateIndex"/>) moves <see cref="_namespaceVersion"/> on while it holds the lock;
/// an answer is stored with the version it was computed under (under the shared lock, so no writer
/// ran meanwhile) and is used only while the version is unchanged. An answer in the upper is never
/// kept: its metadata (length, times) changes through streams, outside the lock. Answers in a lower
/// and "no such name" answers change only with the namespace.</para>
/// <para>Bypassed while a lookup trace handler is attached, so every lookup still raises its
/// events; the trace of the engine's other steps and the watchers' change feed leave it on.</para>
/// </remarks>
internal sealed partial class UnionEngine
{
    private const int LookupCacheLimit = 1 << 16;

    private readonly ConcurrentDictionary<string, CachedLookup> _followCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedLookup> _noFollowCache = new(StringComparer.Ordinal);
    private long _namespaceVersion;

    /// <summary>
    /// Resolves a path to its final object, from the cache when it holds a current answer. Call it
    /// under the shared lock only: under the exclusive lock the operation itself may be about to
    /// change the answer.
    /// </summary>
    /// <returns>The resolution's error, or <see cref="Errno.ENOENT"/> when the name is free.</returns>
    private Errno LookupShared(string path, bool followLinks, out MergedNode node)
    {
        var cache = followLinks ? _followCache : _noFollowCache;
        long version = Volatile.Read(ref _namespaceVersion);
        bool traced = LookupsTraced;
        if (!traced && cache.TryGetValue(path, out var known) && known.Version == version)
        {
            node = known.Node;
            return known.Error;
        }

        using var resolution = Resolve(path, followLinks);
        EmitLookup(resolution);
        node = resolution.Node ?? default;
        var error = resolution.Error != Errno.None ? resolution.Error
            : resolution.Node is null ? Errno.ENOENT
            : Errno.None;
        if (!traced && (error != Errno.None || !node.InUpper))
        {
            if (cache.Count >= LookupCacheLimit)
            {
                cache.Clear();
            }

            cache[path] = new CachedLookup(version, error, node);
        }

        return error;
    }

    /// <summary>Marks the namespace changed: called with the lock held exclusively.</summary>
    private void NamespaceChanging() => Volatile.Write(ref _namespaceVersion, _namespaceVersion + 1);

    private readonly record struct CachedLookup(long Version, Errno Error, MergedNode Node);
}
