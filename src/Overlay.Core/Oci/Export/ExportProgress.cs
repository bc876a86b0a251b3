namespace Overlay.Oci.Export;

/// <summary>How far an export has come, reported after each tar member and each blob.</summary>
/// <param name="Stage">What is being written: <c>"layer"</c> while a layer tar is made, <c>"layer 2/3"</c> inside an image, <c>"config"</c>, <c>"manifest"</c>.</param>
/// <param name="Path">The path inside the layer of the member just written, or the blob's name; <see langword="null"/> between items.</param>
/// <param name="Entries">Tar members written so far in the current layer.</param>
/// <param name="Bytes">Uncompressed tar bytes written so far in the current layer.</param>
public readonly record struct ExportProgress(string Stage, string? Path, long Entries, long Bytes);
