namespace Overlay.Layers;

/// <summary>
/// A layer capability (<see cref="ILayer.GetCapability{TCapability}"/>) of an upper: it can store a
/// directory's redirect (the kernel's <c>trusted.overlay.redirect</c>), which the
/// <see cref="DirectoryRenamePolicy.Redirect"/> policy needs.
/// </summary>
public interface IDirectoryRedirects
{
    /// <summary>
    /// Records where a directory's lower content is (<see cref="LayerEntry.RedirectPath"/>), or
    /// clears the record; the directory's times are kept.
    /// </summary>
    /// <param name="path">The directory's path.</param>
    /// <param name="redirect">The redirect as the kernel stores it, or <see langword="null"/> to remove it.</param>
    void SetRedirect(string path, string? redirect);
}
