using System.IO.Abstractions;

namespace Overlay.MergedView;

/// <summary>Makes <see cref="OverlayFileSystemWatcher"/>s of the merged view.</summary>
internal sealed class OverlayFileSystemWatcherFactory(OverlayFileSystem fileSystem, OverlayWatchHub hub) : IFileSystemWatcherFactory
{
    public IFileSystem FileSystem => fileSystem;

    public IFileSystemWatcher New() => new OverlayFileSystemWatcher(fileSystem, hub);

    public IFileSystemWatcher New(string path) => new OverlayFileSystemWatcher(fileSystem, hub, path);

    public IFileSystemWatcher New(string path, string filter) => new OverlayFileSystemWatcher(fileSystem, hub, path, filter);

    public IFileSystemWatcher? Wrap(FileSystemWatcher? fileSystemWatcher) => fileSystemWatcher is null ? null
        : throw new NotSupportedException(
            "A System.IO.FileSystemWatcher watches the host's file system through the kernel and cannot see the overlay's merged view, which exists only in this process: use FileSystemWatcher.New(path) of the overlay instead.");
}
