namespace Overlay.Tests.Support;

/// <summary>Which access times a <see cref="LayerSnapshot"/> includes.</summary>
public enum AccessTimeCheck
{
    /// <summary>Every entry's: nothing but a write may change one (a layer in memory).</summary>
    All,

    /// <summary>
    /// Files' and whiteouts' only. On the real disk the kernel stamps, per the mount's atime policy,
    /// a directory's atime when it is listed and a symbolic link's when it is read or followed,
    /// whoever does it: <see cref="Overlay.Layers.HostDirectoryLayer"/> reads files with O_NOATIME,
    /// but lists directories through System.IO (which also stat()s every link it lists) and reads
    /// links with readlink(2), which has no O_NOATIME.
    /// </summary>
    FilesOnly,

    /// <summary>None: the storage stamps an access time on every read, a file's included (the mock).</summary>
    None,
}
