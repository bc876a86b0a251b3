using Overlay.Layers;

namespace Overlay;

/// <summary>Settings of an <see cref="OverlayFileSystem"/>, fixed when it is built.</summary>
public sealed record OverlayOptions
{
    /// <summary>What renaming a lower or merged directory does; <see cref="DirectoryRenamePolicy.CopyUp"/> by default.</summary>
    public DirectoryRenamePolicy DirectoryRenamePolicy { get; init; } = DirectoryRenamePolicy.CopyUp;

    /// <summary>
    /// The permission bits taken away from new files and directories, as a process umask. By
    /// default the process's own umask (read once, without changing it, where the platform tells
    /// it; 0022 elsewhere), so new files get the modes System.IO gives them on the real disk.
    /// </summary>
    public UnixFileMode Umask { get; init; } = ProcessUmask.Value;

    /// <summary>
    /// The owner the overlay writes as, the kernel's fsuid and fsgid: new files, directories, links
    /// and nodes get it (a setgid parent's group instead of its group). By default the process's own
    /// effective ids, as a kernel mount gives a process; <see cref="UnixOwner.Root"/> to build a
    /// root file system as a container's root would. Used where the upper keeps owners
    /// (<see cref="IUnixMetadataWrites"/>).
    /// </summary>
    public UnixOwner Owner { get; init; } = ProcessCredentials.Owner;

    /// <summary>The clock that stamps times on writes; the system clock by default.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The current directory the overlay starts with; "/" by default.</summary>
    public string CurrentDirectory { get; init; } = "/";
}
