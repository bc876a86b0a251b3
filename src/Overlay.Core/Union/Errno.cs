namespace Overlay.Union;

/// <summary>
/// The outcome of an engine operation, as the Linux errno the kernel's overlayfs gives for it. The
/// facade turns it into the exception System.IO throws for the same errno.
/// </summary>
internal enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    EBADF = 9,

    /// <summary>EWOULDBLOCK (EAGAIN): flock(2) with LOCK_NB found the file locked, as .NET's FileStream reports a FileShare conflict.</summary>
    EWOULDBLOCK = 11,
    EACCES = 13,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    EROFS = 30,
    ENAMETOOLONG = 36,
    ENOTEMPTY = 39,
    ELOOP = 40,

    /// <summary>No data available: the object has no such extended attribute.</summary>
    ENODATA = 61,

    /// <summary>Operation not supported: the layer cannot store it.</summary>
    EOPNOTSUPP = 95,
}
