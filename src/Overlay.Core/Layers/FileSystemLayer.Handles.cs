using Microsoft.Win32.SafeHandles;
using Overlay.Layers.Host;

namespace Overlay.Layers;

/// <content>Native handles of the layer's files, for the overlay's SafeFileHandle members.</content>
public partial class FileSystemLayer
{
    /// <summary>
    /// Whether the layer's files are files of the host disk that can be opened as native handles
    /// without following a link: a <see cref="HostDirectoryLayer"/>, or a layer over System.IO's own
    /// <see cref="System.IO.Abstractions.FileSystem"/>, on Linux.
    /// </summary>
    internal bool HasHostHandles =>
        LinuxSyscalls.IsSupported && FileSystem.GetType() == typeof(System.IO.Abstractions.FileSystem);

    /// <summary>
    /// On the real disk only: the work area registers its tokens under its own lock and builds each
    /// object at its own name. Another <see cref="System.IO.Abstractions.IFileSystem"/> (a
    /// MockFileSystem) is not known to take concurrent calls.
    /// </summary>
    private bool StagesConcurrently => FileSystem.GetType() == typeof(System.IO.Abstractions.FileSystem);

    /// <inheritdoc />
    string IHostFileHandles.HostDirectory => Root;

    /// <summary>
    /// The capabilities the storage has: host handles and whole-file reads from the host disk only,
    /// staging beside other calls on the real disk only, redirects in the kernel form only, kind listings on the real disk only; the
    /// one-step rename that leaves a whiteout always (where the storage cannot, it takes two).
    /// </summary>
    TCapability? ILayer.GetCapability<TCapability>()
        where TCapability : class
    {
        bool offered = typeof(TCapability) == typeof(IHostFileHandles) || typeof(TCapability) == typeof(IWholeFileReads) ? HasHostHandles
            : typeof(TCapability) == typeof(IConcurrentStaging) ? StagesConcurrently
            : typeof(TCapability) == typeof(IDirectoryRedirects) ? StoresRedirects
            : typeof(TCapability) == typeof(IUnixMetadata) || typeof(TCapability) == typeof(IUnixMetadataWrites) ? StoresUnixMetadata
            : typeof(TCapability) == typeof(ILowerKindListing) ? ListsKinds
            : true;
        return offered ? this as TCapability : null;
    }

    /// <summary>Whether the layer lists a directory's kinds without reading each object (<see cref="ILowerKindListing"/>: the real disk on Linux).</summary>
    private protected virtual bool ListsKinds => false;

    /// <summary>Whether the storage keeps owners, extended attributes, hard links and special files (the real disk on Linux).</summary>
    private protected virtual bool StoresUnixMetadata => false;

    /// <inheritdoc />
    SafeFileHandle IHostFileHandles.OpenHandle(string path, FileAccess access) => OpenHostHandle(path, access);

    /// <inheritdoc />
    WholeFileRead IWholeFileReads.OpenWholeFile(string path, bool asLower)
    {
        if (TryOpenReadQuickly(path, asLower, out long length) is { } handle)
        {
            return WholeFileRead.FromHandle(handle, length);
        }

        // Refused: the usual way, without asking the quick one a second time.
        return WholeFileRead.FromStream(asLower ? OpenReadCheckingEachParent(path) : OpenFile(path, FileAccess.Read));
    }

    /// <summary>
    /// The root as <see cref="TryOpenReadQuickly"/> names it: with every link on the way to it
    /// resolved (the root may be reached through links, as <see cref="Root"/> says; the quick open
    /// refuses any link, so a link above the root would make it refuse every file). Resolved once;
    /// null when it cannot be, and the quick way is then never taken.
    /// </summary>
    private string? QuickRootPrefix
    {
        get
        {
            if (!Volatile.Read(ref _quickRootResolved))
            {
                string? real = LinuxSyscalls.RealPath(Root);
                _quickRootPrefix = real is null ? null : real == "/" ? string.Empty : real;
                Volatile.Write(ref _quickRootResolved, true);
            }

            return _quickRootPrefix;
        }
    }

    /// <summary>Whether handles opened for reading leave the file's access time alone.</summary>
    private protected virtual bool HandlesPreserveAccessTimes => false;

    /// <summary>
    /// Opens a regular file of the layer for reading in one system call that follows no link on
    /// the way (so the containment rule holds without stat-ing each parent first), with the file's
    /// length. Null whenever that quick way does not answer (the call is unavailable, a link or
    /// something else than a regular file is there, any error): the caller then takes the layer's
    /// usual way, which gives the precise answer.
    /// </summary>
    /// <param name="path">The layer path of a regular file.</param>
    /// <param name="asLower">Read as a lower's file: its access time is left alone when the layer says so; an upper's file is read as any file.</param>
    /// <param name="length">The file's length when it was opened.</param>
    /// <returns>The handle, owning its descriptor, or null.</returns>
    internal SafeFileHandle? TryOpenReadQuickly(string path, bool asLower, out long length)
    {
        length = 0;
        if (!HasHostHandles || path.Length < 2 || path[0] != '/' || path[^1] == '/' || HasDotSegment(path)
            || (IsOci && OciWhiteout.IsReserved(path.AsSpan(path.LastIndexOf('/') + 1))))
        {
            return null;
        }

        if (QuickRootPrefix is not { } root)
        {
            return null;
        }

        string host = _separator == '/' ? root + path : root + path.Replace('/', _separator);
        return LinuxSyscalls.OpenRegularFileNoLinks(host, asLower && HandlesPreserveAccessTimes, out var handle, out length) == 0 ? handle : null;

        // "." and ".." are not links: the quick open would walk them, so such a path takes the usual way.
        static bool HasDotSegment(string path)
        {
            for (int i = path.IndexOf("/.", StringComparison.Ordinal); i >= 0; i = path.IndexOf("/.", i + 1, StringComparison.Ordinal))
            {
                int end = i + 2;
                if (end == path.Length || path[end] == '/' || (path[end] == '.' && (end + 1 == path.Length || path[end + 1] == '/')))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Opens an existing regular file of the layer as a native handle, with <c>O_NOFOLLOW</c> after
    /// the same containment check as every other access (no link on the way is followed), so the
    /// handle never reaches outside the layer.
    /// </summary>
    /// <param name="path">The layer path of a regular file.</param>
    /// <param name="access">Read for any layer; write only for an upper.</param>
    /// <returns>The handle, owning its descriptor.</returns>
    internal SafeFileHandle OpenHostHandle(string path, FileAccess access)
    {
        CheckLayerPath(path);
        if (!HasHostHandles)
        {
            throw new NotSupportedException($"Layer '{Name}' does not keep its files on the host disk.");
        }

        if (access != FileAccess.Read)
        {
            RequireUpper();
        }

        string host = RequireFile(path);
        int errno = access == FileAccess.Read
            ? LinuxSyscalls.OpenReadNoFollow(host, HandlesPreserveAccessTimes, out var handle)
            : LinuxSyscalls.OpenNoFollow(host, access, createNew: false, 0, out handle);
        if (errno != 0)
        {
            handle.Dispose();
            throw new IOException($"Cannot open '{path}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        return handle;
    }
}
