namespace Overlay.Oci.Model;

/// <summary>
/// One member of a tar archive, with its PAX and GNU extensions applied: the name and link name
/// at full length, extended attributes, high-resolution times.
/// </summary>
public sealed class TarMember
{
    /// <summary>The member's name exactly as the archive stores it (possibly <c>./</c>-prefixed, a directory possibly ending in '/').</summary>
    public required string Name { get; init; }

    /// <summary>What the member is.</summary>
    public required TarMemberType Type { get; init; }

    /// <summary>The permission bits, setuid, setgid and sticky included (the mode field masked to 07777).</summary>
    public UnixFileMode Mode { get; init; }

    /// <summary>The owner's numeric user id.</summary>
    public long Uid { get; init; }

    /// <summary>The owner's numeric group id.</summary>
    public long Gid { get; init; }

    /// <summary>The owner's user name, when stored.</summary>
    public string? UserName { get; init; }

    /// <summary>The owner's group name, when stored.</summary>
    public string? GroupName { get; init; }

    /// <summary>The modification time, UTC.</summary>
    public DateTime ModificationTimeUtc { get; init; }

    /// <summary>The access time, UTC, when a PAX or GNU header stores one.</summary>
    public DateTime? AccessTimeUtc { get; init; }

    /// <summary>The status change time, UTC, when a PAX or GNU header stores one.</summary>
    public DateTime? ChangeTimeUtc { get; init; }

    /// <summary>The size of the member's data in the archive (0 for links, directories and devices).</summary>
    public long Size { get; init; }

    /// <summary>
    /// The link target: for <see cref="TarMemberType.SymbolicLink"/> as stored, for
    /// <see cref="TarMemberType.HardLink"/> the name of an earlier member. Other types can carry a
    /// stray value (Docker writes one on whiteouts), which means nothing and is kept only as read.
    /// </summary>
    public string LinkName { get; init; } = string.Empty;

    /// <summary>A device's major number.</summary>
    public int DeviceMajor { get; init; }

    /// <summary>A device's minor number.</summary>
    public int DeviceMinor { get; init; }

    /// <summary>
    /// Extended attributes (PAX <c>SCHILY.xattr.&lt;name&gt;</c> records); values are raw bytes, binary
    /// ones included. POSIX ACLs GNU tar wrote as text (<c>SCHILY.acl.access</c>,
    /// <c>SCHILY.acl.default</c>) are here as the binary <c>system.posix_acl_access</c> and
    /// <c>system.posix_acl_default</c> values the kernel keeps.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> ExtendedAttributes { get; init; } = EmptyAttributes;

    /// <summary>The other PAX records of the member (neither applied to a field above nor an xattr), as text.</summary>
    public IReadOnlyDictionary<string, string> PaxRecords { get; init; } = EmptyRecords;

    /// <summary>Where the member's header starts in the (uncompressed) archive, or -1 when not known.</summary>
    internal long HeaderOffset { get; init; } = -1;

    /// <summary>Where the member's data starts in the (uncompressed) archive, or -1 when not known.</summary>
    internal long DataOffset { get; init; } = -1;

    /// <summary>Whether the member is a directory.</summary>
    public bool IsDirectory => Type == TarMemberType.Directory;

    internal static readonly IReadOnlyDictionary<string, byte[]> EmptyAttributes = new Dictionary<string, byte[]>(0);

    internal static readonly IReadOnlyDictionary<string, string> EmptyRecords = new Dictionary<string, string>(0);

    /// <inheritdoc />
    public override string ToString() => $"{Type} {Name}";
}
