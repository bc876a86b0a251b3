using System.Text;
using Overlay.Layers;
using Overlay.Union;

namespace Overlay.Fuse;

/// <summary>
/// The one place where the FUSE server meets the union engine: every POSIX operation the server
/// serves, as an errno (0 for success) over normalised merged paths. The server knows nothing of the
/// engine's types, so a change of the engine's surface is absorbed here.
/// </summary>
internal sealed class EngineAdapter
{
    private const uint PermissionBits = 0xFFF; // 07777

    private const int O_ACCMODE = 0x3;
    private const int O_WRONLY = 0x1;
    private const int O_RDWR = 0x2;
    private const int O_CREAT = 0x40;
    private const int O_EXCL = 0x80;
    private const int O_TRUNC = 0x200;

    private const int EIO = 5;

    private readonly UnionEngine _engine;
    private readonly uint _umask;

    public EngineAdapter(OverlayFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        _engine = fileSystem.Engine;
        _umask = (uint)_engine.Options.Umask & PermissionBits;
    }

    /// <summary>Whether the overlay has no upper, so every change is EROFS.</summary>
    public bool IsReadOnly => _engine.IsReadOnly;

    /// <summary>
    /// A directory on the host disk whose file system the statfs(2) of the mount reports: the upper's
    /// root, or the top lower's for a read-only overlay; <see langword="null"/> when the layers are
    /// not host directories.
    /// </summary>
    public string? StatFsDirectory =>
        (_engine.Upper as FileSystemLayer)?.Root ?? (_engine.Lowers.Count > 0 ? (_engine.Lowers[0] as FileSystemLayer)?.Root : null);

    // ---- Reading

    /// <summary>lstat(2) of a merged path: kind, mode, size, times, and the owner, link count, identity and device number its layer keeps.</summary>
    public int Status(string path, out NodeStatus status)
    {
        var error = _engine.StatUnix(path, out var node, out var owner, out var identity, out var device);
        status = error == Errno.None ? StatusOf(node, owner, identity, device) : default;
        return (int)error;
    }

    /// <summary>readlink(2).</summary>
    public int ReadLink(string path, out string? target) => (int)_engine.ReadLink(path, out target);

    /// <summary>The merged listing of a directory (whiteouts and what opaque directories hide are not in it).</summary>
    public int List(string path, out List<(string Name, NodeKind Kind)> entries)
    {
        var error = _engine.ReadDirectory(path, out var nodes);
        entries = new List<(string, NodeKind)>(nodes.Count);
        foreach (var node in nodes)
        {
            entries.Add((node.Entry.Name, KindOf(node.Entry.Kind)));
        }

        return (int)error;
    }

    // ---- Files

    /// <summary>
    /// open(2) with the Linux flags the kernel passed (O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC); a
    /// created file gets exactly <paramref name="mode"/> (the caller's umask already applied by the kernel).
    /// </summary>
    public int Open(string path, int flags, uint mode, out Stream? stream) => Open(path, flags, mode, out stream, out _);

    /// <summary>open(2) as <see cref="Open(string, int, uint, out Stream?)"/>, telling whether it made a new file (O_CREAT at a free name).</summary>
    public int Open(string path, int flags, uint mode, out Stream? stream, out bool created)
    {
        created = false;
        var open = (flags & O_ACCMODE) switch
        {
            O_WRONLY => OpenFlags.Write,
            O_RDWR => OpenFlags.ReadWrite,
            _ => OpenFlags.Read,
        };
        if ((flags & O_CREAT) != 0)
        {
            open |= OpenFlags.Create;
        }

        if ((flags & O_EXCL) != 0)
        {
            open |= OpenFlags.Exclusive;
        }

        if ((flags & O_TRUNC) != 0)
        {
            if ((flags & O_ACCMODE) != O_WRONLY && (flags & O_ACCMODE) != O_RDWR)
            {
                // O_RDONLY|O_TRUNC: Linux truncates all the same. The engine truncates only
                // through a writable open, so the file is emptied (and copied up) by one first.
                var emptied = _engine.Open(path, (open & OpenFlags.Create) | OpenFlags.Write | OpenFlags.Truncate | (open & OpenFlags.Exclusive), (UnixFileMode)(mode & PermissionBits), out var writer);
                if (emptied != Errno.None)
                {
                    stream = null;
                    return (int)emptied;
                }

                writer!.Dispose();
                if ((flags & O_CREAT) != 0)
                {
                    FixCreatedMode(path, mode);
                }

                return (int)_engine.Open(path, OpenFlags.Read, 0, out stream);
            }

            open |= OpenFlags.Truncate;
        }

        var error = _engine.Open(path, open, (UnixFileMode)(mode & PermissionBits), ShareLock.None, out stream, out var lease, out created);
        lease?.Release();
        if (error == Errno.None && (flags & O_CREAT) != 0)
        {
            FixCreatedMode(path, mode);
        }

        return (int)error;
    }

