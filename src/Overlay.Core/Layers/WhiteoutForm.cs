namespace Overlay.Layers;

/// <summary>
/// How a layer on disk stores whiteouts and opaque directories. Declared per layer, never guessed
/// per entry.
/// </summary>
public enum WhiteoutForm
{
    /// <summary>
    /// A plain directory (an extracted root file system, a build output): every name is an ordinary
    /// entry, nothing is whited out and no directory is opaque. Such a layer can only be a lower.
    /// </summary>
    None,

    /// <summary>
    /// The OCI image layer form: a whiteout of <c>name</c> is an empty file <c>.wh.name</c> beside
    /// it, and an opaque directory holds an empty file <c>.wh..wh..opq</c>. An extracted OCI layer
    /// is a valid layer as it is. Names starting with <c>.wh.</c> are reserved and cannot be stored.
    /// </summary>
    Oci,
}
