using Overlay.MergedView;
using Overlay.Layers;
using Overlay.Union;

namespace Overlay;

/// <summary>
/// What <see cref="System.IO.Abstractions.IFileSystem"/> cannot say about an overlay's files: owners,
/// extended attributes, hard links, device nodes and FIFOs, link counts and file identity — the
/// calls <c>chown</c>, <c>*xattr</c>, <c>link</c>, <c>mknod</c> and <c>stat</c> make on a kernel mount.
/// </summary>
/// <remarks>
/// <para>
/// Paths are resolved as the rest of the overlay resolves them (relative to its current directory).
/// Members taking <c>followLinks</c> act on a final symbolic link itself by default, as
/// <c>lchown</c>, <c>lgetxattr</c> and <c>lstat</c> do.
/// </para>
/// <para>
/// A change copies the object up first, as the kernel does; the overlay's own attributes
/// (<c>trusted.overlay.*</c>, <c>user.overlay.*</c>) are neither listed nor written. Errors are
/// System.IO's: <see cref="FileNotFoundException"/> for a missing path,
/// <see cref="UnauthorizedAccessException"/> for EPERM, and <see cref="IOException"/> with the
/// errno as its HResult otherwise (ENODATA 61 for a missing attribute, EOPNOTSUPP 95 where the
/// upper cannot store the metadata, EROFS 30 without an upper), each naming the path.
/// </para>
/// </remarks>
public sealed class OverlayUnix
{
    private readonly OverlayFileSystem _overlay;
    private readonly PosixIo _io;

    internal OverlayUnix(OverlayFileSystem overlay, PosixIo io)
    {
        _overlay = overlay;
        _io = io;
    }

    // ---- Owners

    /// <summary>The owner of an object (<c>stat</c>'s <c>st_uid</c> and <c>st_gid</c>).</summary>
    /// <param name="path">The object's path.</param>
    /// <param name="followLinks">Follow a final symbolic link (<c>stat</c>) rather than describe it (<c>lstat</c>).</param>
    /// <returns>Its owner; 0:0 for an object of a layer that keeps no owners.</returns>
    public UnixOwner GetOwner(string path, bool followLinks = false)
    {
        string full = Full(path);
        _io.Check(_io.GetOwner(full, followLinks, out var owner), full);
        return owner;
    }

    /// <summary>Changes the owner of an object (<c>lchown</c>, or <c>chown</c> with <paramref name="followLinks"/>).</summary>
    /// <remarks>The setuid and setgid bits of a non-directory are cleared, as Linux clears them.</remarks>
    /// <param name="path">The object's path.</param>
    /// <param name="owner">The new owner.</param>
    /// <param name="followLinks">Change a final symbolic link's target rather than the link.</param>
    public void SetOwner(string path, UnixOwner owner, bool followLinks = false)
    {
        string full = Full(path);
        _io.Check(_io.SetOwner(full, owner, followLinks), full);
    }

    // ---- Extended attributes

    /// <summary>The names of an object's extended attributes (<c>llistxattr</c>), sorted.</summary>
    /// <param name="path">The object's path.</param>
    /// <returns>The names.</returns>
    public IReadOnlyList<string> ListExtendedAttributes(string path) =>
        [.. GetExtendedAttributes(path).Keys.Order(StringComparer.Ordinal)];

    /// <summary>All extended attributes of an object, by name.</summary>
    /// <param name="path">The object's path.</param>
    /// <returns>Each attribute's raw value.</returns>
    public IReadOnlyDictionary<string, byte[]> GetExtendedAttributes(string path)
    {
        string full = Full(path);
        _io.Check(_io.GetExtendedAttributes(full, followLinks: false, out var attributes), full);
        return attributes;
    }

    /// <summary>One extended attribute of an object (<c>lgetxattr</c>).</summary>
    /// <param name="path">The object's path.</param>
    /// <param name="name">The attribute's full name, e.g. <c>security.capability</c>.</param>
    /// <returns>Its raw value.</returns>
    /// <exception cref="IOException">The object has no such attribute (HResult 61, ENODATA).</exception>
    public byte[] GetExtendedAttribute(string path, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string full = Full(path);
        var attributes = GetExtendedAttributes(path);
        return attributes.TryGetValue(name, out var value)
            ? (byte[])value.Clone()
            : throw new IOException($"No data available: '{full}' has no extended attribute '{name}'.", (int)Errno.ENODATA);
    }

    /// <summary>Sets an extended attribute, creating or replacing it (<c>lsetxattr</c>); a lower object is copied up first.</summary>
    /// <param name="path">The object's path.</param>
    /// <param name="name">The attribute's full name.</param>
    /// <param name="value">Its raw value.</param>
    public void SetExtendedAttribute(string path, string name, byte[] value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        string full = Full(path);
        _io.Check(_io.SetExtendedAttribute(full, name, value, followLinks: false), full);
    }