    /// <summary>truncate(2) by path: the file is copied up (without its data when emptied) and cut or extended.</summary>
    public int Truncate(string path, long size)
    {
        var error = _engine.Open(path, size == 0 ? OpenFlags.Write | OpenFlags.Truncate : OpenFlags.Write, 0, out var stream);
        if (error != Errno.None)
        {
            return (int)error;
        }

        using (stream)
        {
            if (size != 0)
            {
                stream!.SetLength(size);
            }
        }

        return 0;
    }

    // ---- Namespace

    /// <summary>mkdir(2) with exactly <paramref name="mode"/>.</summary>
    public int CreateDirectory(string path, uint mode)
    {
        var error = _engine.CreateDirectory(path, (UnixFileMode)(mode & PermissionBits));
        if (error == Errno.None)
        {
            FixCreatedMode(path, mode);
        }

        return (int)error;
    }

    /// <summary>symlink(2).</summary>
    public int CreateSymbolicLink(string path, string target) => (int)_engine.CreateSymbolicLink(path, target);

    /// <summary>unlink(2).</summary>
    public int Unlink(string path) => (int)_engine.DeleteFile(path);

    /// <summary>rmdir(2).</summary>
    public int RemoveDirectory(string path) => (int)_engine.DeleteDirectory(path);

    /// <summary>rename(2), or renameat2(RENAME_NOREPLACE).</summary>
    public int Rename(string source, string destination, bool noReplace) => (int)_engine.Rename(source, destination, noReplace);

    /// <summary>link(2): the existing file is copied up first, and the new name is another name of the copy.</summary>
    public int Link(string existing, string created) => (int)_engine.CreateHardLink(existing, created);

    /// <summary>mknod(2) of a device node, FIFO or socket (<paramref name="mode"/> carries the S_IFMT kind), with exactly the mode asked for.</summary>
    public int CreateSpecial(string path, uint mode, uint device)
    {
        var kind = (mode & 0xF000) switch
        {
            0x2000 => LayerEntryKind.CharacterDevice,
            0x6000 => LayerEntryKind.BlockDevice,
            0x1000 => LayerEntryKind.Fifo,
            0xC000 => LayerEntryKind.Socket,
            _ => LayerEntryKind.File,
        };
        if (kind == LayerEntryKind.File)
        {
            return 22; // EINVAL: regular files are made by Open
        }

        // The kernel's new_decode_dev.
        var numbers = new UnixDeviceNumber((int)((device & 0xFFF00) >> 8), (int)((device & 0xFF) | ((device >> 12) & 0xFFF00)));
        var error = _engine.CreateSpecialFile(path, kind, (UnixFileMode)(mode & PermissionBits), numbers);
        if (error == Errno.None)
        {
            FixCreatedMode(path, mode);
        }

        return (int)error;
    }

    // ---- Metadata

    /// <summary>chmod(2) of the object itself (a link is not followed: the kernel asks for the object it resolved).</summary>
    public int SetMode(string path, uint mode) => (int)_engine.SetUnixFileMode(path, (UnixFileMode)(mode & PermissionBits), followLinks: false);

