using System.Collections.Concurrent;
using Overlay.Paths;

namespace Overlay.Union;

/// <summary>
/// A directory's merged listing as the enumeration walks it: its entries (sorted ordinally) and
/// the namespace version they were computed under, so a child directory listed from it can be
/// reached through its node while nothing changed.
/// </summary>
/// <param name="Entries">The merged entries; shared, never to be changed.</param>
/// <param name="Version">The namespace version the entries belong to.</param>
internal readonly record struct DirectoryListing(MergedNode[] Entries, long Version);

/// <content>
/// The listing cache (the kernel's <c>ovl_dir_cache</c>): a merged directory's listing is kept with
/// the namespace version it was made under and used again while the version is unchanged (every
/// write takes the lock exclusively and moves the version on); a directory only the lowers hold
/// keeps its listing with its lower content, which never changes. A child directory is listed from
/// the node its parent's listing holds, not resolved again from the root, while the version the
/// parent was listed under is current.
/// </content>
/// <remarks>
/// The entries of a kept listing carry the metadata read when it was made: the enumeration uses
/// their names, kinds and modes, which change only through operations that move the version on
/// (a stream's writes change an upper file's length and times, never its kind or mode).
/// </remarks>
internal sealed partial class UnionEngine
{
    private const int ListingCacheLimit = 4096;

    private readonly ConcurrentDictionary<string, CachedListing> _listingCache = new(StringComparer.Ordinal);

    /// <summary>The merged listing of the directory at <paramref name="path"/> (links followed).</summary>
    public Errno ListDirectory(UnionPath path, out DirectoryListing listing)
    {
        listing = default;
        using var scope = Read();
        long version = Volatile.Read(ref _namespaceVersion);
        using var resolution = Resolve(path, followFinal: true);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is not { } directory)
        {
            return Errno.ENOENT;
        }

        return ListNode(directory, version, out listing);
    }

    /// <summary>
    /// The merged listing of a directory entry of <paramref name="parent"/>: from its node while the
    /// namespace is as it was when the parent was listed, else resolved again from
    /// <paramref name="path"/>, the path the walk reached it by.
    /// </summary>
    public Errno ListChild(in DirectoryListing parent, in MergedNode child, string path, out DirectoryListing listing)
    {
        using (Read())
        {
            long version = Volatile.Read(ref _namespaceVersion);
            if (version == parent.Version && !LookupsTraced)
            {
                return ListNode(child, version, out listing);
            }
        }

        return ListDirectory(path, out listing);
    }

    private Errno ListNode(in MergedNode directory, long version, out DirectoryListing listing)
    {
        listing = default;
        if (!directory.IsDirectory)
        {
            return Errno.ENOTDIR;
        }

        if (!directory.InUpper && directory.Lower is { } lower && lower.Path == directory.Path)
        {
            listing = new DirectoryListing(lower.MergedListing ??= Merge(directory), version);
            return Errno.None;
        }

        if (_listingCache.TryGetValue(directory.Path, out var known) && known.Version == version)
        {
            listing = new DirectoryListing(known.Entries, version);
            return Errno.None;
        }

        MergedNode[] entries = Merge(directory);
        if (_listingCache.Count >= ListingCacheLimit)
        {
            _listingCache.Clear();
        }

        _listingCache[directory.Path] = new CachedListing(version, entries);
        listing = new DirectoryListing(entries, version);
        return Errno.None;
    }

    private readonly record struct CachedListing(long Version, MergedNode[] Entries);
}
