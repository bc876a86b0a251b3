using System.IO.Abstractions;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers.Host;

namespace Overlay.Layers;

/// <summary>
/// A layer in a directory of the real disk: a lower (an extracted image layer, a root file system)
/// or an upper with its work directory, like the kernel's <c>lowerdir=</c>, <c>upperdir=</c> and
/// <c>workdir=</c>.
/// </summary>
/// <remarks>
/// <para>
/// On Linux the layer reads its directories with <c>statx</c> (one call per name, never following a
/// symbolic link), opens lower files with <c>O_NOFOLLOW</c> and, where allowed, <c>O_NOATIME</c>
/// (reading an image does not touch its files' access times), and takes no file locks on them, so
/// any number of overlays can share a lower. Elsewhere it works through System.IO with the same
/// containment rules, and <see cref="HostDirectoryLayerOptions.PreserveAccessTimes"/> and
/// directory syncs are not available.
/// </para>
/// <para>
/// As an upper, the work directory must be on the same file system as the layer (a rename across
/// file systems is a copy, not one atomic step): this is checked when the layer is built, and
/// <see cref="IOException"/> names both directories otherwise. While the layer is open it holds the
/// work directory for itself (another upper over the same work directory fails, as a second kernel
/// mount does); <see cref="FileSystemLayer.Dispose()"/> lets it go.
/// </para>
/// </remarks>
public sealed partial class HostDirectoryLayer : FileSystemLayer
{
    private static readonly IFileSystem Disk = new System.IO.Abstractions.FileSystem();

    private readonly bool _native = LinuxSyscalls.IsSupported;
    private readonly string _attributePrefix;
    private SafeFileHandle? _workLock;

    /// <summary>Opens a directory of the real disk as a layer.</summary>
    /// <param name="root">The layer's directory; it must exist.</param>
    /// <param name="options">Settings; an OCI-form lower when omitted.</param>
    /// <exception cref="DirectoryNotFoundException">The root (or the work directory's parent) does not exist.</exception>
    /// <exception cref="ArgumentException">The work directory and the root overlap.</exception>
    /// <exception cref="IOException">The work directory is on another file system, or in use by another layer.</exception>
    public HostDirectoryLayer(string root, HostDirectoryLayerOptions? options = null)
        : base(Disk, root, options ?? new HostDirectoryLayerOptions())
    {
        options ??= new HostDirectoryLayerOptions();
        Durable = options.Durable;
        PreserveAccessTimes = options.PreserveAccessTimes;
        UserExtendedAttributes = options.UserExtendedAttributes;
        _attributePrefix = KernelWhiteout.PrefixFor(options.UserExtendedAttributes);
    }

    /// <summary>Whether what the overlay builds is flushed to the disk before it becomes visible.</summary>
    public bool Durable { get; }

    /// <summary>Whether lower files are read without updating their access times (where the platform allows).</summary>
    public bool PreserveAccessTimes { get; }

    /// <summary>Whether the kernel form's attributes are <c>user.overlay.*</c> rather than <c>trusted.overlay.*</c>.</summary>
    public bool UserExtendedAttributes { get; }

