namespace Overlay.Oci;

/// <summary>How far a long OCI operation (an import, an extraction, opening a layer) has come.</summary>
/// <param name="Stage">What is being done.</param>
/// <param name="Item">What it is being done to (a layer's path or digest).</param>
/// <param name="BytesProcessed">Bytes read so far in this stage.</param>
/// <param name="TotalBytes">Bytes the stage will read, when known.</param>
/// <param name="EntriesProcessed">Tar members handled so far in this stage.</param>
public readonly record struct OciProgress(OciProgressStage Stage, string Item, long BytesProcessed, long? TotalBytes, int EntriesProcessed);
