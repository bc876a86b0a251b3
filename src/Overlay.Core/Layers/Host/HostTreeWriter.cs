using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Overlay.Paths;

namespace Overlay.Layers.Host;

/// <summary>
/// Writes a whole layer into an empty directory of the real disk (Linux), in the form a
/// <see cref="HostDirectoryLayer"/> reads: what an extraction and an image store's layer import do.
/// </summary>
/// <remarks>
/// <para>
/// Every object is made relative to its parent directory, which the writer holds open: a file with
/// <c>openat(O_CREAT | O_EXCL | O_NOFOLLOW)</c> and then given its data, owner, attributes, mode
/// and times through its own descriptor (<c>pread</c> of the tar and <c>write</c>, <c>fchown</c>,
/// <c>fsetxattr</c>, <c>fchmod</c>, <c>futimens</c>); a directory with <c>mkdirat</c> and opened
/// with <c>O_DIRECTORY | O_NOFOLLOW</c> for its children, and given its owner, mode and times after
/// them; links and nodes with <c>symlinkat</c>/<c>mknodat</c> and the <c>*at</c> calls that never
/// follow a link. No path is resolved from the root again and nothing is looked up before it is
/// made: an object that exists already fails the write (<c>EEXIST</c>) rather than be reused, and a
/// link is never followed, so nothing lands outside the directory. A hard link's first name is
/// reached from the root one directory at a time with <c>O_NOFOLLOW</c>.
/// </para>
/// <para>
/// Owners are given as root gives them; a process that is not root records them in
/// <c>user.containers.override_stat</c> and keeps devices as records, as
/// <see cref="HostDirectoryLayer"/> does. A new object's owner is known without asking the disk: the
/// process's user, and its group, or the parent's where the parent is set-gid.
/// </para>
/// <para>Nothing is synced: the caller syncs the file system once when the whole tree is written.</para>
/// </remarks>
internal sealed class HostTreeWriter
{
    private const uint PermissionBits = 0xFFF; // 07777
    private const uint AccessBits = 0x1FF; // 0777
    private const uint OwnerReadWrite = 0x180; // 0600
    private const uint OwnerAll = 0x1C0; // 0700
    private const uint SetGroupBit = 0x400; // 02000
    private const uint DirectoryCreateBits = 0x3FF; // 01777: what mkdir takes

    private readonly byte[] _buffer = new byte[128 << 10];
    private readonly Dictionary<ulong, string> _linked = [];
    private readonly int _userId = LinuxSyscalls.EffectiveUserId();
    private readonly int _groupId = LinuxSyscalls.EffectiveGroupId();
    private readonly uint _umask = (uint)ProcessUmask.Value;
    private ILayer _source = null!;
    private IUnixMetadata? _unix;
    private IFileDataRanges? _ranges;
    private int _rootFd = -1;
    private int _entries;
    private long _bytes;

    /// <summary>The layer's name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>The whiteout form written: OCI (<c>.wh.</c> files) or kernel (devices 0/0, opaque attribute).</summary>
    public required WhiteoutForm Form { get; init; }

    /// <summary>The prefix of the kernel form's attributes (<c>trusted.overlay.</c> or <c>user.overlay.</c>).</summary>
    public string AttributePrefix { get; init; } = KernelWhiteout.TrustedPrefix;

    /// <summary>Whether owners and devices are kept as <c>user.containers.override_stat</c> records: when not root.</summary>
    public bool OwnersInAttributes { get; init; } = LinuxSyscalls.EffectiveUserId() != 0;

    /// <summary>
    /// Whether a <c>trusted.*</c> or <c>security.*</c> attribute the process may not write is left
    /// out (as an unprivileged <c>cp -a</c> does) rather than failing the write; only where
    /// <see cref="OwnersInAttributes"/>.
    /// </summary>
    public bool SkipUnwritableAttributes { get; init; }

    /// <summary>Receives the entries and bytes written so far, every 500 entries.</summary>
    public Action<int, long>? Progress { get; init; }

