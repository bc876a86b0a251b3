namespace Overlay.Layers;

/// <summary>
/// The kernel overlayfs' on-disk form, coded once: a whiteout is a character device 0/0, an opaque
/// directory carries the extended attribute <c>overlay.opaque</c> = "y", a renamed directory
/// <c>overlay.redirect</c>, and an "xwhiteout" is a file marked <c>overlay.whiteout</c> inside a
/// directory marked <c>overlay.opaque</c> = "x". The attributes live under <c>trusted.</c> (the
/// kernel's default, root only) or <c>user.</c> (its <c>userxattr</c> option). Host-directory
/// layers, tar layers (their index and extraction), the metadata API and the command line read and
/// write the form through here.
/// </summary>
internal static class KernelWhiteout
{
    /// <summary>The prefix of the kernel's own attributes in the trusted namespace.</summary>
    public const string TrustedPrefix = "trusted.overlay.";

    /// <summary>The prefix of the kernel's own attributes in the user namespace (<c>userxattr</c>).</summary>
    public const string UserPrefix = "user.overlay.";

    /// <summary>The attribute (after the prefix) of an opaque directory.</summary>
    public const string Opaque = "opaque";

    /// <summary>The attribute (after the prefix) of an xwhiteout file.</summary>
    public const string Whiteout = "whiteout";

    /// <summary>The attribute (after the prefix) holding where a renamed directory came from.</summary>
    public const string Redirect = "redirect";

    /// <summary>The prefix for one of the two namespaces.</summary>
    /// <param name="user">The user namespace rather than the trusted one.</param>
    /// <returns><see cref="UserPrefix"/> or <see cref="TrustedPrefix"/>.</returns>
    public static string PrefixFor(bool user) => user ? UserPrefix : TrustedPrefix;

    /// <summary>Whether an attribute is one of the form's own (never a file's own attribute).</summary>
    /// <param name="name">The attribute's full name.</param>
    /// <returns>Whether it starts with either prefix.</returns>
    public static bool IsFormAttribute(string name) =>
        name.StartsWith(TrustedPrefix, StringComparison.Ordinal) || name.StartsWith(UserPrefix, StringComparison.Ordinal);

    /// <summary>Whether a directory's attributes make it opaque (<c>overlay.opaque</c> = "y" in either namespace).</summary>
    /// <param name="attributes">The directory's extended attributes.</param>
    /// <returns>Whether it is opaque.</returns>
    public static bool IsOpaque(IReadOnlyDictionary<string, byte[]> attributes) =>
        IsYes(attributes, TrustedPrefix + Opaque) || IsYes(attributes, UserPrefix + Opaque);

    /// <summary>Whether a character device's numbers make it a whiteout.</summary>
    /// <param name="major">The device's major number.</param>
    /// <param name="minor">The device's minor number.</param>
    /// <returns>Whether it is 0/0.</returns>
    public static bool IsWhiteoutDevice(long major, long minor) => major == 0 && minor == 0;

    private static bool IsYes(IReadOnlyDictionary<string, byte[]> attributes, string name) =>
        attributes.TryGetValue(name, out var value) && value.AsSpan().SequenceEqual("y"u8);
}
