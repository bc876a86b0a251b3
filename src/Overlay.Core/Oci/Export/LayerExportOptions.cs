using System.IO.Compression;
using Overlay.Oci.Model;

namespace Overlay.Oci.Export;

/// <summary>How <see cref="LayerTarExporter"/> writes a layer tar.</summary>
public sealed record LayerExportOptions
{
    /// <summary>The default options: an uncompressed tar, members owned by root.</summary>
    public static LayerExportOptions Default { get; } = new();

    /// <summary>
    /// <see cref="LayerCompression.None"/> (the form <c>docker save</c> stores, whose digest is the
    /// diff_id) or <see cref="LayerCompression.Gzip"/> (what registries and OCI layouts usually hold).
    /// </summary>
    public LayerCompression Compression { get; init; } = LayerCompression.None;

    /// <summary>The gzip compression level, when <see cref="Compression"/> is gzip.</summary>
    public CompressionLevel GzipLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>
    /// The user name written in the header of every member owned by uid 0; Docker writes the name it
    /// finds for the uid, <c>root</c>. Members of other uids carry no name (Docker looks them up on
    /// the machine it runs on, which says nothing about the layer). Empty writes none.
    /// </summary>
    public string UserName { get; init; } = "root";

    /// <summary>The group name written in the header of every member of gid 0; see <see cref="UserName"/>.</summary>
    public string GroupName { get; init; } = "root";
}
