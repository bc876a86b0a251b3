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

    /// <summary>
    /// The Linux kernel's own form, as overlayfs and Docker's overlay2 <c>diff/</c> directories store
    /// it: a whiteout is a character device 0/0 at the deleted name, an opaque directory carries the
    /// extended attribute <c>trusted.overlay.opaque=y</c> (<c>user.overlay.opaque</c> with
    /// <see cref="HostDirectoryLayerOptions.UserExtendedAttributes"/>, as <c>-o userxattr</c>); the
    /// kernel's "xwhiteouts" (zero-size files with <c>overlay.whiteout</c> in a directory marked
    /// <c>overlay.opaque=x</c>) are read too. Every name is an ordinary name. Only a
    /// <see cref="HostDirectoryLayer"/> on Linux stores this form.
    /// </summary>
    Kernel,
}
