using System.IO.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Overlay.MergedView;

/// <summary><see cref="IFileStreamFactory"/> over the merged view: opens go through the engine's copy-up rules.</summary>
internal sealed class OverlayFileStreamFactory : IFileStreamFactory
{
    private const int DefaultBufferSize = 4096;

    private readonly OverlayFileSystem _fileSystem;
    private readonly PosixIo _io;

    public OverlayFileStreamFactory(OverlayFileSystem fileSystem, PosixIo io)
    {
        _fileSystem = fileSystem;
        _io = io;
    }

    public IFileSystem FileSystem => _fileSystem;

    public FileSystemStream New(string path, FileMode mode) =>
        New(path, mode, mode == FileMode.Append ? FileAccess.Write : FileAccess.ReadWrite, FileShare.Read);

    public FileSystemStream New(string path, FileMode mode, FileAccess access) => New(path, mode, access, FileShare.Read);

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share) =>
        New(path, mode, access, share, DefaultBufferSize, FileOptions.None);

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize) =>
        New(path, mode, access, share, bufferSize, FileOptions.None);

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize, bool useAsync) =>
        New(path, mode, access, share, bufferSize, useAsync ? FileOptions.Asynchronous : FileOptions.None);

    public FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize, FileOptions options) =>
        Open(path, mode, access, share, bufferSize, options, null);

    public FileSystemStream New(string path, FileStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Open(path, options.Mode, options.Access, options.Share, options.BufferSize, options.Options, options.UnixCreateMode);
    }

    private OverlayFileStream Open(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize, FileOptions options, UnixFileMode? unixCreateMode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferSize);
        string full = _fileSystem.Path.GetFullPath(path);
        return _io.Open(full, mode, access, share, options, unixCreateMode);
    }

    // A stream over an operating-system handle is System.IO's FileStream over it: the handle is a
    // host file already (see OpenHandle), outside the overlay's share table and watchers.
    public FileSystemStream New(SafeFileHandle handle, FileAccess access) => OverHandle(new FileStream(handle, access));

    public FileSystemStream New(SafeFileHandle handle, FileAccess access, int bufferSize) => OverHandle(new FileStream(handle, access, bufferSize));

    public FileSystemStream New(SafeFileHandle handle, FileAccess access, int bufferSize, bool isAsync) =>
        OverHandle(new FileStream(handle, access, bufferSize, isAsync));

    private static OverlayFileStream OverHandle(FileStream stream) => new(stream, stream.Name, stream.IsAsync);

    public FileSystemStream Wrap(FileStream fileStream) =>
        throw new NotSupportedException("Wrap is not supported by an overlay: a FileStream of the host disk is not an object of the merged view.");
}
