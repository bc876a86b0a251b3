using System.IO.Abstractions;

namespace Overlay.MergedView;

/// <summary>Makes <see cref="IFileInfo"/> objects of the merged view.</summary>
internal sealed class OverlayFileInfoFactory(OverlayFileSystem fileSystem, PosixIo io) : IFileInfoFactory
{
    public IFileSystem FileSystem => fileSystem;

    public IFileInfo New(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return new OverlayFileInfo(fileSystem, io, fileName, fileSystem.Path.GetFullPath(fileName));
    }

    public IFileInfo? Wrap(FileInfo? fileInfo) =>
        fileInfo is null ? null : throw new NotSupportedException("Wrap is not supported by an overlay: a FileInfo of the host disk is not an object of the merged view.");
}
