using System.Globalization;
using System.Text;
using Overlay.Layers.Host;

namespace Overlay.Layers;

/// <content>
/// Owners, extended attributes, hard links and special files on the real disk (Linux): read with
/// <c>statx</c> and <c>llistxattr</c>, written with <c>lchown</c>, <c>lsetxattr</c>, <c>link</c> and
/// <c>mknod</c>.
/// </content>
/// <remarks>
/// A process that is not root cannot give a file another owner. There the layer stores the owner
/// the way rootless container tools do, in the <c>user.containers.override_stat</c> attribute
/// (<c>uid:gid:mode:type</c>, as fuse-overlayfs and containers/storage read it), and reads an owner
/// from that attribute wherever it is present, whoever runs. A device node, which <c>mknod</c>
/// refuses a process without <c>CAP_MKNOD</c>, is kept the same way: an empty regular file of mode
/// 0600 (its owner must be able to read and write a <c>user.*</c> attribute) whose attribute records the device (<c>uid:gid:mode:char-MAJOR-MINOR</c> or
/// <c>block-…</c>), read back as the device by this layer, by fuse-overlayfs and by containers/storage.
/// The kernel takes <c>user.*</c> attributes on files and directories only, so the owner of a
/// symbolic link, FIFO or socket cannot be recorded and stays the process's.
/// A <c>trusted.*</c> or <c>security.*</c> attribute fails with the kernel's errno when asked for,
/// and a copy-up leaves such attributes out, as an unprivileged <c>cp -a</c> does.
/// </remarks>
public sealed partial class HostDirectoryLayer : IUnixMetadata, IUnixMetadataWrites
{
    /// <summary>The attribute rootless container tools keep an object's intended owner and mode in.</summary>
    internal const string OverrideStatAttribute = "user.containers.override_stat";

    /// <summary>The attribute a directory's default POSIX ACL is kept in.</summary>
    private const string DefaultAclAttribute = "system.posix_acl_default";

    /// <summary>
    /// Whether owners are stored in <see cref="OverrideStatAttribute"/> rather than with
    /// <c>lchown</c>: when the process is not root.
    /// </summary>
    internal bool StoresOwnersInAttributes { get; set; } = LinuxSyscalls.IsSupported && LinuxSyscalls.EffectiveUserId() != 0;

    /// <inheritdoc />
    private protected override bool StoresUnixMetadata => _native;

    // ---- IUnixMetadata

    /// <inheritdoc />
    UnixOwner IUnixMetadata.GetOwner(string path)
    {
        string host = RequireExisting(path, out var stat);

        // A file or directory the layer has just made holds no user.* attribute yet, so no owner
        // record: its owner is the one statx gives.
        var fresh = stat.Type switch
        {
            LinuxSyscalls.S_IFREG => IsFresh(path, HostEntryKind.File),
            LinuxSyscalls.S_IFDIR => IsFresh(path, HostEntryKind.Directory),
            _ => false,
        };
        return (fresh ? null : OverriddenOwner(host)) ?? new UnixOwner((int)stat.Uid, (int)stat.Gid);
    }

    /// <inheritdoc />
    IReadOnlyDictionary<string, byte[]> IUnixMetadata.GetExtendedAttributes(string path)
    {
        string host = RequireExisting(path, out _);
        int errno = LinuxSyscalls.ListXattrs(host, out var names);
        if (errno is LinuxSyscalls.ENOTSUP)
        {
            return new Dictionary<string, byte[]>(0);
        }

        ThrowOn(errno, "list the extended attributes of", path);
        var attributes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (IsLayerFormAttribute(name))
            {
                continue;
            }

            errno = LinuxSyscalls.GetXattr(host, name, out var value);
            if (errno == LinuxSyscalls.ENODATA)
            {
                continue;
            }

            ThrowOn(errno, $"read the extended attribute '{name}' of", path);
            attributes[name] = value ?? [];
        }

