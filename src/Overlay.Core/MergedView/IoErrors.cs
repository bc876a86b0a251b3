using Overlay.Union;

namespace Overlay.MergedView;

/// <summary>
/// Turns an engine errno into the exception System.IO throws on Linux for the same errno: the
/// same type and HResult, with a message that names the path and the overlay's reason.
/// </summary>
internal static class IoErrors
{
    /// <summary>The HResult of a plain <see cref="IOException"/> (COR_E_IO).</summary>
    public const int CorEIo = unchecked((int)0x80131620);

    public static void Check(Errno error, string path, bool isDirectory = false)
    {
        if (error != Errno.None)
        {
            throw For(error, path, isDirectory);
        }
    }

    public static Exception For(Errno error, string? path, bool isDirectory = false) => error switch
    {
        Errno.ENOENT when isDirectory => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
        Errno.ENOENT => new FileNotFoundException($"Could not find file '{path}'.", path),
        Errno.ENOTDIR => new DirectoryNotFoundException($"Could not find a part of the path '{path}': a component is not a directory."),
        Errno.EACCES or Errno.EPERM or Errno.EBADF =>
            new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        Errno.ENAMETOOLONG => new PathTooLongException($"The path '{path}' is too long, or a component of the specified path is too long."),
        Errno.EEXIST => new IOException($"The file '{path}' already exists.", (int)error),
        Errno.EWOULDBLOCK => new IOException($"The process cannot access the file '{path}' because it is being used by another process.", (int)error),
        _ => new IOException($"{Describe(error)} : '{path}'", (int)error),
    };

    public static string Describe(Errno error) => error switch
    {
        Errno.EROFS => "Read-only file system: the overlay has no upper layer",
        Errno.EXDEV => "Invalid cross-device link: the directory is in a lower layer (the kernel rename policy refuses to move it)",
        Errno.ENOTEMPTY => "Directory not empty",
        Errno.ELOOP => "Too many levels of symbolic links",
        Errno.EINVAL => "Invalid argument",
        Errno.EBUSY => "Device or resource busy: the overlay's root",
        Errno.EISDIR => "Is a directory",
        Errno.ENOTDIR => "Not a directory",
        Errno.ENODATA => "No data available: no such extended attribute",
        Errno.EOPNOTSUPP => "Operation not supported: the layer does not store it",
        _ => error.ToString(),
    };

    /// <summary>System.IO refuses a path holding a NUL before any system call (a link's target included).</summary>
    public static void ThrowIfNullCharacter(string path, string parameterName)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Null character in path.", parameterName);
        }
    }

    /// <summary>An <see cref="IOException"/> with HResult COR_E_IO, as System.IO throws for checks it makes itself.</summary>
    public static IOException Plain(string message) => new(message);
}
