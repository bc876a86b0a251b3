using System.IO.Abstractions;

namespace Overlay.MergedView;

/// <summary>Makes <see cref="IDirectoryInfo"/> objects of the merged view.</summary>
internal sealed class OverlayDirectoryInfoFactory(OverlayFileSystem fileSystem, PosixIo io) : IDirectoryInfoFactory
{
    public IFileSystem FileSystem => fileSystem;

    public IDirectoryInfo New(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new OverlayDirectoryInfo(fileSystem, io, path, fileSystem.Path.GetFullPath(path));
    }

    public IDirectoryInfo? Wrap(DirectoryInfo? directoryInfo) =>
        directoryInfo is null ? null : throw new NotSupportedException("Wrap is not supported by an overlay: a DirectoryInfo of the host disk is not an object of the merged view.");
}
