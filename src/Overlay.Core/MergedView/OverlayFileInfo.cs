using System.IO.Abstractions;
using System.Runtime.Versioning;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <summary><see cref="IFileInfo"/> over the merged view.</summary>
internal sealed class OverlayFileInfo : OverlayFileSystemInfo, IFileInfo
{
    public OverlayFileInfo(OverlayFileSystem fileSystem, PosixIo io, string originalPath, string fullPath)
        : base(fileSystem, io, originalPath, fullPath)
    {
    }

    public override bool Exists => Status is { Exists: true, IsDirectory: false };

    /// <summary>As System.IO's FileInfo: the last component as written, so "/a/b/" has none.</summary>
    public override string Name => PosixPath.GetFileName(FullName);

    public long Length
    {
        get
        {
            if (!CheckedStatus.Exists || Status.IsDirectory)
            {
                throw new FileNotFoundException($"Could not find file '{FullName}'.", FullName);
            }

            return Status.Node.Entry.Length;
        }
    }

    public string? DirectoryName => PosixPath.GetDirectoryName(FullName);

    public IDirectoryInfo? Directory => DirectoryName is { } name ? OverlayFileSystem.DirectoryInfo.New(name) : null;

    public bool IsReadOnly
    {
        get => (Attributes & FileAttributes.ReadOnly) != 0;
        set => Attributes = value ? Attributes | FileAttributes.ReadOnly : Attributes & ~FileAttributes.ReadOnly;
    }

    public override void Delete()
    {
        Io.DeleteFile(FullName);
        Invalidate();
    }

    public FileSystemStream Create()
    {
        var stream = OverlayFileSystem.File.Create(FullName);
        Invalidate();
        return stream;
    }

    public StreamWriter CreateText() => OverlayFileSystem.File.CreateText(FullName);

    public StreamWriter AppendText() => OverlayFileSystem.File.AppendText(FullName);

    public StreamReader OpenText() => OverlayFileSystem.File.OpenText(FullName);

    public FileSystemStream OpenRead() => OverlayFileSystem.File.OpenRead(FullName);

    public FileSystemStream OpenWrite() => OverlayFileSystem.File.OpenWrite(FullName);

    public FileSystemStream Open(FileMode mode) => OverlayFileSystem.File.Open(FullName, mode);

    public FileSystemStream Open(FileMode mode, FileAccess access) => OverlayFileSystem.File.Open(FullName, mode, access);

    public FileSystemStream Open(FileMode mode, FileAccess access, FileShare share) => OverlayFileSystem.File.Open(FullName, mode, access, share);

    public FileSystemStream Open(FileStreamOptions options) => OverlayFileSystem.File.Open(FullName, options);

    public IFileInfo CopyTo(string destFileName) => CopyTo(destFileName, overwrite: false);

    public IFileInfo CopyTo(string destFileName, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(destFileName);
        OverlayFileSystem.File.Copy(FullName, destFileName, overwrite);
        return OverlayFileSystem.FileInfo.New(destFileName);
    }

    public void MoveTo(string destFileName) => MoveTo(destFileName, overwrite: false);

    public void MoveTo(string destFileName, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(destFileName);
        string destination = OverlayFileSystem.Path.GetFullPath(destFileName);
        OverlayFileSystem.File.Move(FullName, destination, overwrite);
        FullName = destination;
        OriginalPath = destFileName;
        Invalidate();
    }

    public IFileInfo Replace(string destinationFileName, string? destinationBackupFileName) =>
        Replace(destinationFileName, destinationBackupFileName, ignoreMetadataErrors: false);

    public IFileInfo Replace(string destinationFileName, string? destinationBackupFileName, bool ignoreMetadataErrors)
    {
        OverlayFileSystem.File.Replace(FullName, destinationFileName, destinationBackupFileName, ignoreMetadataErrors);
        return OverlayFileSystem.FileInfo.New(destinationFileName);
    }

    [UnsupportedOSPlatform("linux")]
    public void Decrypt() => throw new PlatformNotSupportedException("File encryption is not supported on this platform.");

    [UnsupportedOSPlatform("linux")]
    public void Encrypt() => throw new PlatformNotSupportedException("File encryption is not supported on this platform.");
}
