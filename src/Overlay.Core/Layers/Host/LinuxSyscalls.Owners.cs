using System.Runtime.InteropServices;

namespace Overlay.Layers.Host;

/// <content>Owners and hard links: <c>lchown</c>, <c>link</c>, <c>geteuid</c>, user and group names.</content>
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

    /// <summary>The uid of a user name in this system's user database (<c>getpwnam_r</c>), or null when it has no such user or is not Linux.</summary>
    /// <param name="name">The user name.</param>
    /// <returns>The uid, or null.</returns>
    public static uint? UserIdOf(string name) => IdOf(name, user: true);

    /// <summary>The gid of a group name in this system's group database (<c>getgrnam_r</c>), or null when it has no such group or is not Linux.</summary>
    /// <param name="name">The group name.</param>
    /// <returns>The gid, or null.</returns>
    public static uint? GroupIdOf(string name) => IdOf(name, user: false);

    private static unsafe uint? IdOf(string name, bool user)
    {
        if (!IsSupported || name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        // struct passwd and struct group both start with two pointers (name, password) followed by
        // the id (pw_uid, gr_gid); 64 bytes hold either.
        byte* entry = stackalloc byte[64];
        for (int size = 16 << 10; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            int error;
            nint result;
            fixed (byte* pointer = buffer)
            {
                error = user
                    ? GetPwNamNative(name, entry, pointer, (nuint)size, out result)
                    : GetGrNamNative(name, entry, pointer, (nuint)size, out result);
            }

            if (error == ERANGE)
            {
                continue;
            }

            return error == 0 && result != 0 ? *(uint*)(entry + (2 * IntPtr.Size)) : null;
        }

        return null;
    }

    [LibraryImport(Libc, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetPwNamNative(string name, byte* entry, byte* buffer, nuint size, out nint result);

    [LibraryImport(Libc, EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetGrNamNative(string name, byte* entry, byte* buffer, nuint size, out nint result);

    [LibraryImport(Libc, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChownNative(string path, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string existingPath, string newPath);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    private static partial uint GetEuidNative();

    [LibraryImport(Libc, EntryPoint = "getegid")]
    private static partial uint GetEgidNative();
}