    /// <summary>Removes an extended attribute (<c>lremovexattr</c>).</summary>
    /// <param name="path">The object's path.</param>
    /// <param name="name">The attribute's full name.</param>
    /// <exception cref="IOException">The object has no such attribute (HResult 61, ENODATA).</exception>
    public void RemoveExtendedAttribute(string path, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string full = Full(path);
        var error = _io.RemoveExtendedAttribute(full, name, followLinks: false);
        if (error == Errno.ENODATA)
        {
            throw new IOException($"No data available: '{full}' has no extended attribute '{name}'.", (int)Errno.ENODATA);
        }

        _io.Check(error, full);
    }

    // ---- Links and nodes

    /// <summary>
    /// Gives an existing file a new name (<c>link</c>): a lower file is copied up first and the new
    /// name is another name of the copy, as the kernel links the upper's copy.
    /// </summary>
    /// <param name="existingPath">The existing file (a final symbolic link is linked itself).</param>
    /// <param name="newPath">The new name; it must not exist.</param>
    public void CreateHardLink(string existingPath, string newPath)
    {
        string existing = Full(existingPath, nameof(existingPath));
        string created = Full(newPath, nameof(newPath));
        var error = _io.CreateHardLink(existing, created);
        _io.Check(error, error is Errno.ENOENT or Errno.EPERM ? existing : created);
    }

    /// <summary>Creates a character or block device node (<c>mknod</c>); the umask applies.</summary>
    /// <param name="path">The new node's path; it must not exist.</param>
    /// <param name="kind"><see cref="LayerEntryKind.CharacterDevice"/> or <see cref="LayerEntryKind.BlockDevice"/>.</param>
    /// <param name="mode">Its permission bits.</param>
    /// <param name="device">The device it stands for.</param>
    public void CreateDevice(string path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device)
    {
        if (kind is not (LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice))
        {
            throw new ArgumentException($"A device node is a character or block device, not a {kind}.", nameof(kind));
        }

        string full = Full(path);
        _io.Check(_io.CreateSpecialFile(full, kind, mode, device), full);
    }

    /// <summary>Creates a named pipe (<c>mkfifo</c>); the umask applies.</summary>
    /// <param name="path">The new FIFO's path; it must not exist.</param>
    /// <param name="mode">Its permission bits.</param>
    public void CreateFifo(string path, UnixFileMode mode)
    {
        string full = Full(path);
        _io.Check(_io.CreateSpecialFile(full, LayerEntryKind.Fifo, mode, default), full);
    }

    /// <summary>What an object is, links not followed: a file, directory, link, device, FIFO or socket (whiteouts are never seen).</summary>
    /// <param name="path">The object's path.</param>
    /// <returns>Its kind.</returns>
    public LayerEntryKind GetKind(string path)
    {
        string full = Full(path);
        _io.Check(_io.Stat(full, followLinks: false, out var node), full);
        return node.Entry.Kind;
    }

    /// <summary>The device a device node stands for (<c>st_rdev</c>); 0,0 for other objects.</summary>
    /// <param name="path">The node's path.</param>
    /// <returns>Its numbers.</returns>
    public UnixDeviceNumber GetDeviceNumber(string path)
    {
        string full = Full(path);
        _io.Check(_io.GetDeviceNumber(full, followLinks: false, out var device), full);
        return device;
    }

    /// <summary>The number of names of an object's file (<c>st_nlink</c>), as the layer holding it counts them.</summary>
    /// <param name="path">The object's path.</param>
    /// <returns>The link count.</returns>
    public int GetLinkCount(string path) => GetIdentity(path).LinkCount;

    /// <summary>
    /// Which file an object is: two paths with equal <see cref="UnixFileIdentity.FileId"/>s are names
    /// of one file (hard links in the same layer), as equal <c>st_dev</c> and <c>st_ino</c> say on a
    /// kernel mount.
    /// </summary>
    /// <param name="path">The object's path.</param>
    /// <returns>Its identity and link count.</returns>
    public UnixFileIdentity GetIdentity(string path)
    {
        string full = Full(path);
        _io.Check(_io.GetIdentity(full, followLinks: false, out var identity, out int layer), full);

        // The layer's number in the stack keeps two layers' numbering apart (the kernel's st_dev).
        ulong place = (ulong)(layer + 2) << 56;
        return identity with { FileId = place ^ identity.FileId };
    }

    private string Full(string path, string name = "path")
    {
        ArgumentException.ThrowIfNullOrEmpty(path, name);
        return _overlay.Path.GetFullPath(path);
    }
}
