using System.IO.Abstractions;
using Overlay.FileSystem;
using Overlay.Layers;
using Overlay.Union;

namespace Overlay;

/// <summary>
/// An overlay file system: read-only lower layers merged under one writable upper layer, with the
/// Linux kernel's overlayfs semantics (copy-up, whiteouts, opaque directories), used through
/// <see cref="IFileSystem"/>. Paths are POSIX: rooted at "/", '/'-separated, case-sensitive.
/// </summary>
/// <remarks>
/// Safe to use from many threads. Lowers are never written. Errors are the exceptions System.IO
/// throws on Linux against a kernel overlay mount, with the same HResults.
/// </remarks>
public sealed class OverlayFileSystem : IFileSystem
{
    private readonly UnionEngine _engine;
    private readonly Lock _traceGate = new();
    private EventHandler<OverlayEvent>? _trace;
    private string _currentDirectory;

    /// <summary>Builds an overlay.</summary>
    /// <param name="lowersTopFirst">The read-only lower layers, topmost first (as <c>lowerdir=</c> lists them).</param>
    /// <param name="upper">The writable upper layer, or <see langword="null"/> for a read-only overlay.</param>
    /// <param name="options">Settings; the defaults when omitted.</param>
    /// <exception cref="ArgumentException">
    /// No layer at all, a null lower, the upper also listed as a lower, or the
    /// <see cref="DirectoryRenamePolicy.Redirect"/> policy over an upper that cannot store redirects.
    /// </exception>
    public OverlayFileSystem(IEnumerable<ILayer> lowersTopFirst, IWritableLayer? upper, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lowersTopFirst);
        var lowers = lowersTopFirst.ToArray();
        if (lowers.Any(l => l is null))
        {
            throw new ArgumentException("A lower layer is null.", nameof(lowersTopFirst));
        }

        if (upper is not null && lowers.Contains(upper))
        {
            throw new ArgumentException($"Layer '{upper.Name}' cannot be both a lower and the upper: lowers are never written.", nameof(upper));
        }

        if (upper is not null && FileSystemLayer.WhyNotMountable(upper, lowers) is { } reason)
        {
            throw new ArgumentException(reason, nameof(upper));
        }

        Options = options ?? new OverlayOptions();
        if (!Options.CurrentDirectory.StartsWith('/'))
        {
            throw new ArgumentException($"The current directory must be an absolute path: '{Options.CurrentDirectory}'.", nameof(options));
        }

        if (Options.DirectoryRenamePolicy == DirectoryRenamePolicy.Redirect && upper is not null && upper.GetCapability<IDirectoryRedirects>() is null)
        {
            throw new ArgumentException(
                $"The {nameof(DirectoryRenamePolicy.Redirect)} directory rename policy needs an upper that can store directory redirects, and layer '{upper.Name}' cannot (only a {nameof(MemoryLayer)} or a {nameof(HostDirectoryLayer)} in the kernel whiteout form can: OCI layers have no redirects).",
                nameof(options));
        }

