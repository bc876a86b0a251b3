using System.IO.Abstractions;
using Overlay.Layers;

namespace Overlay.MergedView;

/// <summary>
/// The overlay as a drive, as DriveInfo shows a kernel overlay mount on Linux: format "overlay", the
/// volume label is the name and cannot be set. The sizes are those of the storage the upper writes
/// to: the host file system under a host-directory upper (statvfs), the memory the runtime may use
/// under an in-memory upper; a read-only overlay has no free space.
/// </summary>
internal sealed class OverlayDriveInfo(OverlayFileSystem fileSystem, string name) : IDriveInfo
{
    public IFileSystem FileSystem => fileSystem;

    public string Name => name;

    public bool IsReady => fileSystem.Directory.Exists(name);

    public IDirectoryInfo RootDirectory => fileSystem.DirectoryInfo.New(name);

    public string DriveFormat => Ready("overlay");

    public DriveType DriveType => IsReady ? (HostDrive() is null ? DriveType.Ram : DriveType.Fixed) : DriveType.NoRootDirectory;

    public long TotalSize => Ready(0L) + Sizes().Total;

    public long TotalFreeSpace => Ready(0L) + Sizes().Free;

    public long AvailableFreeSpace => Ready(0L) + Sizes().Available;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public string VolumeLabel
    {
        get => name;
        set => throw new PlatformNotSupportedException("Operation is not supported on this platform.");
    }

    public override string ToString() => name;

    private T Ready<T>(T value) => IsReady
        ? value
        : throw new DriveNotFoundException($"Could not find the drive '{name}'. The drive might not be ready or might not be mapped.");

    /// <summary>The host drive the upper (or, read-only, the top lower) stores its files on; null for memory.</summary>
    private DriveInfo? HostDrive()
    {
        ILayer? storage = (ILayer?)fileSystem.Upper ?? (fileSystem.LowersTopFirst.Count > 0 ? fileSystem.LowersTopFirst[0] : null);
        return storage?.GetCapability<IHostFileHandles>() is { } host ? new DriveInfo(host.HostDirectory) : null;
    }

    private (long Total, long Free, long Available) Sizes()
    {
        long total;
        long free;
        long available;
        if (HostDrive() is { } drive)
        {
            (total, free, available) = (drive.TotalSize, drive.TotalFreeSpace, drive.AvailableFreeSpace);
        }
        else
        {
            // An in-memory layer holds what the process can allocate.
            var memory = GC.GetGCMemoryInfo();
            total = memory.TotalAvailableMemoryBytes;
            free = Math.Max(0, total - GC.GetTotalMemory(forceFullCollection: false));
            available = free;
        }

        return fileSystem.IsReadOnly ? (total, 0, 0) : (total, free, available);
    }
}
