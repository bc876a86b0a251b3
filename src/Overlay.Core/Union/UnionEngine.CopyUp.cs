using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>Copy-up: bringing lower objects into the upper before they change.</content>
internal sealed partial class UnionEngine
{
    /// <summary>
    /// Copies the resolution's parent directories into the upper, topmost first, each with its
    /// lower's mode and times (a copy-up is not a change of the parent's content).
    /// </summary>
    private void CopyUpAncestors(Resolution resolution)
    {
        var ancestors = resolution.Ancestors;
        for (int i = 1; i < ancestors.Count; i++)
        {
            if (!ancestors[i].InUpper)
            {
                ancestors[i] = CopyUp(ancestors[i]);
            }
        }

        if (resolution.Node is { } node && node.Path == ancestors[^1].Path)
        {
            resolution.Node = ancestors[^1];
        }
    }

    /// <summary>
    /// Copies one object whose parent is already in the upper: it is built whole in the work area
    /// (data, mode, times, link target) and moved into the upper in one step.
    /// </summary>
    private MergedNode CopyUp(in MergedNode node, bool withData = true)
    {
        if (node.InUpper)
        {
            return node;
        }

        var upper = _upper!;
        var source = _lowers[node.Layer];
        var metadata = LayerMetadata.From(node.Entry);
        string token;
        switch (node.Entry.Kind)
        {
            case LayerEntryKind.Directory:
                token = upper.StageDirectory(metadata, opaque: false);
                break;
            case LayerEntryKind.SymbolicLink:
                token = upper.StageSymbolicLink(node.Entry.LinkTarget!, metadata);
                break;
            case LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice or LayerEntryKind.Fifo or LayerEntryKind.Socket:
                token = StageSpecialCopy(node, metadata);
                break;
            default:
                if (withData)
                {
                    using (var data = source.OpenRead(node.PathInLower))
                    {
                        token = upper.StageFile(data, metadata);
                    }
                }
                else
                {
                    // Copied up for O_TRUNC, which stamps the mtime: the empty copy carries the
                    // stamp already, so that if the open fails once it is published the view shows
                    // the truncated file as the open leaves it, never emptied under its old time.
                    token = upper.StageFile(null, metadata with { LastWriteTimeUtc = Clock.GetUtcNow().UtcDateTime });
                }

                break;
        }

        try
        {
            CopyUnixMetadataToStaged(node.Layer, node.PathInLower, token, metadata.Mode);
        }
        catch
        {
            upper.Discard(token);
            throw;
        }

        return Publish(node, token);
    }

    /// <summary>Moves a copy built in the work area to the object's place in the upper.</summary>
    private MergedNode Publish(in MergedNode node, string token)
    {
        var upper = _upper!;
        try
        {
            upper.Publish(token, node.Path, keepParentTimes: true);
        }
        catch
        {
            upper.Discard(token);
            throw;
        }

        Emit(OverlayEventKind.CopyUp, node.Path, _lowers[node.Layer].Name);
        _readers.Redirect(node.Path, upper);
        upper.TryGetEntry(node.Path, out var entry);
        return new MergedNode(node.Path, entry, MergedNode.Upper, node.Lower);
    }

    /// <summary>Lower files from this length on are copied into the work area outside the lock.</summary>
    private const long StagedCopyUpThreshold = 1 << 20;

    /// <summary>
    /// Whether a write's copy-up of this lower file is staged outside the lock: a large regular file,
    /// an upper that allows it (<see cref="IConcurrentStaging"/>), and no lookup trace handler (a
    /// traced open reports one lookup; the staged way looks the path up twice).
    /// </summary>
    private bool StagesOutsideTheLock(in MergedNode node) =>
        !node.InUpper
        && node.Entry.Kind == LayerEntryKind.File
        && node.Entry.Length >= StagedCopyUpThreshold
        && _upperCapabilities?.Staging is not null
        && !LookupsTraced;

    /// <summary>Publishes a copy staged outside the lock as the resolution's final object, parents first.</summary>
    private MergedNode PublishStaged(Resolution resolution, StagedCopyUp staged)
    {
        CopyUpAncestors(resolution);
        staged.Published = true;
        var node = Publish(resolution.Node!.Value, staged.Token!);
        resolution.Node = node;
        return node;
    }

    /// <summary>
    /// A lower file's copy built in the work area with no lock held: which object it copies (its
    /// merged path, layer and path there), and the work-area token once staged.
    /// </summary>
    private sealed class StagedCopyUp(string path, int layer, string pathInLower, LayerMetadata metadata)
    {
        public string Path { get; } = path;

        public int Layer { get; } = layer;

        public string PathInLower { get; } = pathInLower;

        public LayerMetadata Metadata { get; } = metadata;

        /// <summary>The staged copy; null until it is built.</summary>
        public string? Token { get; set; }

        /// <summary>Publish took the token (published, or discarded on failure): nothing is left to discard.</summary>
        public bool Published { get; set; }

        /// <summary>Whether the object found now is still the lower file that was copied (lowers never change, so its data is).</summary>
        public bool Matches(in MergedNode node) =>
            Token is not null && !node.InUpper && node.Path == Path && node.Layer == Layer && node.PathInLower == PathInLower;
    }

    /// <summary>Makes the final object of a resolution live in the upper, parents first.</summary>
    private MergedNode CopyUpNode(Resolution resolution, bool withData = true)
    {
        CopyUpAncestors(resolution);
        var node = CopyUp(resolution.Node!.Value, withData);
        resolution.Node = node;
        return node;
    }

    /// <summary>Writes a whiteout at the resolution's final name, replacing any upper object there.</summary>
    private void WriteWhiteout(string path)
    {
        var upper = _upper!;
        string token = upper.StageWhiteout();
        try
        {
            upper.Publish(token, path, keepParentTimes: false);
        }
        catch
        {
            upper.Discard(token);
            throw;
        }

        Emit(OverlayEventKind.Whiteout, path);
    }

    /// <summary>
    /// Copies a whole merged tree into the upper and makes its top opaque, so it no longer depends on
    /// any lower: afterwards it can move like a directory that was only ever in the upper.
    /// </summary>
    private MergedNode CopyUpTree(Resolution resolution)
    {
        var top = CopyUpNode(resolution);
        CopyUpChildren(top);
        _upper!.SetOpaque(top.Path, true);
        if (top.Entry.RedirectPath is not null)
        {
            // Opaque, it merges with nothing: a redirect would only point at what it no longer shows.
            _upperCapabilities!.Redirects?.SetRedirect(top.Path, null);
        }

        Emit(OverlayEventKind.OpaqueDirectory, top.Path);
        RemoveWhiteouts(top.Path);
        _upper.TryGetEntry(top.Path, out var entry);
        return new MergedNode(top.Path, entry, MergedNode.Upper, null);
    }

    private void CopyUpChildren(in MergedNode directory)
    {
        foreach (var child in List(directory))
        {
            var copied = CopyUp(child);
            if (copied.IsDirectory)
            {
                CopyUpChildren(copied);
            }
        }
    }

    private void RemoveWhiteouts(string directory)
    {
        foreach (var entry in _upper!.ListDirectory(directory))
        {
            string path = PosixPath.Combine(directory, entry.Name);
            if (entry.Kind == LayerEntryKind.Whiteout)
            {
                _upper.Delete(path);
            }
            else if (entry.IsDirectory)
            {
                RemoveWhiteouts(path);
            }
        }
    }
}