        return attributes;
    }

    /// <inheritdoc />
    UnixFileIdentity IUnixMetadata.GetIdentity(string path)
    {
        RequireExisting(path, out var stat);
        return new UnixFileIdentity(stat.Inode, (int)stat.LinkCount);
    }

    /// <inheritdoc />
    UnixDeviceNumber IUnixMetadata.GetDeviceNumber(string path)
    {
        string host = RequireExisting(path, out var stat);
        return stat.Type is LinuxSyscalls.S_IFCHR or LinuxSyscalls.S_IFBLK
            ? new UnixDeviceNumber((int)stat.RdevMajor, (int)stat.RdevMinor)
            : RecordedDevice(host, stat) is { } recorded ? recorded.Device : default;
    }

    /// <summary>Whether an attribute is one the layer form keeps for itself, never one of the file's own.</summary>
    /// <param name="name">The attribute's full name.</param>
    /// <returns>Whether the overlay's or a rootless owner's attribute.</returns>
    internal static bool IsLayerFormAttribute(string name) =>
        KernelWhiteout.IsFormAttribute(name) || name == OverrideStatAttribute;

    // ---- IUnixMetadataWrites

    /// <inheritdoc />
    void IUnixMetadataWrites.SetOwner(string path, UnixOwner owner)
    {
        string host = RequireExisting(path, out var stat);
        ChangedEntry(path);
        ApplyOwner(host, path, stat, owner);
    }

    /// <inheritdoc />
    void IUnixMetadataWrites.SetExtendedAttribute(string path, string name, byte[] value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        string host = RequireExisting(path, out _);
        ChangedEntry(path, kindMayChange: true);
        ThrowOn(LinuxSyscalls.SetXattr(host, name, value, 0), $"set the extended attribute '{name}' of", path);
    }

    /// <inheritdoc />
    bool IUnixMetadataWrites.RemoveExtendedAttribute(string path, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string host = RequireExisting(path, out _);
        ChangedEntry(path, kindMayChange: true);
        int errno = LinuxSyscalls.RemoveXattr(host, name);
        if (errno == LinuxSyscalls.ENODATA)
        {
            return false;
        }

        ThrowOn(errno, $"remove the extended attribute '{name}' of", path);
        return true;
    }

    /// <inheritdoc />
    void IUnixMetadataWrites.CreateHardLink(string existingPath, string newPath)
    {
        string existing = RequireExisting(existingPath, out var stat);
        if (stat.Type == LinuxSyscalls.S_IFDIR)
        {
            throw new IOException($"Cannot link '{newPath}' to '{existingPath}' in layer '{Name}': a directory cannot have another name.", LinuxSyscalls.EPERM);
        }

        try
        {
            string host = PrepareNewName(newPath);
            var kept = KeepParents(newPath);
            ThrowOn(LinuxSyscalls.Link(existing, host), $"link '{existingPath}' as", newPath);
            Created(newPath);
            kept.Restore();
            StampChanged(Paths.PosixPath.ParentOf(newPath));
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <inheritdoc />
    void IUnixMetadataWrites.CreateSpecialFile(string path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device)
    {
        try
        {
            string host = PrepareNewName(path);
            var kept = KeepParents(path);
            MakeSpecial(host, path, kind, mode, device);
            Created(path);
            kept.Restore();
            StampChanged(Paths.PosixPath.ParentOf(path));
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <inheritdoc />
    string IUnixMetadataWrites.StageSpecialFile(LayerEntryKind kind, UnixDeviceNumber device, LayerMetadata metadata) =>
        Stage(HostKind(kind), metadata, host => MakeSpecial(host, kind.ToString(), kind, metadata.Mode, device));

    /// <inheritdoc />
    void IUnixMetadataWrites.SetStagedMetadata(string token, UnixOwner owner, IReadOnlyDictionary<string, byte[]> extendedAttributes, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(extendedAttributes);
        string host = WorkArea + Separator + token;
        ThrowOn(LinuxSyscalls.LStat(host, out var stat), "read the staged", token);

        // The kernel's order (ovl_set_attr after ovl_copy_xattr): the owner first, as it clears the
        // setuid/setgid bits and security.capability, then the attributes, then the mode again.
        ApplyOwner(host, token, stat, owner);
        foreach (var (name, value) in extendedAttributes)
        {
            int errno = LinuxSyscalls.SetXattr(host, name, value, 0);
            if (errno is LinuxSyscalls.EPERM or LinuxSyscalls.ENOTSUP && StoresOwnersInAttributes && !name.StartsWith("user.", StringComparison.Ordinal))
            {
                // Not root: a trusted.* or security.* attribute cannot be written, and a copy-up
                // goes on without it, as an unprivileged copy (cp -a) does.
                continue;
            }

            ThrowOn(errno, $"set the extended attribute '{name}' of the staged", token);
        }

        if (stat.Type != LinuxSyscalls.S_IFLNK)
        {
            SetMode(host, mode);
        }
    }

    // ---- Helpers

    private void ApplyOwner(string host, string path, in LinuxSyscalls.StatxResult stat, UnixOwner owner)
    {
        if (RecordedDevice(host, stat) is { } device)
        {
            // A device kept as a record: its owner lives in the record, whoever runs.
            WriteDeviceRecord(host, path, owner, device.Kind, device.Mode, device.Device);
            return;
        }

        if (!StoresOwnersInAttributes)
        {
            if (owner.UserId == (int)stat.Uid && owner.GroupId == (int)stat.Gid)
            {
                return;
            }

            ThrowOn(LinuxSyscalls.LChown(host, owner.UserId, owner.GroupId), $"give owner {owner} to", path);
            return;
        }

        // Not root: the intended owner is recorded beside the file; one the process already is, or
        // one matching the file's real owner, needs no record.
        if (owner.UserId == (int)stat.Uid && owner.GroupId == (int)stat.Gid)
        {
            int removed = LinuxSyscalls.RemoveXattr(host, OverrideStatAttribute);
            if (removed is not (0 or LinuxSyscalls.ENODATA or LinuxSyscalls.ENOTSUP))
            {
                ThrowOn(removed, $"remove {OverrideStatAttribute} of", path);
            }

            return;
        }

        int errno = LinuxSyscalls.SetXattr(host, OverrideStatAttribute, OverrideStatRecord(owner, (uint)stat.Permissions, OverrideType(stat)), 0);
        if (errno == LinuxSyscalls.EPERM && stat.Type is not (LinuxSyscalls.S_IFREG or LinuxSyscalls.S_IFDIR))
        {
            // The kernel allows user.* attributes on files and directories only: a symbolic link's or
            // a FIFO's owner cannot be recorded and stays the process's, as with rootless tools.
            return;
        }

        ThrowOn(errno, $"record owner {owner} of", path);
    }

    private static string OverrideType(in LinuxSyscalls.StatxResult stat) => stat.Type switch
    {
        LinuxSyscalls.S_IFDIR => "dir",
        LinuxSyscalls.S_IFLNK => "symlink",
        LinuxSyscalls.S_IFIFO => "pipe",
        LinuxSyscalls.S_IFSOCK => "socket",
        LinuxSyscalls.S_IFBLK => string.Create(CultureInfo.InvariantCulture, $"block-{stat.RdevMajor}-{stat.RdevMinor}"),
        LinuxSyscalls.S_IFCHR => string.Create(CultureInfo.InvariantCulture, $"char-{stat.RdevMajor}-{stat.RdevMinor}"),
        _ => "file",
    };

    /// <summary>The owner a <c>user.containers.override_stat</c> attribute records, when the object has one.</summary>
    private static UnixOwner? OverriddenOwner(string host)
    {
        int errno = LinuxSyscalls.GetXattr(host, OverrideStatAttribute, out var value);
        if (errno is not (0 or LinuxSyscalls.ENODATA or LinuxSyscalls.ENOTSUP) && !IsAbsence(errno))
        {
            throw new IOException($"Cannot read {OverrideStatAttribute} of '{host}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        if (errno != 0 || value is null)
        {
            return null;
        }

        string[] fields = Encoding.ASCII.GetString(value).Split(':');
        return fields.Length >= 2
            && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int uid)
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int gid)
            ? new UnixOwner(uid, gid)
            : null;
    }

    private void MakeSpecial(string host, string path, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device)
    {
        uint type = kind switch
        {
            LayerEntryKind.CharacterDevice => LinuxSyscalls.S_IFCHR,
            LayerEntryKind.BlockDevice => LinuxSyscalls.S_IFBLK,
            LayerEntryKind.Fifo => LinuxSyscalls.S_IFIFO,
            LayerEntryKind.Socket => LinuxSyscalls.S_IFSOCK,
            _ => throw new ArgumentException($"'{path}': a special file is a device, a FIFO or a socket, not a {kind}.", nameof(kind)),
        };
        if (type is LinuxSyscalls.S_IFCHR or LinuxSyscalls.S_IFBLK && StoresOwnersInAttributes)
        {
            // Not root: mknod of a device fails with EPERM (also in a user namespace). The device is
            // kept as a record, as rootless container storage keeps it.
            ThrowOn(LinuxSyscalls.MakeNode(host, LinuxSyscalls.S_IFREG | DeviceRecordPermissions, 0), $"create the {kind}", path);
            base.SetMode(host, (UnixFileMode)DeviceRecordPermissions);
            WriteDeviceRecord(host, path, ProcessCredentials.Owner, kind, mode, device);
            return;
        }

        ulong number = type is LinuxSyscalls.S_IFCHR or LinuxSyscalls.S_IFBLK ? LinuxSyscalls.MakeDevice((uint)device.Major, (uint)device.Minor) : 0;
        ThrowOn(LinuxSyscalls.MakeNode(host, type | (uint)mode, number), $"create the {kind}", path);

        // mknod's mode went through the umask; the layer stores what it is told.
        SetMode(host, mode);
    }

    private static HostEntryKind HostKind(LayerEntryKind kind) => kind switch
    {
        LayerEntryKind.CharacterDevice => HostEntryKind.CharacterDevice,
        LayerEntryKind.BlockDevice => HostEntryKind.BlockDevice,
        LayerEntryKind.Fifo => HostEntryKind.Fifo,
        _ => HostEntryKind.Socket,
    };

    /// <summary>The mode of the empty file that stands for a device kept as a record: rw for its owner, who reads and writes the record.</summary>
    private const uint DeviceRecordPermissions = 0x180;

    /// <summary>A device kept as a record (see the remarks): its kind, mode and numbers.</summary>
    internal readonly record struct DeviceRecord(LayerEntryKind Kind, UnixFileMode Mode, UnixDeviceNumber Device);

    /// <summary>
    /// The device an empty regular file of mode 0600 stands for, when its
    /// <c>user.containers.override_stat</c> records one; otherwise null. Only such a file is asked
    /// (one attribute read), so other files cost nothing.
    /// </summary>
    internal static DeviceRecord? RecordedDevice(string host, in LinuxSyscalls.StatxResult stat)
    {
        if (stat.Type != LinuxSyscalls.S_IFREG || stat.Size != 0 || (uint)stat.Permissions != DeviceRecordPermissions
            || LinuxSyscalls.GetXattr(host, OverrideStatAttribute, out var value) != 0 || value is null)
        {
            return null;
        }

        string[] fields = Encoding.ASCII.GetString(value).Split(':');
        if (fields.Length != 4)
        {
            return null;
        }

        string[] type = fields[3].Split('-');
        var kind = type[0] switch
        {
            "char" => LayerEntryKind.CharacterDevice,
            "block" => LayerEntryKind.BlockDevice,
            _ => LayerEntryKind.File,
        };
        if (kind == LayerEntryKind.File || type.Length != 3
            || !int.TryParse(type[1], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(type[2], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
        {
            return null;
        }

        int mode;
        try
        {
            mode = Convert.ToInt32(fields[2], 8) & 0xFFF;
        }
        catch (FormatException)
        {
            return null;
        }

        return new DeviceRecord(kind, (UnixFileMode)mode, new UnixDeviceNumber(major, minor));
    }

    private void WriteDeviceRecord(string host, string path, UnixOwner owner, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device)
    {
        var record = OverrideStatRecord(owner, (uint)mode, DeviceType(kind == LayerEntryKind.BlockDevice, device));
        ThrowOn(LinuxSyscalls.SetXattr(host, OverrideStatAttribute, record, 0), $"record the {kind}", path);
    }

    /// <summary>
    /// The value of a <see cref="OverrideStatAttribute"/> record, as containers/storage writes it:
    /// <c>uid:gid:0mode:type</c>, the mode's permission and special bits in octal.
    /// </summary>
    internal static byte[] OverrideStatRecord(UnixOwner owner, uint mode, string type) =>
        Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{owner.UserId}:{owner.GroupId}:0{Convert.ToString((int)(mode & 0xFFF), 8).PadLeft(3, '0')}:{type}"));

    /// <summary>The type of a device in a <see cref="OverrideStatAttribute"/> record: <c>char-MAJOR-MINOR</c> or <c>block-MAJOR-MINOR</c>.</summary>
    internal static string DeviceType(bool block, UnixDeviceNumber device) =>
        string.Create(CultureInfo.InvariantCulture, $"{(block ? "block" : "char")}-{device.Major}-{device.Minor}");

    /// <inheritdoc />
    /// <remarks>A file just created holds no device record: its mode is set without looking for one.</remarks>
    private protected override void SetModeOfNewFile(string hostPath, UnixFileMode mode) => base.SetMode(hostPath, mode);

    /// <inheritdoc />
    private protected override void SetMode(string hostPath, UnixFileMode mode)
    {
        if (_native && LinuxSyscalls.LStat(hostPath, out var stat) == 0 && RecordedDevice(hostPath, stat) is { } device)
        {
            // A device kept as a record: the file keeps mode 0600 (part of what marks it), the record takes the mode.
            WriteDeviceRecord(hostPath, hostPath, OverriddenOwner(hostPath) ?? ProcessCredentials.Owner, device.Kind, mode, device.Device);
            return;
        }

        base.SetMode(hostPath, mode);
    }

    /// <summary>The storage path of an object the layer holds, with what statx says of it.</summary>
    private string RequireExisting(string path, out LinuxSyscalls.StatxResult stat)
    {
        CheckLayerPath(path);
        string host = HostPath(path);
        stat = default;
        bool contained = path == "/" || (!IsReserved(Paths.PosixPath.NameOf(path)) && ParentsAreDirectories(path));
        int errno = contained ? LinuxSyscalls.LStat(host, out stat) : LinuxSyscalls.ENOENT;
        if (errno != 0)
        {
            throw IsAbsence(errno)
                ? new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path)
                : new IOException($"Cannot look up '{path}' in layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        return host;
    }

    private void ThrowOn(int errno, string what, string path)
    {
        if (errno != 0)
        {
            throw new IOException($"Cannot {what} '{path}' in layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }
}
