using System.Collections.Concurrent;
using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <summary>
/// The index of the lower layers: each merged directory's lower content, built on first use from
/// one listing per contributing layer and kept. A lookup then costs one dictionary probe per path
/// component, however many lowers there are.
/// </summary>
/// <remarks>
/// Thread safety: entries are immutable once built; two threads may build the same directory at
/// once and one result wins, which is harmless since both are equal.
/// </remarks>
internal sealed class LowerIndex
{
    private readonly ILayer[] _lowers;
    private readonly ILowerKindListing?[] _kindListings;
    private ConcurrentDictionary<string, LowerDirectory?> _directories = new(StringComparer.Ordinal);

    public LowerIndex(ILayer[] lowersTopFirst)
    {
        _lowers = lowersTopFirst;
        _kindListings = [.. lowersTopFirst.Select(l => l.GetCapability<ILowerKindListing>())];
    }

    /// <summary>
    /// A child's whole entry: as listed, or, when its layer listed only its kind, read from the
    /// layer now (once).
    /// </summary>
    /// <param name="child">The child.</param>
    /// <param name="path">The child's path in the lowers (its directory's path, '/', its name).</param>
    public LayerEntry EntryOf(in LowerChild child, string path) =>
        child.Pending is { } pending ? pending.Get(_kindListings[child.Layer]!, _lowers[child.Layer].Name, path) : child.Entry;

    /// <summary>Forgets everything; the next lookups list the lowers again.</summary>
    public void Clear() => _directories = new ConcurrentDictionary<string, LowerDirectory?>(StringComparer.Ordinal);

    /// <summary>The lowers' merged content of the root directory.</summary>
    public LowerDirectory? Root => Get("/", null);

    /// <summary>The lowers' merged content of a child directory, given its parent's.</summary>
    /// <param name="parent">The parent's lower content.</param>
    /// <param name="name">The child's name.</param>
    /// <returns>The child's lower content, or <see langword="null"/> when no lower has it as a directory.</returns>
    /// <param name="path">The child's path in the lowers (the parent's path, '/', the name) when the caller has it already.</param>
    public LowerDirectory? Child(LowerDirectory parent, string name, string? path = null)
    {
        if (!parent.Children.TryGetValue(name, out var child) || child.DirectoryLayers is null)
        {
            return null;
        }

        return Get(path ?? PosixPath.Combine(parent.Path, name), child.DirectoryLayers);
    }

    /// <summary>
    /// The lowers' merged content at an absolute path, walked from the root (where an absolute
    /// redirect points).
    /// </summary>
    /// <param name="path">The absolute path inside the lowers.</param>
    /// <returns>The directory's lower content, or <see langword="null"/> when no lower has it as a directory.</returns>
    public LowerDirectory? At(string path)
    {
        var directory = Root;
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (directory is null || name is "." or "..")
            {
                return null;
            }

            directory = Child(directory, name);
        }

        return directory;
    }

    private LowerDirectory? Get(string path, int[]? layers)
    {
        var directories = _directories;
        if (directories.TryGetValue(path, out var known))
        {
            return known;
        }

        var built = Build(path, layers ?? RootLayers());
        return directories.GetOrAdd(path, built);
    }

    private int[] RootLayers()
    {
        var layers = new List<int>(_lowers.Length);
        for (int i = 0; i < _lowers.Length; i++)
        {
            layers.Add(i);
            if (_lowers[i].TryGetEntry("/", out var root) && root.IsOpaque)
            {
                break;
            }
        }

        return [.. layers];
    }

    private LowerDirectory Build(string path, int[] layers)
    {
        var children = new Dictionary<string, LowerChild>(StringComparer.Ordinal);

        // Names decided by a higher layer: a whiteout hides the name below it; a directory keeps
        // merging with the directories below it until one is opaque or a non-directory interrupts.
        var hidden = new Dictionary<string, int>(StringComparer.Ordinal);
        var openChains = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);

        // A kind listing leaves a directory's opaque mark to the directory's own listing: a chain
        // of directories found in the parent ends here, at the first layer whose listing says so.
        int used = layers.Length;
        for (int i = 0; i < layers.Length; i++)
        {
            int layer = layers[i];
            bool opaqueHere = false;
            var listed = _kindListings[layer] is { } kinds ? kinds.ListKinds(path, out opaqueHere) : null;
            if (listed is null)
            {
                opaqueHere = false;
                listed = [.. _lowers[layer].ListDirectory(path).Select(static e => new ListedEntry(e, Complete: true))];
            }

            foreach (var (entry, complete) in listed)
            {
                string name = entry.Name;
                if (hidden.ContainsKey(name) || closed.Contains(name))
                {
                    continue;
                }

                if (openChains.TryGetValue(name, out var chain))
                {
                    if (entry.Kind == LayerEntryKind.Directory)
                    {
                        chain.Add(layer);
                        if (entry.IsOpaque)
                        {
                            closed.Add(name);
                        }
                    }
                    else
                    {
                        closed.Add(name);
                    }

                    continue;
                }

                if (children.ContainsKey(name))
                {
                    continue;
                }

                switch (entry.Kind)
                {
                    case LayerEntryKind.Whiteout:
                        hidden.Add(name, layer);
                        break;
                    case LayerEntryKind.Directory:
                        var newChain = new List<int> { layer };
                        openChains[name] = newChain;
                        if (entry.IsOpaque)
                        {
                            closed.Add(name);
                        }

                        children[name] = new LowerChild(layer, entry, null, complete ? null : new PendingEntry());
                        break;
                    default:
                        children[name] = new LowerChild(layer, entry, null, complete ? null : new PendingEntry());
                        break;
                }
            }

            if (opaqueHere && i + 1 < layers.Length)
            {
                used = i + 1;
                break;
            }
        }

        if (used < layers.Length)
        {
            layers = layers[..used];
        }

        foreach (var (name, chain) in openChains)
        {
            children[name] = children[name] with { DirectoryLayers = [.. chain] };
        }

        return new LowerDirectory(path, layers, children, hidden);
    }
}