    /// <summary>Cancels the write between two entries.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>The entries written (every name, hard links included).</summary>
    public int Entries => _entries;

    /// <summary>Writes every entry of <paramref name="source"/> into <paramref name="directory"/>, which must exist and be empty.</summary>
    /// <exception cref="IOException">A call failed; HResult is its errno.</exception>
    public void Write(ILayer source, string directory)
    {
        _source = source;
        _unix = source.GetCapability<IUnixMetadata>();
        _ranges = source as IFileDataRanges;
        Check(LinuxSyscalls.OpenDirectoryNoFollow(directory, out _rootFd), "open", directory);
        try
        {
            Check(LinuxSyscalls.FstatOwner(_rootFd, out uint uid, out uint gid, out uint mode), "read", directory);
            var frame = new Frame((int)gid, (mode & SetGroupBit) != 0);
            WriteChildren("/", _rootFd, frame);
            if (source.TryGetEntry("/", out var root))
            {
                FinishDirectory(_rootFd, "/", root, new UnixOwner((int)uid, (int)gid));
            }
        }
        finally
        {
            LinuxSyscalls.Close(_rootFd);
            _rootFd = -1;
        }
    }

    /// <summary>The group new objects in a directory get, and whether they inherit its set-gid bit.</summary>
    private readonly record struct Frame(int Group, bool SetGroup)
    {
        public Frame Child(int processGroup) => SetGroup ? this : new Frame(processGroup, false);
    }