    /// <summary>lchown(2): copies up first; EOPNOTSUPP when the upper keeps no owners.</summary>
    public int SetOwner(string path, uint userId, uint groupId) =>
        (int)_engine.SetOwner(path, new UnixOwner((int)userId, (int)groupId), followLinks: false);

    /// <summary>The object's extended attributes (the overlay's own never among them).</summary>
    public int GetAttributes(string path, out IReadOnlyDictionary<string, byte[]> attributes) =>
        (int)_engine.GetExtendedAttributes(path, followLinks: false, out attributes);

    /// <summary>setxattr(2): copies up first; the overlay's own attributes are refused (EPERM).</summary>
    public int SetAttribute(string path, string name, byte[] value) =>
        (int)_engine.SetExtendedAttribute(path, name, value, followLinks: false);

    /// <summary>removexattr(2): ENODATA when the object has no such attribute.</summary>
    public int RemoveAttribute(string path, string name) =>
        (int)_engine.RemoveExtendedAttribute(path, name, followLinks: false);

    /// <summary>utimensat(2) of the object itself; a <see langword="null"/> time is left as it is.</summary>
    public int SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc) =>
        (int)_engine.SetTimes(path, lastAccessTimeUtc, lastWriteTimeUtc, followLinks: false);

    /// <summary>The errno of an exception a layer threw (its storage failed): its HResult when that is an errno, else EIO.</summary>
    public static int ErrnoOf(Exception exception) => exception switch
    {
        UnauthorizedAccessException => 13,
        NotSupportedException => 95,
        IOException { HResult: > 0 and < 134 } io => io.HResult,
        _ => EIO,
    };

    /// <summary>Whether a name can be a merged path component: UTF-8 (the engine's paths are strings).</summary>
    public static bool TryDecodeName(ReadOnlySpan<byte> name, out string decoded)
    {
        try
        {
            decoded = StrictUtf8.GetString(name);
            return true;
        }
        catch (DecoderFallbackException)
        {
            decoded = string.Empty;
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The engine applies the overlay's own umask on top of the caller's, which the kernel applied
    // already: the bits it took away are given back, so the object gets the mode open(2) asked for.
    private void FixCreatedMode(string path, uint mode)
    {
        if ((mode & PermissionBits & _umask) != 0)
        {
            _engine.SetUnixFileMode(path, (UnixFileMode)(mode & PermissionBits), followLinks: false);
        }
    }

    private static NodeStatus StatusOf(in MergedNode node, UnixOwner? owner, UnixFileIdentity identity, UnixDeviceNumber device)
    {
        var entry = node.Entry;
        var kind = KindOf(entry.Kind);
        long size = kind switch
        {
            NodeKind.File => entry.Length,
            NodeKind.SymbolicLink => entry.LinkTarget is { } target ? Encoding.UTF8.GetByteCount(target) : entry.Length,
            _ => 0,
        };
        uint permissions = kind == NodeKind.SymbolicLink ? 0x1FF : (uint)entry.Mode & PermissionBits;

        // The kernel's new_encode_dev.
        uint major = (uint)device.Major, minor = (uint)device.Minor;
        return new NodeStatus(kind, permissions, size, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc)
        {
            UserId = owner is { } o ? (uint)o.UserId : null,
            GroupId = owner is { } g ? (uint)g.GroupId : null,
            LinkCount = (uint)Math.Max(1, identity.LinkCount),
            Identity = identity.FileId != 0 ? new FileIdentity(node.Layer, identity.FileId) : null,
            Device = (minor & 0xFF) | (major << 8) | ((minor & ~0xFFu) << 12),
        };
    }

    private static NodeKind KindOf(LayerEntryKind kind) => kind switch
    {
        LayerEntryKind.Directory => NodeKind.Directory,
        LayerEntryKind.SymbolicLink => NodeKind.SymbolicLink,
        LayerEntryKind.CharacterDevice => NodeKind.CharacterDevice,
        LayerEntryKind.BlockDevice => NodeKind.BlockDevice,
        LayerEntryKind.Fifo => NodeKind.Fifo,
        LayerEntryKind.Socket => NodeKind.Socket,
        _ => NodeKind.File,
    };
}
