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
}
