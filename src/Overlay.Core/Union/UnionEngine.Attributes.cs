using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>Attributes (the kernel's <c>inode.c</c>): stat, readlink, and chmod and utimes, which copy up first.</content>
internal sealed partial class UnionEngine
{
    /// <summary>stat(2) / lstat(2) of a merged path.</summary>
    public Errno Stat(UnionPath path, bool followLinks, out MergedNode node)
    {
        using var scope = Read();
        return LookupShared(path, followLinks, out node);
    }

    /// <summary>readlink(2): the target of a symbolic link, as stored.</summary>
    public Errno ReadLink(UnionPath path, out string? target)
    {
        target = null;
        var error = Stat(path, followLinks: false, out var node);
        if (error != Errno.None)
        {
            return error;
        }

        if (!node.IsSymbolicLink)
        {
            return Errno.EINVAL;
        }

        target = node.Entry.LinkTarget;
        return Errno.None;
    }

    /// <summary>chmod(2) (or, without following links, the mode of the link itself): copies up first.</summary>
    public Errno SetUnixFileMode(UnionPath path, UnixFileMode mode, bool followLinks = true) =>
        ChangeMetadata(path, followLinks, node => _upper!.SetUnixFileMode(node.Path, mode & AllPermissions));

    /// <summary>utimensat(2): copies up first; a <see langword="null"/> time is left as it is.</summary>
    public Errno SetTimes(UnionPath path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc, bool followLinks = true) =>
        ChangeMetadata(path, followLinks, node => _upper!.SetTimes(node.Path, lastAccessTimeUtc, lastWriteTimeUtc));

    private Errno ChangeMetadata(string path, bool followLinks, Action<MergedNode> change)
    {
        using var scope = Write();
        using var resolution = Resolve(path, followLinks);
        if (resolution.Error != Errno.None)
        {
            return resolution.Error;
        }

        if (resolution.Node is null)
        {
            return Errno.ENOENT;
        }

        if (_upper is null)
        {
            return Errno.EROFS;
        }

        var node = CopyUpNode(resolution);
        change(node);
        EmitChange(OverlayEventKind.Changed, node.Path, node.Entry.Kind);
        return Errno.None;
    }
}
