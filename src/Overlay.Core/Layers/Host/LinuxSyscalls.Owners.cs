using System.Runtime.InteropServices;

namespace Overlay.Layers.Host;

/// <content>Owners and hard links: <c>lchown</c>, <c>link</c>, <c>geteuid</c>.</content>
internal static partial class LinuxSyscalls
{
    /// <summary><c>lchown</c>: changes the owner of a path, a symbolic link's own.</summary>
    /// <param name="path">The path.</param>
    /// <param name="uid">The new user id.</param>
    /// <param name="gid">The new group id.</param>
    /// <returns>0, or the errno.</returns>
    public static int LChown(string path, int uid, int gid)
    {
        ArgumentNullException.ThrowIfNull(path);
        return LChownNative(path, (uint)uid, (uint)gid) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary><c>link</c>: gives an existing file a new name (never following a final symbolic link).</summary>
    /// <param name="existingPath">The file.</param>
    /// <param name="newPath">The new name, which must be free.</param>
    /// <returns>0, or the errno.</returns>
    public static int Link(string existingPath, string newPath)
    {
        ArgumentNullException.ThrowIfNull(existingPath);
        ArgumentNullException.ThrowIfNull(newPath);
        return LinkNative(existingPath, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The process's effective user id.</summary>
    /// <returns>The id; 0 for root.</returns>
    public static int EffectiveUserId() => (int)GetEuidNative();

    /// <summary>The process's effective group id.</summary>
    /// <returns>The id.</returns>
    public static int EffectiveGroupId() => (int)GetEgidNative();

    [LibraryImport(Libc, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChownNative(string path, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string existingPath, string newPath);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    private static partial uint GetEuidNative();

    [LibraryImport(Libc, EntryPoint = "getegid")]
    private static partial uint GetEgidNative();
}
