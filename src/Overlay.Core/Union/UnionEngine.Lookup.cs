using System.Text;
using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>Lookup (the kernel's <c>namei.c</c>): a path walked one component at a time through the upper and the lower index, symbolic links followed inside the merged view, and the lookup trace of each step.</content>
internal sealed partial class UnionEngine
{
    /// <param name="throughOnly">
    /// The walk goes through the root to a name in it: an upper that knows its root may answer
    /// without reading its mode and times again (see <see cref="IUpperEntryCache"/>).
    /// </param>
    private MergedNode RootNode(bool throughOnly = false)
    {
        if (_upper is not null)
        {
            LayerEntry upperRoot;
            if (!throughOnly || _upperCapabilities!.EntryCache?.TryGetKnownDirectory("/", out upperRoot) != true)
            {
                _upper.TryGetEntry("/", out upperRoot);
            }

            return new MergedNode("/", upperRoot with { Name = "/" }, MergedNode.Upper, upperRoot.IsOpaque ? null : _index.Root);
        }

        _lowers[0].TryGetEntry("/", out var lowerRoot);
        return new MergedNode("/", lowerRoot with { Name = "/", Kind = LayerEntryKind.Directory }, 0, _index.Root);
    }

    /// <summary>Looks one name up in a merged directory: upper first, then the lower index.</summary>
    /// <param name="directory">The merged directory.</param>
    /// <param name="name">The name to look up.</param>
    /// <param name="childPath">The child's merged path when the caller has it already (the directory's path, '/', the name), else null.</param>
    /// <param name="whiteout">The upper holds a whiteout at the name.</param>
    /// <param name="throughOnly">
    /// The walk goes on below the name: a directory the upper knows (see
    /// <see cref="IUpperEntryCache"/>) is taken as known, without reading its mode and times again.
    /// </param>
    /// <param name="kindOnly">
    /// The caller needs only the kind of an object the name holds in the upper: a file the upper
    /// knows it made (see <see cref="IUpperEntryCache.IsKnownFile"/>) is taken without reading its
    /// mode, length and times.
    /// </param>
    private MergedNode? Child(in MergedNode directory, ReadOnlySpan<char> name, string? childPath, out bool whiteout, bool throughOnly = false, bool kindOnly = false)
    {
        whiteout = false;
        string? path = childPath;
        if (directory.InUpper)
        {
            path ??= PosixPath.Combine(directory.Path, name);
            LayerEntry upperEntry = default;
            bool known = throughOnly && _upperCapabilities!.EntryCache?.TryGetKnownDirectory(path, out upperEntry) == true;
            if (!known && kindOnly && _upperCapabilities!.EntryCache?.IsKnownFile(path) == true)
            {
                upperEntry = new LayerEntry { Name = name.ToString(), Kind = LayerEntryKind.File };
                known = true;
            }

            if (known || _upper!.TryGetEntry(path, out upperEntry))
            {
                switch (upperEntry.Kind)
                {
                    case LayerEntryKind.Whiteout:
                        whiteout = true;
                        return null;
                    case LayerEntryKind.Directory:
                        return new MergedNode(path, upperEntry, MergedNode.Upper, LowerOf(directory.Lower, upperEntry));
                    default:
                        return new MergedNode(path, upperEntry, MergedNode.Upper, null);
                }
            }
        }

        if (directory.Lower is { } lowerDirectory
            && lowerDirectory.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out string? key, out var child))
        {
            path ??= PosixPath.Combine(directory.Path, key);

            // Where the lowers hold it: under the merged path unless the directory is redirected.
            string lowerPath = lowerDirectory.Path == directory.Path
                ? path
                : PosixPath.Combine(lowerDirectory.Path, key);
            var lower = child.DirectoryLayers is null ? null : _index.Child(lowerDirectory, key, lowerPath);
            return new MergedNode(path, _index.EntryOf(child, lowerPath), child.Layer, lower, lowerPath);
        }

        return null;
    }

    /// <summary>
    /// The lower content merging into an upper directory: none when it is opaque; where its redirect
    /// points when it has one (a name: that name in the parent's lower content; an absolute path:
    /// that path from the lowers' root), as the kernel follows <c>overlay.redirect</c>; else the
    /// parent's lower directory of the same name.
    /// </summary>
    /// <param name="parentLower">The parent's lower content.</param>
    /// <param name="upperEntry">The upper directory's entry.</param>
    private LowerDirectory? LowerOf(LowerDirectory? parentLower, in LayerEntry upperEntry)
    {
        if (upperEntry.IsOpaque)
        {
            return null;
        }

        string? redirect = upperEntry.RedirectPath;
        if (redirect is null)
        {
            return parentLower is null ? null : _index.Child(parentLower, upperEntry.Name);
        }

        if (redirect.StartsWith('/'))
        {
            return _index.At(redirect);
        }

        // A relative redirect is one name; anything else is not a redirect the kernel follows.
        return parentLower is null || redirect.Length == 0 || redirect.Contains('/') || redirect is "." or ".."
            ? null
            : _index.Child(parentLower, redirect);
    }

    /// <summary>
    /// Walks a path component by component. Symbolic links are resolved inside the merged view:
    /// an absolute target starts again at the overlay's root, ".." never climbs above the root, and
    /// more than <see cref="MaxSymbolicLinkHops"/> links give ELOOP.
    /// </summary>
    /// <remarks>
    /// The components are read from <paramref name="path"/> in place while the walk follows its text
    /// (no link followed, no "." or ".." met): each directory's merged path is then a prefix of
    /// <paramref name="path"/>, so a child's path is cut from it rather than joined, and the final
    /// object of a normalised path gets <paramref name="path"/> itself. After a link the remaining
    /// components go on a stack, as the link's target is walked first.
    /// </remarks>
    /// <param name="path">A normalised absolute path; a trailing '/' means the final object must be a directory.</param>
    /// <param name="followFinal">Follow a symbolic link in the final component.</param>
    /// <param name="finalKindOnly">
    /// The caller needs only the final object's kind, not its mode, length or times (a delete): an
    /// upper file known to the upper is not read again. Not while lookups are traced (each step's
    /// event carries the whole entry).
    /// </param>
    private Resolution Resolve(string path, bool followFinal, bool finalKindOnly = false)
    {
        var result = Resolution.Rent(path.AsSpan().Count('/'));
        result.TrailingSlash = path.Length > 1 && path[^1] == '/';
        if (path.Length >= MaxNameBytes && Encoding.UTF8.GetByteCount(path) >= MaxPathBytes)
        {
            // PATH_MAX: the kernel refuses the path before it looks at any name.
            result.Error = Errno.ENAMETOOLONG;
            return result;
        }

        // Components still to walk: path[position..] first, then the stack (filled when a link is
        // followed: its target's components on top of what was left of the path).
        int position = 0;
        Stack<string>? pending = null;

        // While the walk follows the text, the current directory's merged path is path[..textEnd]
        // ("/" when textEnd is 0).
        bool textual = true;
        int textEnd = 0;

        // The root's own mode and times are read only when it is the final object (below).
        var root = RootNode(throughOnly: true);
        result.Ancestors.Add(root);
        int hops = 0;
        if (LookupsTraced)
        {
            EmitFound(root);
        }

        while (true)
        {
            ReadOnlySpan<char> part;
            string? partString = null;
            int partEnd = -1;
            if (NextComponent(path, ref position, out int start, out int end))
            {
                part = path.AsSpan(start, end - start);
                partEnd = end;
                if (textual && start != textEnd + 1)
                {
                    textual = false;
                }
            }
            else if (pending is { Count: > 0 })
            {
                partString = pending.Pop();
                part = partString;
                textual = false;
            }
            else
            {
                break;
            }

            // The kernel refuses a component longer than NAME_MAX bytes before it looks it up.
            if (part.Length > MaxNameBytes / 3 && Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
            {
                result.Error = Errno.ENAMETOOLONG;
                return result;
            }

            if (part is ".")
            {
                textual = false;
                continue;
            }

            if (part is "..")
            {
                textual = false;
                if (result.Ancestors.Count > 1)
                {
                    result.Ancestors.RemoveAt(result.Ancestors.Count - 1);
                }

                continue;
            }

            bool isLast = !HasComponent(path, position) && pending is not { Count: > 0 };
            string? childPath = null;
            if (textual)
            {
                childPath = partEnd == path.Length ? path : path[..partEnd];
            }

            var directory = result.Ancestors[^1];
            var child = Child(directory, part, childPath, out bool whiteout, throughOnly: !isLast, kindOnly: isLast && finalKindOnly && !LookupsTraced);
            if (LookupsTraced)
            {
                EmitStep(directory, partString ??= part.ToString(), child, whiteout);
            }

            if (child is not { } node)
            {
                if (!isLast)
                {
                    result.Error = Errno.ENOENT;
                    return result;
                }

                result.Name = partString ?? part.ToString();
                result.FreePath = childPath;
                result.OverWhiteout = whiteout;
                return result;
            }

            if (node.IsSymbolicLink && (!isLast || followFinal || result.TrailingSlash))
            {
                if (++hops > MaxSymbolicLinkHops)
                {
                    result.Error = Errno.ELOOP;
                    return result;
                }

                string target = node.Entry.LinkTarget!;
                if (target.StartsWith('/'))
                {
                    result.Ancestors.RemoveRange(1, result.Ancestors.Count - 1);
                }

                // What is left of the path goes under the target's components.
                pending ??= new Stack<string>();
                PushComponents(pending, path.AsSpan(position));
                position = path.Length;
                PushComponents(pending, target);
                textual = false;
                continue;
            }

            if (isLast)
            {
                result.Name = partString ?? NameOf(node);
                result.Node = node;
                return Finish(result);
            }

            if (!node.IsDirectory)
            {
                result.Error = Errno.ENOTDIR;
                return result;
            }

            result.Ancestors.Add(node);
            if (textual)
            {
                textEnd = partEnd;
            }
        }

        // The walk ended inside a directory ("/", "..", "." or a link to a directory): that
        // directory is the final object.
        // A node met on the way was found as a directory to walk through: read again as itself.
        if (result.Ancestors.Count == 1)
        {
            result.Name = string.Empty;
            result.Node = RootNode();
        }
        else
        {
            result.Node = Reread(result.Ancestors[^1]);
            result.Name = NameOf(result.Ancestors[^1]);
            result.Ancestors.RemoveAt(result.Ancestors.Count - 1);
        }

        return Finish(result);

        static Resolution Finish(Resolution result)
        {
            if (result.TrailingSlash && result.Node is { IsDirectory: false })
            {
                result.Error = Errno.ENOTDIR;
            }

            return result;
        }

        // The name a node was reached by: the last component of its merged path.
        static string NameOf(in MergedNode node) => node.Path[(node.Path.LastIndexOf('/') + 1)..];
    }

    /// <summary>An upper directory met on a walk, with its entry as the upper holds it now.</summary>
    private MergedNode Reread(in MergedNode node)
    {
        if (!node.InUpper || _upperCapabilities!.EntryCache is null)
        {
            return node;
        }

        return _upper!.TryGetEntry(node.Path, out var entry) && entry.Kind == node.Entry.Kind
            ? node with { Entry = entry }
            : node;
    }

    /// <summary>The next non-empty component of a path from a position, as a range; moves the position past it.</summary>
    private static bool NextComponent(string path, ref int position, out int start, out int end)
    {
        int i = position;
        while (i < path.Length && path[i] == '/')
        {
            i++;
        }

        if (i == path.Length)
        {
            position = i;
            start = end = i;
            return false;
        }

        int slash = path.IndexOf('/', i);
        start = i;
        end = slash < 0 ? path.Length : slash;
        position = end;
        return true;
    }

    /// <summary>Whether a path holds another non-empty component from a position.</summary>
    private static bool HasComponent(string path, int position)
    {
        for (int i = position; i < path.Length; i++)
        {
            if (path[i] != '/')
            {
                return true;
            }
        }

        return false;
    }

    private static void PushComponents(Stack<string> pending, ReadOnlySpan<char> path)
    {
        // Pushed last first, so the first component is on top.
        int end = path.Length;
        while (end > 0)
        {
            while (end > 0 && path[end - 1] == '/')
            {
                end--;
            }

            if (end == 0)
            {
                break;
            }

            int slash = path[..end].LastIndexOf('/');
            pending.Push(path[(slash + 1)..end].ToString());
            end = slash < 0 ? 0 : slash;
        }
    }

    /// <summary>The trace of one component of a walk: which layer answered, what merges, what hid it.</summary>
    private void EmitStep(in MergedNode parent, string name, MergedNode? child, bool upperWhiteout)
    {
        if (child is { } node)
        {
            EmitFound(node);
        }
        else
        {
            int? whiteoutLayer = upperWhiteout ? MergedNode.Upper
                : parent.Lower is { } lower && lower.Whiteouts.TryGetValue(name, out int layer) ? layer
                : null;
            string path = PosixPath.Combine(parent.Path, name);
            if (whiteoutLayer is { } hiding)
            {
                Emit(OverlayEventKind.LookupWhiteout, path, LayerName(hiding));
            }

            Emit(OverlayEventKind.LookupStep, path);
        }
    }

    private void EmitFound(in MergedNode node)
    {
        string path = node.Path;
        Emit(OverlayEventKind.LookupStep, path, LayerName(node.Layer));
        if (node.IsDirectory && node.Lower is { } lower)
        {
            foreach (int layer in lower.Layers)
            {
                if (layer != node.Layer)
                {
                    Emit(OverlayEventKind.LookupMerge, path, LayerName(layer));
                }
            }
        }
    }

    private void EmitLookup(Resolution resolution)
    {
        if (LookupsTraced && resolution.Error == Errno.None)
        {
            Emit(OverlayEventKind.Lookup, resolution.Path, resolution.Node is { } node ? LayerName(node.Layer) : null);
        }
    }
}
