using System.IO.Abstractions;
using Overlay.MergedView;
using Overlay.Layers;
using Overlay.Union;

namespace Overlay;

/// <summary>
/// An overlay file system: read-only lower layers merged under one writable upper layer, with the
/// Linux kernel's overlayfs semantics (copy-up, whiteouts, opaque directories), used through
/// <see cref="IFileSystem"/>. Paths are POSIX: rooted at "/", '/'-separated, case-sensitive.
/// </summary>
/// <remarks>
/// <para>
/// Safe to use from many threads. Lowers are never written. Errors are the exceptions System.IO
/// throws on Linux against a kernel overlay mount, with the same HResults.
/// </para>
/// <para>
/// Built in one way only, with the lowers as a list and the upper on its own:
/// <c>new OverlayFileSystem(lowersTopFirst: [image], upper: container)</c>. A layer given where the
/// other is expected does not compile, so an image can never become an upper by mistake.
/// </para>
/// <para>
/// Ownership: the layers stay the caller's. An overlay never disposes them (one image may be under
/// many overlays at once); dispose a layer after every overlay built on it. <see cref="Dispose"/>
/// releases what the overlay opened itself: it stops and disposes the watchers it created and
/// detaches the <see cref="Trace"/> handlers. After it, <see cref="Changes"/>,
/// <see cref="ResetUpper"/> and <see cref="InvalidateIndex"/> throw <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed class OverlayFileSystem : IFileSystem, IDisposable
{
    private readonly UnionEngine _engine;
    private readonly PosixIo _io;
    private readonly Lock _traceGate = new();
    private EventHandler<OverlayEvent>? _trace;
    private EventHandler<OverlayEvent>? _lookupTrace;
    private string _currentDirectory;
    private int _disposed;

    /// <summary>Builds an overlay: a list of read-only lowers, and one writable upper (or none).</summary>
    /// <param name="lowersTopFirst">The read-only lower layers, topmost first (as <c>lowerdir=</c> lists them), e.g. <c>[image]</c>.</param>
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

        _currentDirectory = Options.CurrentDirectory;
        _engine = new UnionEngine(lowers, upper, Options);
        var io = _io = new PosixIo(_engine);
        Path = new OverlayPath(this, io);
        File = new OverlayFile(this, io);
        Directory = new OverlayDirectory(this, io);
        FileInfo = new OverlayFileInfoFactory(this, io);
        DirectoryInfo = new OverlayDirectoryInfoFactory(this, io);
        FileStream = new OverlayFileStreamFactory(this, io);
        RandomAccess = new OverlayRandomAccess(this);
        DriveInfo = new OverlayDriveInfoFactory(this);
        FileVersionInfo = new OverlayFileVersionInfoFactory(this);
        FileSystemWatcher = new OverlayFileSystemWatcherFactory(this, io.Watchers);
        Unix = new OverlayUnix(this, io);
    }

    /// <summary>
    /// The upper-first shape, kept for the library's own tests only: in the public surface a
    /// <see cref="MemoryLayer"/> (both a lower and an upper) made <c>(image, container)</c> compile
    /// with the image as the upper.
    /// </summary>
    internal OverlayFileSystem(IWritableLayer? upper, params ILayer[] lowersTopFirst)
        : this(lowersTopFirst, upper)
    {
    }

    /// <summary>
    /// Each step the engine takes that writes: each copy-up, whiteout and opaque directory written,
    /// and each created, deleted, renamed or changed path (lookups are <see cref="LookupTrace"/>'s).
    /// Raised when the operation that took the step has finished, outside the overlay's lock, on the
    /// thread that ran it. Nothing is recorded while no handler is attached, and a handler changes
    /// nothing of how the overlay works. A handler must not throw: the operation has already taken
    /// effect, and the exception would reach its caller.
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
                    _io.Trace += RaiseTrace;
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
                    _io.Trace -= RaiseTrace;
                }
            }
        }
    }

    private void RaiseTrace(OverlayEvent e) => _trace?.Invoke(this, e);

    /// <summary>
    /// Each lookup and each step of its walk (<see cref="OverlayEventKind.Lookup"/>,
    /// <see cref="OverlayEventKind.LookupStep"/>, <see cref="OverlayEventKind.LookupMerge"/>,
    /// <see cref="OverlayEventKind.LookupWhiteout"/>): which layer answered each name. Raised as
    /// <see cref="Trace"/> is. While a handler is attached every lookup walks the layers (the lookup
    /// cache is not used, and a large copy-up is made under the lock, so an open reports one
    /// lookup): attach one only to look at lookups.
    /// </summary>
    public event EventHandler<OverlayEvent>? LookupTrace
    {
        add
        {
            lock (_traceGate)
            {
                bool first = _lookupTrace is null;
                _lookupTrace += value;
                if (first && _lookupTrace is not null)
                {
                    _io.LookupTrace += RaiseLookupTrace;
                }
            }
        }

        remove
        {
            lock (_traceGate)
            {
                _lookupTrace -= value;
                if (_lookupTrace is null)
                {
                    _io.LookupTrace -= RaiseLookupTrace;
                }
            }
        }
    }

    private void RaiseLookupTrace(OverlayEvent e) => _lookupTrace?.Invoke(this, e);

    /// <summary>The settings this overlay was built with.</summary>
    public OverlayOptions Options { get; }

    /// <summary>Owners, extended attributes, hard links, device nodes and FIFOs: what <see cref="IFileSystem"/> cannot say.</summary>
    public OverlayUnix Unix { get; }

    /// <summary>The lower layers, topmost first.</summary>
    public IReadOnlyList<ILayer> LowersTopFirst => _io.Lowers;

    /// <summary>The upper layer, or <see langword="null"/> when the overlay is read-only.</summary>
    public IWritableLayer? Upper => _io.Upper;

    /// <summary>Whether the overlay has no upper: every write fails with EROFS.</summary>
    public bool IsReadOnly => _io.IsReadOnly;

    /// <summary>
    /// The union engine behind the facade, for servers that speak POSIX to it (Overlay.Fuse). The
    /// facade itself reaches the engine only through <see cref="PosixIo"/>.
    /// </summary>
    internal UnionEngine Engine => _engine;

    /// <summary>The overlay's current directory, against which relative paths resolve.</summary>
    public string CurrentDirectory
    {
        get => Volatile.Read(ref _currentDirectory);
        internal set => Volatile.Write(ref _currentDirectory, value);
    }

    /// <summary>The differences of the merged view from the lowers, sorted by path, as <c>docker diff</c> lists them.</summary>
    /// <param name="cancellationToken">Checked at each directory of the upper; a large upper is walked whole.</param>
    /// <returns>Every path added, modified or deleted by the upper.</returns>
    /// <exception cref="ObjectDisposedException">The overlay was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IReadOnlyList<OverlayChange> Changes(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _io.Changes(cancellationToken);
    }

    /// <summary>Empties the upper layer, so the merged view is the lowers' again.</summary>
    /// <exception cref="InvalidOperationException">The overlay is read-only.</exception>
    /// <exception cref="ObjectDisposedException">The overlay was disposed.</exception>
    public void ResetUpper()
    {
        ThrowIfDisposed();
        _io.ResetUpper();
    }

    /// <summary>
    /// Forgets the index of the lowers' content, and what the upper layer knows of its own
    /// directories. Call it after a lower or the upper was changed outside the overlay; lowers are
    /// otherwise assumed never to change, and the upper to change only through the overlay.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The overlay was disposed.</exception>
    public void InvalidateIndex()
    {
        ThrowIfDisposed();
        _io.InvalidateIndex();
    }

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Releases what the overlay opened: stops and disposes the watchers it created, detaches the
    /// <see cref="Trace"/> handlers and forgets its index of the lowers. The layers are the caller's
    /// and stay open. Calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _io.Watchers.DisposeAll();
        lock (_traceGate)
        {
            if (_trace is not null)
            {
                _io.Trace -= RaiseTrace;
                _trace = null;
            }

            if (_lookupTrace is not null)
            {
                _io.LookupTrace -= RaiseLookupTrace;
                _lookupTrace = null;
            }
        }

        _io.InvalidateIndex();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

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