        _engine = new UnionEngine(lowers, upper, Options);
        _currentDirectory = Options.CurrentDirectory;
        var watchHub = new OverlayWatchHub(_engine);
        var io = new PosixIo(_engine, watchHub);
        Path = new OverlayPath(this, io);
        File = new OverlayFile(this, io);
        Directory = new OverlayDirectory(this, io);
        FileInfo = new OverlayFileInfoFactory(this, io);
        DirectoryInfo = new OverlayDirectoryInfoFactory(this, io);
        FileStream = new OverlayFileStreamFactory(this, io);
        RandomAccess = new OverlayRandomAccess(this);
        DriveInfo = new OverlayDriveInfoFactory(this);
        FileVersionInfo = new OverlayFileVersionInfoFactory(this);
        FileSystemWatcher = new OverlayFileSystemWatcherFactory(this, watchHub);
        Unix = new OverlayUnix(this, _engine, io);
    }

    /// <summary>Builds an overlay from lowers given topmost first.</summary>
    /// <param name="upper">The writable upper layer, or <see langword="null"/> for a read-only overlay.</param>
    /// <param name="lowersTopFirst">The read-only lower layers, topmost first.</param>
    public OverlayFileSystem(IWritableLayer? upper, params ILayer[] lowersTopFirst)
        : this(lowersTopFirst, upper)
    {
    }

    /// <summary>
    /// Each step the engine takes: which layer answered a lookup, each copy-up, whiteout and opaque
    /// directory written, and each created, deleted, renamed or changed path. Raised when the
    /// operation that took the step has finished, outside the overlay's lock, on the thread that ran
    /// it. Nothing is recorded while no handler is attached. A handler must not throw: the operation
    /// has already taken effect, and the exception would reach its caller.
    /// </summary>
    public event EventHandler<OverlayEvent>? Trace
    {
        add
        {
            lock (_traceGate)
            {
                bool first = _trace is null;
                _trace += value;
                if (first && _trace is not null)
                {
                    _engine.Trace += RaiseTrace;
                }
            }
        }

        remove
        {
            lock (_traceGate)
            {
                _trace -= value;
                if (_trace is null)
                {
                    _engine.Trace -= RaiseTrace;
                }
            }
        }
    }

    private void RaiseTrace(OverlayEvent e) => _trace?.Invoke(this, e);

    /// <summary>The settings this overlay was built with.</summary>
    public OverlayOptions Options { get; }

    /// <summary>Owners, extended attributes, hard links, device nodes and FIFOs: what <see cref="IFileSystem"/> cannot say.</summary>
    public OverlayUnix Unix { get; }

    /// <summary>The lower layers, topmost first.</summary>
    public IReadOnlyList<ILayer> LowersTopFirst => _engine.Lowers;

    /// <summary>The upper layer, or <see langword="null"/> when the overlay is read-only.</summary>
    public IWritableLayer? Upper => _engine.Upper;

    /// <summary>Whether the overlay has no upper: every write fails with EROFS.</summary>
    public bool IsReadOnly => _engine.IsReadOnly;

    /// <summary>The overlay's current directory, against which relative paths resolve.</summary>
    public string CurrentDirectory
    {
        get => Volatile.Read(ref _currentDirectory);
        internal set => Volatile.Write(ref _currentDirectory, value);
    }

    /// <summary>The differences of the merged view from the lowers, sorted by path, as <c>docker diff</c> lists them.</summary>
    /// <returns>Every path added, modified or deleted by the upper.</returns>
    public IReadOnlyList<OverlayChange> Changes() => _engine.Changes();

    /// <summary>Empties the upper layer, so the merged view is the lowers' again.</summary>
    /// <exception cref="InvalidOperationException">The overlay is read-only.</exception>
    public void ResetUpper() => _engine.ResetUpper();

    /// <summary>
    /// Forgets the index of the lowers' content. Call it after a lower was changed outside the
    /// overlay; lowers are otherwise assumed never to change.
    /// </summary>
    public void InvalidateIndex() => _engine.InvalidateIndex();

    /// <inheritdoc />
    public IFile File { get; }

    /// <inheritdoc />
    public IDirectory Directory { get; }

    /// <inheritdoc />
    public IFileInfoFactory FileInfo { get; }

    /// <inheritdoc />
    public IFileStreamFactory FileStream { get; }

    /// <inheritdoc />
    public IPath Path { get; }

    /// <inheritdoc />
    public IDirectoryInfoFactory DirectoryInfo { get; }

    /// <inheritdoc />
    /// <remarks>
    /// The overlay is one drive, named "/" with root "/", format "overlay", as DriveInfo shows a
    /// kernel overlay mount on Linux; its volume label is its name and cannot be set. Its sizes are
    /// those of the upper's storage: the host file system (statvfs) under a host-directory upper,
    /// the memory the runtime may use (<see cref="DriveType.Ram"/>) under an in-memory one; a
    /// read-only overlay has no free space. As on Linux, <c>New</c> takes any directory of the
    /// merged view as a drive name, and a name that is not one gives a drive that is not ready,
    /// whose sizes and format throw <see cref="DriveNotFoundException"/>. <c>Wrap</c> answers the
    /// merged view's drive of the same name.
    /// </remarks>
    public IDriveInfoFactory DriveInfo { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Watchers of the merged view: they see the changes made through this overlay (not those made
    /// directly in a layer's storage) and raise them on the thread of the operation that made them,
    /// after the overlay's lock is released. <c>Wrap</c> of a <see cref="System.IO.FileSystemWatcher"/>
    /// throws <see cref="NotSupportedException"/>: it cannot see the merged view.
    /// </remarks>
    public IFileSystemWatcherFactory FileSystemWatcher { get; }

    /// <inheritdoc />
    /// <remarks>
    /// System.IO's FileVersionInfo of a file of the merged view, named by its merged path. A file of a
    /// host-directory layer is read through its own handle; any other is copied to a temporary file
    /// of the host first, deleted again before the call returns.
    /// </remarks>
    public IFileVersionInfoFactory FileVersionInfo { get; }

    /// <inheritdoc />
    /// <remarks>
    /// System.IO's RandomAccess: every member works on an operating-system handle, such as one
    /// <see cref="IFile.OpenHandle"/> gives for a file of a host-directory layer. Such a handle
    /// reaches the host file directly, outside the overlay's FileShare table, watchers and index.
    /// </remarks>
    public IRandomAccess RandomAccess { get; }
}
