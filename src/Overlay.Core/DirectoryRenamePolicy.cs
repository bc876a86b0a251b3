namespace Overlay;

/// <summary>What renaming a directory that exists in a lower (or merges lower content) does.</summary>
public enum DirectoryRenamePolicy
{
    /// <summary>
    /// Copy the whole tree up, mark it opaque and rename it in the upper, leaving a whiteout at the old
    /// name: the result <c>mv</c> reaches on a kernel mount by copying and deleting.
    /// </summary>
    CopyUp,

    /// <summary>
    /// Refuse with <see cref="IOException"/> HResult 18 (EXDEV), as the kernel's overlayfs does with
    /// <c>redirect_dir=off</c>.
    /// </summary>
    Kernel,

    /// <summary>
    /// Do what the kernel's overlayfs does with <c>redirect_dir=on</c>: copy up the directory itself
    /// (its metadata, not its tree), record on the upper copy where its lower content is (the
    /// <c>trusted.overlay.redirect</c> attribute: the old name when it stays in the same parent, the
    /// absolute path of its lower directory otherwise), rename it, and leave a whiteout at the old
    /// name. The directory stays merged (not opaque): its lower children show under the new name.
    /// Needs an upper that can store redirects (<see cref="Layers.IDirectoryRedirects"/>).
    /// </summary>
    Redirect,
}
