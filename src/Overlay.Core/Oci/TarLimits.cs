namespace Overlay.Oci;

/// <summary>
/// Limits that bound what reading one tar may cost, so that a hostile archive (a decompression bomb,
/// an entry-count bomb, a giant extended header) fails early with an <see cref="InvalidDataException"/>
/// instead of filling the disk or the memory.
/// </summary>
public sealed record TarLimits
{
    /// <summary>The defaults: generous for real images, finite for hostile ones.</summary>
    public static TarLimits Default { get; } = new();

    /// <summary>The most members one tar may hold (extension headers not counted); 1,000,000 by default.</summary>
    public int MaxEntries { get; init; } = 1_000_000;

    /// <summary>The most data bytes one tar's members may hold together; 64 GiB by default.</summary>
    public long MaxTotalSize { get; init; } = 64L << 30;

    /// <summary>
    /// For a compressed layer: the most uncompressed bytes per compressed byte (checked once
    /// 1 MiB has been decompressed); 1,000 by default. gzip's own best ratio is about 1,032:1, real
    /// layers stay far below 100:1.
    /// </summary>
    public double MaxExpansionRatio { get; init; } = 1000;

    /// <summary>The longest member name or link name, in UTF-8 bytes (Linux's PATH_MAX); 4096 by default.</summary>
    public int MaxNameLength { get; init; } = 4096;

    /// <summary>The largest PAX extended header or GNU long-name record, in bytes; 1 MiB by default.</summary>
    public int MaxExtendedHeaderSize { get; init; } = 1 << 20;

    /// <summary>Throws when a limit is not positive.</summary>
    internal void Validate()
    {
        if (MaxEntries <= 0 || MaxTotalSize <= 0 || MaxExpansionRatio <= 0 || MaxNameLength <= 0 || MaxExtendedHeaderSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TarLimits), "Every tar limit must be positive.");
        }
    }
}
