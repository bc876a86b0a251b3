namespace Overlay.Oci;

/// <summary>
/// How far a long OCI operation has come: loading an image (verifying, decompressing, indexing,
/// extracting its layers) or writing one (exporting layer tars, writing blobs). One type for every
/// operation that takes an <see cref="IProgress{T}"/>, reported synchronously on the thread doing
/// the work.
/// </summary>
/// <param name="Stage">What is being done.</param>
/// <param name="Item">
/// What it is being done to: a layer's path, digest or name when loading; when writing,
/// <c>"layer"</c> for a lone layer tar, <c>"layer 2/3"</c> for a layer of an image,
/// <c>"manifest"</c> for the manifest and index.
/// </param>
/// <param name="BytesProcessed">Bytes read (loading) or uncompressed tar bytes written (exporting) so far in this stage.</param>
/// <param name="TotalBytes">Bytes the stage will handle, when known.</param>
/// <param name="EntriesProcessed">Tar members handled so far in this stage.</param>
public readonly record struct OciProgress(OciProgressStage Stage, string Item, long BytesProcessed, long? TotalBytes, int EntriesProcessed)
{
    /// <summary>
    /// The tar member or file just handled: a path inside the layer while a layer tar is exported,
    /// the file name of a blob written; <see langword="null"/> when the stage reports no member.
    /// </summary>
    public string? Entry { get; init; }
}
