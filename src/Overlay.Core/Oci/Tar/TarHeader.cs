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
}