    private void WriteChildren(string path, int dirFd, Frame frame)
    {
        var entries = _source.ListDirectory(path).ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var created = new UnixOwner(_userId, frame.Group);
        foreach (var entry in entries)
        {
            CancellationToken.ThrowIfCancellationRequested();
            string name = entry.Name;
            if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                throw new IOException($"Cannot write '{name}' under '{path}' of layer '{Name}': not a single name.", LinuxSyscalls.EINVAL);
            }

            string childPath = PosixPath.Combine(path, name);
            switch (entry.Kind)
            {
                case LayerEntryKind.Directory:
                    WriteDirectory(dirFd, name, childPath, entry, frame);
                    break;
                case LayerEntryKind.File:
                    WriteFile(dirFd, name, childPath, entry, created);
                    break;
                case LayerEntryKind.SymbolicLink:
                    WriteSymbolicLink(dirFd, name, childPath, entry, created);
                    break;
                case LayerEntryKind.Whiteout:
                    WriteWhiteout(dirFd, name, childPath, entry);
                    break;
                default:
                    WriteSpecial(dirFd, name, childPath, entry, created);
                    break;
            }

            _entries++;
            if (Progress is not null && _entries % 500 == 0)
            {
                Progress(_entries, _bytes);
            }
        }
    }

    private void WriteDirectory(int dirFd, string name, string path, in LayerEntry entry, Frame frame)
    {
        // Built writable for its owner; the tar's mode is set once its children are in.
        Check(LinuxSyscalls.MkdirAt(dirFd, name, ((uint)entry.Mode | OwnerAll) & DirectoryCreateBits), "create the directory", path);
        Check(LinuxSyscalls.OpenAt(dirFd, name, LinuxSyscalls.DirectoryNoFollowFlags, 0, out int fd), "open the directory", path);
        try
        {
            var inner = frame.Child(_groupId);
            WriteChildren(path, fd, inner);
            FinishDirectory(fd, path, entry, new UnixOwner(_userId, inner.Group));
        }
        finally
        {
            LinuxSyscalls.Close(fd);
        }
    }

    /// <summary>A directory's opaque mark, owner, attributes, mode and times, once its children are in.</summary>
    private void FinishDirectory(int fd, string path, in LayerEntry entry, UnixOwner createdAs)
    {
        if (entry.IsOpaque)
        {
            if (Form == WhiteoutForm.Kernel)
            {
                Check(LinuxSyscalls.FSetXattr(fd, AttributePrefix + KernelWhiteout.Opaque, "y"u8, 0), $"set {AttributePrefix + KernelWhiteout.Opaque} on", path);
            }
            else
            {
                Check(LinuxSyscalls.OpenAt(fd, OciWhiteout.OpaqueMarker, LinuxSyscalls.CreateNewFlags, 0, out int marker), "mark opaque", path);
                LinuxSyscalls.Close(marker);
            }
        }

        ApplyOwner(fd, path, createdAs, "dir", (uint)entry.Mode);
        SetAttributes(fd, path);
        Check(LinuxSyscalls.Fchmod(fd, (uint)entry.Mode & PermissionBits), "set the mode of", path);
        Check(LinuxSyscalls.Futimens(fd, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc), "set the times of", path);
    }

    private void WriteFile(int dirFd, string name, string path, in LayerEntry entry, UnixOwner created)
    {
        if (_unix is not null && _unix.GetIdentity(path) is { LinkCount: > 1 } identity)
        {
            if (_linked.TryGetValue(identity.FileId, out string? first))
            {
                // Another name of a file already written: a hard link, as tar -x makes it.
                LinkTo(first, dirFd, name, path);
                return;
            }

            _linked[identity.FileId] = path;
        }

        uint mode = (uint)entry.Mode & PermissionBits;
        var attributes = _unix?.GetExtendedAttributes(path);
        bool hasAttributes = attributes is { Count: > 0 };
        var owner = _unix?.GetOwner(path) ?? UnixOwner.Root;
        bool recorded = OwnersInAttributes && owner != created;

        // Writing a user.* attribute (a record included) needs write permission on the file: such a
        // file is made rw for its owner and given its mode at the end.
        uint createMode = recorded || hasAttributes ? OwnerReadWrite : mode & AccessBits;
        Check(LinuxSyscalls.OpenAt(dirFd, name, LinuxSyscalls.CreateNewFlags, createMode, out int fd), "create", path);
        try
        {
            if (entry.Length > 0)
            {
                CopyData(fd, path, entry.Length);
            }

            bool chowned = ApplyOwner(fd, path, created, owner, "file", mode);
            if (hasAttributes)
            {
                SetAttributes(fd, path, attributes!);
            }

            if (chowned || createMode != (mode & AccessBits) || (mode & ~AccessBits) != 0 || (createMode & _umask) != 0)
            {
                Check(LinuxSyscalls.Fchmod(fd, mode), "set the mode of", path);
            }

            Check(LinuxSyscalls.Futimens(fd, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc), "set the times of", path);
        }
        finally
        {
            LinuxSyscalls.Close(fd);
        }

        _bytes += entry.Length;
    }

    private void CopyData(int fd, string path, long length)
    {
        if (_ranges is not null && _ranges.TryGetDataRange(path, out SafeFileHandle file, out long offset, out long size) && size == length)
        {
            bool added = false;
            try
            {
                file.DangerousAddRef(ref added);
                Check(LinuxSyscalls.CopyRange((int)file.DangerousGetHandle(), offset, fd, length, _buffer), "write the data of", path);
            }
            finally
            {
                if (added)
                {
                    file.DangerousRelease();
                }
            }

            return;
        }

        using var input = _source.OpenRead(path);
        long left = length;
        while (left > 0)
        {
            int read = input.Read(_buffer, 0, (int)Math.Min(_buffer.Length, left));
            if (read <= 0)
            {
                throw new IOException($"Cannot write the data of '{path}' in layer '{Name}': the source ended {left} bytes early.", LinuxSyscalls.EIO);
            }

            Check(LinuxSyscalls.WriteAll(fd, _buffer.AsSpan(0, read)), "write the data of", path);
            left -= read;
        }
    }

    private void LinkTo(string first, int dirFd, string name, string path)
    {
        string[] parts = first.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Check(LinuxSyscalls.OpenDirectoryBeneath(_rootFd, parts.AsSpan(0, parts.Length - 1), out int firstDir), "reach the directory of", first);
        try
        {
            Check(LinuxSyscalls.LinkAt(firstDir, parts[^1], dirFd, name), $"link '{first}' as", path);
        }
        finally
        {
            LinuxSyscalls.Close(firstDir);
        }
    }

    private void WriteSymbolicLink(int dirFd, string name, string path, in LayerEntry entry, UnixOwner created)
    {
        Check(LinuxSyscalls.SymlinkAt(entry.LinkTarget ?? string.Empty, dirFd, name), "create the symbolic link", path);
        var owner = _unix?.GetOwner(path) ?? UnixOwner.Root;
        if (!OwnersInAttributes && owner != created)
        {
            // Not root, a link's owner cannot be recorded (no user.* attributes on a link) and stays the process's.
            Check(LinuxSyscalls.LChownAt(dirFd, name, owner.UserId, owner.GroupId), $"give owner {owner} to", path);
        }

        SetAttributesAt(dirFd, name, path);
        Check(LinuxSyscalls.LUtimensAt(dirFd, name, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc), "set the times of", path);
    }

    private void WriteWhiteout(int dirFd, string name, string path, in LayerEntry entry)
    {
        // A whiteout's mtime is part of the layer tar (and so of its diff_id): it is kept.
        if (Form == WhiteoutForm.Kernel)
        {
            Check(LinuxSyscalls.MknodAt(dirFd, name, LinuxSyscalls.S_IFCHR, LinuxSyscalls.MakeDevice(0, 0)), "make the whiteout (character device 0/0)", path);
            Check(LinuxSyscalls.LUtimensAt(dirFd, name, entry.LastWriteTimeUtc, entry.LastWriteTimeUtc), "set the times of", path);
            return;
        }

        Check(LinuxSyscalls.OpenAt(dirFd, OciWhiteout.Prefix + name, LinuxSyscalls.CreateNewFlags, 0, out int fd), "make the whiteout of", path);
        try
        {
            Check(LinuxSyscalls.Futimens(fd, entry.LastWriteTimeUtc, entry.LastWriteTimeUtc), "set the times of the whiteout of", path);
        }
        finally
        {
            LinuxSyscalls.Close(fd);
        }
    }

    private void WriteSpecial(int dirFd, string name, string path, in LayerEntry entry, UnixOwner created)
    {
        uint type = entry.Kind switch
        {
            LayerEntryKind.CharacterDevice => LinuxSyscalls.S_IFCHR,
            LayerEntryKind.BlockDevice => LinuxSyscalls.S_IFBLK,
            LayerEntryKind.Fifo => LinuxSyscalls.S_IFIFO,
            LayerEntryKind.Socket => LinuxSyscalls.S_IFSOCK,
            _ => throw new IOException($"'{path}' is a {entry.Kind}, which layer '{Name}' cannot hold.", LinuxSyscalls.EOPNOTSUPP),
        };
        uint mode = (uint)entry.Mode & PermissionBits;
        var device = _unix?.GetDeviceNumber(path) ?? default;
        var owner = _unix?.GetOwner(path) ?? UnixOwner.Root;
        bool isDevice = type is LinuxSyscalls.S_IFCHR or LinuxSyscalls.S_IFBLK;
        if (isDevice && OwnersInAttributes)
        {
            // Not root: mknod of a device fails with EPERM. The device is kept as a record, an empty
            // file of mode 0600, as rootless container storage keeps it.
            Check(LinuxSyscalls.OpenAt(dirFd, name, LinuxSyscalls.CreateNewFlags, OwnerReadWrite, out int fd), $"create the {entry.Kind}", path);
            try
            {
                Check(LinuxSyscalls.Fchmod(fd, OwnerReadWrite), "set the mode of", path);
                var record = HostDirectoryLayer.OverrideStatRecord(owner, mode, HostDirectoryLayer.DeviceType(type == LinuxSyscalls.S_IFBLK, device));
                Check(LinuxSyscalls.FSetXattr(fd, HostDirectoryLayer.OverrideStatAttribute, record, 0), $"record the {entry.Kind}", path);
                SetAttributes(fd, path);
                Check(LinuxSyscalls.Futimens(fd, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc), "set the times of", path);
            }
            finally
            {
                LinuxSyscalls.Close(fd);
            }

            return;
        }

        ulong number = isDevice ? LinuxSyscalls.MakeDevice((uint)device.Major, (uint)device.Minor) : 0;
        Check(LinuxSyscalls.MknodAt(dirFd, name, type | (mode & AccessBits), number), $"create the {entry.Kind}", path);
        if (!OwnersInAttributes && owner != created)
        {
            // Not root, a FIFO's or socket's owner cannot be recorded (no user.* attributes on them).
            Check(LinuxSyscalls.LChownAt(dirFd, name, owner.UserId, owner.GroupId), $"give owner {owner} to", path);
        }

        SetAttributesAt(dirFd, name, path);

        // mknod's mode went through the umask; the layer stores what it is told.
        Check(LinuxSyscalls.ChmodAt(dirFd, name, mode), "set the mode of", path);
        Check(LinuxSyscalls.LUtimensAt(dirFd, name, entry.LastAccessTimeUtc, entry.LastWriteTimeUtc), "set the times of", path);
    }

    /// <summary>Gives an open file or directory its owner (root) or records it (not root); whether a chown was made.</summary>
    private bool ApplyOwner(int fd, string path, UnixOwner created, string type, uint mode) =>
        ApplyOwner(fd, path, created, _unix?.GetOwner(path) ?? UnixOwner.Root, type, mode);

    private bool ApplyOwner(int fd, string path, UnixOwner created, UnixOwner owner, string type, uint mode)
    {
        if (owner == created)
        {
            return false;
        }

        if (!OwnersInAttributes)
        {
            Check(LinuxSyscalls.Fchown(fd, owner.UserId, owner.GroupId), $"give owner {owner} to", path);
            return true;
        }

        var record = HostDirectoryLayer.OverrideStatRecord(owner, mode, type);
        Check(LinuxSyscalls.FSetXattr(fd, HostDirectoryLayer.OverrideStatAttribute, record, 0), $"record owner {owner} of", path);
        return false;
    }

    private void SetAttributes(int fd, string path)
    {
        if (_unix?.GetExtendedAttributes(path) is { Count: > 0 } attributes)
        {
            SetAttributes(fd, path, attributes);
        }
    }

    private void SetAttributes(int fd, string path, IReadOnlyDictionary<string, byte[]> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (!Skippable(LinuxSyscalls.FSetXattr(fd, name, value, 0), name, out int errno))
            {
                Check(errno, $"set the extended attribute '{name}' of", path);
            }
        }
    }

    private void SetAttributesAt(int dirFd, string name, string path)
    {
        if (_unix?.GetExtendedAttributes(path) is not { Count: > 0 } attributes)
        {
            return;
        }

        foreach (var (attribute, value) in attributes)
        {
            if (!Skippable(LinuxSyscalls.LSetXattrAt(dirFd, name, attribute, value), attribute, out int errno))
            {
                Check(errno, $"set the extended attribute '{attribute}' of", path);
            }
        }
    }

    /// <summary>Whether a failed attribute write is one to leave out (see <see cref="SkipUnwritableAttributes"/>).</summary>
    private bool Skippable(int result, string attribute, out int errno)
    {
        errno = result;
        return result is LinuxSyscalls.EPERM or LinuxSyscalls.ENOTSUP
            && SkipUnwritableAttributes && OwnersInAttributes
            && !attribute.StartsWith("user.", StringComparison.Ordinal);
    }

    private void Check(int errno, string what, string path)
    {
        if (errno != 0)
        {
            throw errno == LinuxSyscalls.ENOENT && what.StartsWith("open", StringComparison.Ordinal)
                ? new DirectoryNotFoundException($"Cannot {what} '{path}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.")
                : new IOException($"Cannot {what} '{path}' in layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }
}
