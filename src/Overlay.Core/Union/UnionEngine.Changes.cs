using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>What the upper changed, and starting over.</content>
internal sealed partial class UnionEngine
{
    /// <summary>
    /// The merged view's differences from the lowers, sorted by path: every upper object is added
    /// (no lower had the name), modified (a lower had it) or a deletion (a whiteout of a lower name, or
    /// a lower name hidden by an opaque directory). A directory that was only copied up because
    /// something inside it changed is listed as modified, as <c>docker diff</c> lists it.
    /// </summary>
    /// <param name="cancellationToken">Checked at each directory of the upper.</param>
    public List<OverlayChange> Changes(CancellationToken cancellationToken = default)
    {
        var changes = new List<OverlayChange>();
        if (_upper is null)
        {
            return changes;
        }

        using (Read())
        {
            CollectChanges("/", _index.Root, changes, cancellationToken);
        }

        changes.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    private void CollectChanges(string directory, LowerDirectory? lower, List<OverlayChange> changes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var entry in _upper!.ListDirectory(directory))
        {
            string path = PosixPath.Combine(directory, entry.Name);
            bool inLower = lower is not null && lower.Children.ContainsKey(entry.Name);
            if (entry.Kind == LayerEntryKind.Whiteout)
            {
                if (inLower)
                {
                    changes.Add(new OverlayChange(OverlayChangeKind.Deleted, path));
                }

                continue;
            }

            changes.Add(new OverlayChange(inLower ? OverlayChangeKind.Modified : OverlayChangeKind.Added, path));
            if (!entry.IsDirectory)
            {
                continue;
            }

            var childLower = inLower ? _index.Child(lower!, entry.Name) : null;
            if (entry.RedirectPath is not null && !entry.IsOpaque)
            {
                // A renamed directory merges with the lower directory it came from, not with what
                // the lowers hold at its path: compare its merged content with the latter.
                CompareTree(new MergedNode(path, entry, MergedNode.Upper, LowerOf(lower, entry)), childLower, changes);
                continue;
            }

            if (entry.IsOpaque && childLower is not null)
            {
                // The opaque directory hides every lower name that the upper does not hold again.
                foreach (var name in childLower.Children.Keys)
                {
                    if (!_upper.TryGetEntry(PosixPath.Combine(path, name), out var held) || held.Kind == LayerEntryKind.Whiteout)
                    {
                        changes.Add(new OverlayChange(OverlayChangeKind.Deleted, PosixPath.Combine(path, name)));
                    }
                }

                childLower = null;
            }

            CollectChanges(path, childLower, changes, cancellationToken);
        }
    }

    /// <summary>
    /// The differences of a merged directory that reads lower content from elsewhere (a redirect)
    /// from what the lowers hold at its path: names only the merged view has are added (with all
    /// they hold), names both have are modified unless it is the very same lower object, names only
    /// the lowers have are deleted.
    /// </summary>
    /// <param name="directory">The merged directory.</param>
    /// <param name="image">The lowers' directory at the same path, or <see langword="null"/>.</param>
    /// <param name="changes">Where the differences go.</param>
    private void CompareTree(in MergedNode directory, LowerDirectory? image, List<OverlayChange> changes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in List(directory))
        {
            string name = child.Entry.Name;
            seen.Add(name);
            bool inImage = image is not null && image.Children.ContainsKey(name);
            if (inImage && !child.InUpper && child.PathInLower == PosixPath.Combine(image!.Path, name))
            {
                continue;
            }

            changes.Add(new OverlayChange(inImage ? OverlayChangeKind.Modified : OverlayChangeKind.Added, child.Path));
            if (child.IsDirectory)
            {
                CompareTree(child, inImage ? _index.Child(image!, name) : null, changes);
            }
        }

        if (image is not null)
        {
            foreach (var name in image.Children.Keys)
            {
                if (!seen.Contains(name))
                {
                    changes.Add(new OverlayChange(OverlayChangeKind.Deleted, PosixPath.Combine(directory.Path, name)));
                }
            }
        }
    }

    /// <summary>Empties the upper: the merged view is the lowers' again.</summary>
    public void ResetUpper()
    {
        if (_upper is null)
        {
            throw new InvalidOperationException("The overlay has no upper layer to reset.");
        }

        using (Write())
        {
            // A file the upper held (new, or copied up with every stream open on it) goes with it:
            // its locks stay with it, out of reach. A lower file read in place is still the object
            // the merged view shows, and keeps its locks.
            var gone = _shares.LockedPaths().FindAll(path => _upper.TryGetEntry(path, out _));
            foreach (var entry in _upper.ListDirectory("/"))
            {
                _upper.Delete(PosixPath.Combine("/", entry.Name));
            }

            _upper.SetOpaque("/", false);
            foreach (string path in gone)
            {
                _shares.Unlink(path);
            }
        }
    }
}