    private bool IsKernelForm => WhiteoutForm == WhiteoutForm.Kernel;

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_workLock is not null)
            {
                LinuxSyscalls.UnlockDirectory(_workLock);
                _workLock = null;
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    private protected override void OpenWorkDirectory()
    {
        if (!_native)
        {
            return;
        }

        string work = WorkDirectory!;
        var workStat = default(LinuxSyscalls.StatxResult);
        int errno = LinuxSyscalls.LStat(Root, out var root);
        if (errno == 0)
        {
            errno = LinuxSyscalls.LStat(work, out workStat);
        }

        if (errno != 0)
        {
            throw new IOException($"Cannot read '{Root}' or '{work}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        if (root.DevMajor != workStat.DevMajor || root.DevMinor != workStat.DevMinor)
        {
            throw new IOException(
                $"The work directory '{work}' is not on the same file system as the upper '{Root}' of layer '{Name}': a copy-up could not be renamed into place in one atomic step.",
                LinuxSyscalls.EXDEV);
        }

        errno = LinuxSyscalls.LockDirectory(work, out var handle);
        if (errno != 0)
        {
            handle.Dispose();
            throw errno == LinuxSyscalls.EWOULDBLOCK
                ? new IOException($"The work directory '{work}' is in use by another overlay's upper.", LinuxSyscalls.EBUSY)
                : new IOException($"Cannot lock the work directory '{work}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        _workLock = handle;
    }

    /// <inheritdoc />
    private protected override bool StorageIsPosix => _native;

    /// <inheritdoc />
    private protected override HostEntry Stat(string hostPath)
    {
        if (!_native)
        {
            return base.Stat(hostPath);
        }

        int errno = LinuxSyscalls.LStat(hostPath, out var s);
        if (errno != 0)
        {
            return IsAbsence(errno) ? HostEntry.Missing : throw StorageError(errno, "look up", hostPath);
        }

        var kind = s.Type switch
        {
            LinuxSyscalls.S_IFREG => HostEntryKind.File,
            LinuxSyscalls.S_IFDIR => HostEntryKind.Directory,
            LinuxSyscalls.S_IFLNK => HostEntryKind.SymbolicLink,
            LinuxSyscalls.S_IFCHR when KernelWhiteout.IsWhiteoutDevice(s.RdevMajor, s.RdevMinor) => HostEntryKind.WhiteoutDevice,
            LinuxSyscalls.S_IFCHR => HostEntryKind.CharacterDevice,
            LinuxSyscalls.S_IFBLK => HostEntryKind.BlockDevice,
            LinuxSyscalls.S_IFIFO => HostEntryKind.Fifo,
            LinuxSyscalls.S_IFSOCK => HostEntryKind.Socket,
            _ => HostEntryKind.Other,
        };
        // A length is a file's: a directory's st_size is its storage's business (4096 on ext4), and a
        // layer reports 0 for it (LayerEntry.Length), as the base class and MemoryLayer do.
        long length = kind == HostEntryKind.File ? (long)s.Size : 0;
        if (kind == HostEntryKind.File && RecordedDevice(hostPath, s) is { } device)
        {
            // A device kept as a record where mknod was not allowed (HostDirectoryLayer.Unix.cs).
            return new HostEntry(device.Kind == LayerEntryKind.BlockDevice ? HostEntryKind.BlockDevice : HostEntryKind.CharacterDevice, device.Mode, 0, s.LastWriteTimeUtc, s.LastAccessTimeUtc, s.CreationTimeUtc);
        }

        return new HostEntry(kind, s.Permissions, length, s.LastWriteTimeUtc, s.LastAccessTimeUtc, s.CreationTimeUtc);
    }

    /// <inheritdoc />
    private protected override void CheckKernelFormSupported()
    {
        if (!_native)
        {
            throw new PlatformNotSupportedException(
                $"Layer '{Name}' cannot use the kernel whiteout form: it needs character devices and extended attributes as Linux has them.");
        }
    }

    /// <inheritdoc />
    private protected override bool IsOpaqueDirectory(string hostPath) =>
        IsKernelForm ? ReadAttribute(hostPath, KernelWhiteout.Opaque) is "y" : base.IsOpaqueDirectory(hostPath);

    /// <inheritdoc />
    private protected override bool IsXWhiteout(string hostPath)
    {
        // The kernel reads an xwhiteout only in a directory that says it holds some (opaque=x).
        int slash = hostPath.LastIndexOf('/');
        return slash > 0
            && ReadAttribute(hostPath[..slash], KernelWhiteout.Opaque) is "x"
            && ReadAttribute(hostPath, KernelWhiteout.Whiteout) is not null;
    }

    /// <inheritdoc />
    private protected override void SetOpaqueMark(string hostDirectory, bool opaque, bool keepTimes)
    {
        if (!IsKernelForm)
        {
            base.SetOpaqueMark(hostDirectory, opaque, keepTimes);
            return;
        }

        // An attribute changes the directory's ctime only: its mtime stays as it was.
        string name = _attributePrefix + KernelWhiteout.Opaque;
        int errno = opaque
            ? LinuxSyscalls.SetXattr(hostDirectory, name, "y"u8, 0)
            : LinuxSyscalls.RemoveXattr(hostDirectory, name);
        if (errno != 0 && !(errno == LinuxSyscalls.ENODATA && !opaque))
        {
            throw new IOException($"Cannot {(opaque ? "set" : "remove")} {name} on '{hostDirectory}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }

    /// <inheritdoc />
    private protected override bool StoresRedirects => IsKernelForm && _native;

    /// <inheritdoc />
    private protected override string? ReadRedirect(string hostPath) =>
        IsKernelForm ? ReadAttribute(hostPath, KernelWhiteout.Redirect) : null;

    /// <inheritdoc />
    private protected override void WriteRedirect(string hostDirectory, string? redirect)
    {
        // An attribute changes the directory's ctime only: its mtime stays as it was.
        string name = _attributePrefix + KernelWhiteout.Redirect;
        int errno = redirect is not null
            ? LinuxSyscalls.SetXattr(hostDirectory, name, System.Text.Encoding.UTF8.GetBytes(redirect), 0)
            : LinuxSyscalls.RemoveXattr(hostDirectory, name);
        if (errno != 0 && !(errno == LinuxSyscalls.ENODATA && redirect is null))
        {
            throw new IOException($"Cannot {(redirect is not null ? "set" : "remove")} {name} on '{hostDirectory}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }

    /// <inheritdoc />
    private protected override void BuildWhiteout(string hostPath)
    {
        if (!IsKernelForm)
        {
            base.BuildWhiteout(hostPath);
            return;
        }

        int errno = LinuxSyscalls.MakeNode(hostPath, LinuxSyscalls.S_IFCHR, LinuxSyscalls.MakeDevice(0, 0));
        if (errno != 0)
        {
            throw new IOException($"Cannot make a whiteout (character device 0/0) at '{hostPath}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }

    /// <inheritdoc />
    private protected override bool TryRenameLeavingWhiteout(string hostSource, string hostDestination)
    {
        if (!IsKernelForm)
        {
            return false;
        }

        int errno = LinuxSyscalls.RenameAt2(hostSource, hostDestination, LinuxSyscalls.RENAME_WHITEOUT);
        if (errno is LinuxSyscalls.EINVAL or LinuxSyscalls.ENOSYS or LinuxSyscalls.EOPNOTSUPP)
        {
            // A file system (or a kind of object) without RENAME_WHITEOUT: the caller takes two steps.
            return false;
        }

        ThrowOnError(errno, "rename (leaving a whiteout)", hostSource, hostDestination);
        return true;
    }

    private string? ReadAttribute(string hostPath, string name)
    {
        int errno = LinuxSyscalls.GetXattr(hostPath, _attributePrefix + name, out var value);
        if (errno != 0)
        {
            // No such attribute, or none on this file system: the mark is not there. Any other
            // failure is the storage's, and the object's state is unknown (the kernel's lookup
            // fails the same way rather than guess).
            return errno is LinuxSyscalls.ENODATA or LinuxSyscalls.ENOTSUP || IsAbsence(errno)
                ? null
                : throw StorageError(errno, $"read {_attributePrefix + name} of", hostPath);
        }

        return value is not null ? System.Text.Encoding.UTF8.GetString(value) : null;
    }

    /// <summary>
    /// Whether a failed call's errno means the object is not there. Only ENOENT does, ENOTDIR (a
    /// component of the path is not a directory) and ENAMETOOLONG (a name the storage cannot hold,
    /// such as the OCI whiteout of a 252-byte name, is not held): every other errno — EIO, EACCES,
    /// ELOOP, ENOMEM... — is a failure of the storage, never an answer that the name is free, or a
    /// deleted or modified object would read as its lower original.
    /// </summary>
    internal static bool IsAbsence(int errno) => errno is LinuxSyscalls.ENOENT or LinuxSyscalls.ENOTDIR or LinuxSyscalls.ENAMETOOLONG;

    /// <summary>The exception a storage failure is reported with: System.IO's, carrying the errno.</summary>
    private IOException StorageError(int errno, string what, string hostPath) =>
        new($"Cannot {what} '{hostPath}' in layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);

    /// <inheritdoc />
    private protected override IEnumerable<string> ListNames(string hostPath)
    {
        if (!_native)
        {
            return base.ListNames(hostPath);
        }

        // System.IO's enumeration stat()s every link it lists, following it onto the host.
        var names = new List<string>();
        int errno = LinuxSyscalls.ListDirectory(hostPath, PreserveAccessTimes, names);
        return errno switch
        {
            0 => names,
            LinuxSyscalls.ENOENT or LinuxSyscalls.ENOTDIR => [],
            _ => throw new IOException($"Cannot list '{hostPath}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno),
        };
    }

    /// <inheritdoc />
    private protected override IEnumerable<string>? ListNamesQuietly(string hostPath)
    {
        if (!_native)
        {
            return base.ListNamesQuietly(hostPath);
        }

        var names = new List<string>();
        int errno = LinuxSyscalls.ListDirectory(hostPath, noAtime: true, names);
        return errno switch
        {
            0 => names,
            LinuxSyscalls.ENOENT or LinuxSyscalls.ENOTDIR => null,
            _ => throw new IOException($"Cannot list '{hostPath}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno),
        };
    }

    /// <inheritdoc />
    private protected override bool HandlesPreserveAccessTimes => PreserveAccessTimes;

    /// <inheritdoc />
    private protected override Stream OpenReadNoFollow(string hostPath)
    {
        if (!_native)
        {
            return base.OpenReadNoFollow(hostPath);
        }

        int errno = LinuxSyscalls.OpenReadNoFollow(hostPath, PreserveAccessTimes, out var handle);
        if (errno != 0)
        {
            handle.Dispose();
            throw new IOException($"Cannot open '{hostPath}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }

        // A FileStream over a handle takes no advisory lock: overlays sharing a lower never block
        // each other.
        return new FileStream(handle, FileAccess.Read, 1);
    }

    /// <inheritdoc />
    private protected override Stream OpenExisting(string hostPath, FileAccess access) =>
        _native ? OpenNative(hostPath, access, createNew: false) : base.OpenExisting(hostPath, access);

    /// <inheritdoc />
    private protected override Stream CreateNew(string hostPath) =>
        _native ? OpenNative(hostPath, FileAccess.Write, createNew: true) : base.CreateNew(hostPath);

    /// <inheritdoc />
    private protected override void MoveNoReplace(string hostSource, string hostDestination)
    {
        if (!_native)
        {
            base.MoveNoReplace(hostSource, hostDestination);
            return;
        }

        int errno = LinuxSyscalls.RenameAt2(hostSource, hostDestination, LinuxSyscalls.RENAME_NOREPLACE);
        if (errno == LinuxSyscalls.EINVAL || errno == LinuxSyscalls.ENOSYS)
        {
            // A file system without RENAME_NOREPLACE: the caller has checked the name is free.
            base.MoveNoReplace(hostSource, hostDestination);
            return;
        }

        ThrowOnError(errno, "rename", hostSource, hostDestination);
    }

    /// <inheritdoc />
    private protected override bool TryRemoveNonDirectory(string hostPath)
    {
        if (!_native)
        {
            return false;
        }

        // EISDIR: a directory, removed with what it holds; ENOENT and the rest: the long way
        // looks, and answers (or throws) as it did before this call was tried.
        return LinuxSyscalls.Unlink(hostPath) == 0;
    }

    /// <inheritdoc />
    private protected override bool TryCreateFileWithMode(string hostPath, UnixFileMode mode)
    {
        if (!_native)
        {
            return false;
        }

        int errno = LinuxSyscalls.OpenNoFollow(hostPath, FileAccess.Write, createNew: true, mode, out var handle);
        handle.Dispose();
        ThrowIfNotCreated(errno, hostPath, "the file");
        return true;
    }

    /// <inheritdoc />
    private protected override bool TryCreateDirectoryWithMode(string hostPath, UnixFileMode mode)
    {
        if (!_native)
        {
            return false;
        }

        ThrowIfNotCreated(LinuxSyscalls.Mkdir(hostPath, mode), hostPath, "the directory");
        return true;
    }

    /// <summary>The exception System.IO would give for a failed create of a new name.</summary>
    private void ThrowIfNotCreated(int errno, string hostPath, string what)
    {
        if (errno != 0)
        {
            throw errno switch
            {
                LinuxSyscalls.EEXIST => new IOException($"'{hostPath}' already exists in layer '{Name}'.", errno),
                LinuxSyscalls.ENOENT => new DirectoryNotFoundException($"The directory of '{hostPath}' is not in layer '{Name}'."),
                _ => new IOException($"Cannot create {what} '{hostPath}' in layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno),
            };
        }
    }

    /// <inheritdoc />
    private protected override bool ReadHasDefaultAcl(string hostDirectory) =>
        _native && LinuxSyscalls.GetXattr(hostDirectory, DefaultAclAttribute, out _) == 0;

    /// <inheritdoc />
    private protected override bool TryMoveToFreeName(string hostSource, string hostDestination)
    {
        if (!_native)
        {
            return false;
        }

        int errno = LinuxSyscalls.RenameAt2(hostSource, hostDestination, LinuxSyscalls.RENAME_NOREPLACE);
        if (errno == 0)
        {
            return true;
        }

        // ENOENT: the source is not there (the destination's parent was checked); EEXIST: the name
        // is taken; EINVAL, ENOSYS: no RENAME_NOREPLACE here. The long way decides each.
        if (errno is LinuxSyscalls.ENOENT or LinuxSyscalls.EEXIST or LinuxSyscalls.EINVAL or LinuxSyscalls.ENOSYS)
        {
            return false;
        }

        ThrowOnError(errno, "rename", hostSource, hostDestination);
        return false;
    }

    /// <inheritdoc />
    private protected override void MoveReplacing(string hostSource, HostEntry source, string hostDestination)
    {
        if (!_native)
        {
            base.MoveReplacing(hostSource, source, hostDestination);
            return;
        }

        // rename(2) replaces a non-directory in one step, whatever kind either side is.
        ThrowOnError(LinuxSyscalls.RenameAt2(hostSource, hostDestination, 0), "rename", hostSource, hostDestination);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Between two files of the disk (a lower's file copied up into this upper), the kernel copies
    /// the data itself: a reflink where the file system shares extents, else
    /// <c>copy_file_range</c>; whatever it cannot copy is copied through a buffer.
    /// </remarks>
    private protected override void CopyData(Stream content, Stream destination)
    {
        if (_native && content is FileStream source && destination is FileStream target && source.CanSeek && target.CanSeek)
        {
            long sourceStart = source.Position;
            long targetStart = target.Position;
            target.Flush();
            int errno = LinuxSyscalls.CopyFileData(source.SafeFileHandle, sourceStart, target.SafeFileHandle, targetStart, out long copied, startWriteback: Durable);
            source.Position = sourceStart + copied;
            target.Position = targetStart + copied;
            if (errno == 0)
            {
                return;
            }
        }

        base.CopyData(content, destination);
    }

    /// <inheritdoc />
    private protected override void SyncFile(Stream stream)
    {
        if (Durable && stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else if (Durable)
        {
            stream.Flush();
        }
    }

    /// <inheritdoc />
    private protected override void SyncDirectory(string hostPath)
    {
        if (Durable && _native)
        {
            // Where the platform cannot sync a directory this is a no-op: the rename itself is atomic,
            // only its durability across a power loss is not promised.
            _ = LinuxSyscalls.FsyncDirectory(hostPath);
        }
    }

    /// <summary>
    /// Opens an upper file without following a link and without the advisory lock System.IO would
    /// take: the overlay emulates FileShare itself, and another program's lock on the upper's
    /// files must not make the overlay fail.
    /// </summary>
    private FileStream OpenNative(string hostPath, FileAccess access, bool createNew)
    {
        const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the layer sets the real mode next
        int errno = LinuxSyscalls.OpenNoFollow(hostPath, access, createNew, NewFileMode, out var handle);
        if (errno != 0)
        {
            handle.Dispose();
            throw errno switch
            {
                LinuxSyscalls.EEXIST => new IOException($"'{hostPath}' already exists in layer '{Name}'.", errno),
                LinuxSyscalls.ENOENT => new FileNotFoundException($"'{hostPath}' is not in layer '{Name}'.", hostPath),
                _ => new IOException($"Cannot open '{hostPath}' of layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno),
            };
        }

        return new FileStream(handle, access, 1);
    }

    private void ThrowOnError(int errno, string operation, string source, string destination)
    {
        if (errno != 0)
        {
            throw new IOException($"Cannot {operation} '{source}' to '{destination}' in layer '{Name}': {LinuxSyscalls.Describe(errno)}.", errno);
        }
    }
}
