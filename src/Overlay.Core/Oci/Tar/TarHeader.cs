using Overlay.Oci.Model;

namespace Overlay.Oci.Tar;

/// <summary>The fields of one tar member header, as they go on the wire (numbers already in tar's terms).</summary>
internal readonly record struct TarHeader
{
    public required string Name { get; init; }

    public required char TypeFlag { get; init; }

    /// <summary>The mode field as written, type bits included when the writer wants them.</summary>
    public long Mode { get; init; }

    public long Uid { get; init; }

    public long Gid { get; init; }

    public long Size { get; init; }

    /// <summary>Seconds since the Unix epoch.</summary>
    public long ModificationTime { get; init; }

    public string LinkName { get; init; }

    public string UserName { get; init; }

    public string GroupName { get; init; }

    public long DeviceMajor { get; init; }

    public long DeviceMinor { get; init; }

    public IReadOnlyDictionary<string, byte[]> ExtendedAttributes { get; init; }

    public TarHeader()
    {
        LinkName = string.Empty;
        UserName = string.Empty;
        GroupName = string.Empty;
        ExtendedAttributes = EmptyAttributes;
    }

    private static readonly IReadOnlyDictionary<string, byte[]> EmptyAttributes =
        System.Collections.Frozen.FrozenDictionary<string, byte[]>.Empty;

    /// <summary>
    /// The header Docker's writer makes for <paramref name="entry"/>: the mode field carries the file
    /// type bits as well (Go's archive/tar stopped adding them in Go 1.9; moby adds them back), the
    /// modification time is whole seconds.
    /// </summary>
    public static TarHeader FromEntry(TarMember entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (flag, typeBits) = entry.Type switch
        {
            TarMemberType.RegularFile => ('0', 0x8000),
            TarMemberType.HardLink => ('1', 0x8000),
            TarMemberType.SymbolicLink => ('2', 0xA000),
            TarMemberType.CharacterDevice => ('3', 0x2000),
            TarMemberType.BlockDevice => ('4', 0x6000),
            TarMemberType.Directory => ('5', 0x4000),
            TarMemberType.Fifo => ('6', 0x1000),
            _ => throw new ArgumentOutOfRangeException(nameof(entry), $"Tar entry '{entry.Name}' has an unknown type {entry.Type}."),
        };
        return new TarHeader
        {
            Name = entry.Name,
            TypeFlag = flag,
            Mode = typeBits | ((int)entry.Mode & 0xFFF),
            Uid = entry.Uid,
            Gid = entry.Gid,
            Size = entry.Type == TarMemberType.RegularFile ? entry.Size : 0,
            ModificationTime = UnixSeconds(entry.ModificationTimeUtc),
            LinkName = entry.LinkName,
            UserName = entry.UserName ?? string.Empty,
            GroupName = entry.GroupName ?? string.Empty,
            DeviceMajor = entry.DeviceMajor,
            DeviceMinor = entry.DeviceMinor,
            ExtendedAttributes = entry.ExtendedAttributes,
        };
    }

    /// <summary>Whole seconds since the Unix epoch, rounded down (the tar header has no fraction).</summary>
    public static long UnixSeconds(DateTime utc)
    {
        if (utc == default)
        {
            return 0;
        }

        var ticks = utc.Ticks - DateTime.UnixEpoch.Ticks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        return ticks % TimeSpan.TicksPerSecond < 0 ? seconds - 1 : seconds;
    }
}
