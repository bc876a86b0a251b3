using System.Collections.ObjectModel;
using System.ComponentModel;
using System.IO.Abstractions;
using System.IO.Enumeration;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <summary>
/// A <see cref="FileSystemWatcher"/> of the merged view: the changes made through its overlay,
/// reported as .NET's inotify-based watcher on Linux reports them (see the "Watcher" section of
/// docs/concepts.md). Events are raised on the thread of the operation that made the change, once
/// the overlay's lock is released; <see cref="Error"/> is never raised; <see cref="InternalBufferSize"/>
/// is kept but has no effect (nothing is buffered, so nothing overflows).
/// </summary>
internal sealed class OverlayFileSystemWatcher : IFileSystemWatcher
{
    private const NotifyFilters DefaultNotifyFilters = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName;
    private const NotifyFilters AllNotifyFilters = (NotifyFilters)0x17F;

    // Which filters each inotify event is asked for with, as .NET on Linux translates them (measured).
    private const NotifyFilters NameFilters = NotifyFilters.FileName | NotifyFilters.DirectoryName;
    private const NotifyFilters ModifyFilters = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Security | NotifyFilters.LastAccess;
    private const NotifyFilters AttribFilters = NotifyFilters.Attributes | NotifyFilters.CreationTime | NotifyFilters.LastAccess | NotifyFilters.LastWrite | NotifyFilters.Security | NotifyFilters.Size;

    private readonly OverlayFileSystem _fileSystem;
    private readonly OverlayWatchHub _hub;
    private readonly NormalizedFilters _filters = new();
    private string _path = string.Empty;
    private volatile string _watchedFullPath = string.Empty;
    private volatile bool _includeSubdirectories;
    private volatile bool _enabled;
    private volatile bool _disposed;
    private bool _initializing;
    private int _internalBufferSize = 8192;
    private NotifyFilters _notifyFilter = DefaultNotifyFilters;

    public OverlayFileSystemWatcher(OverlayFileSystem fileSystem, OverlayWatchHub hub)
    {
        _fileSystem = fileSystem;
        _hub = hub;
    }

    public OverlayFileSystemWatcher(OverlayFileSystem fileSystem, OverlayWatchHub hub, string path)
        : this(fileSystem, hub)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckDirectory(path, nameof(path));
        SetPath(path);
    }

    public OverlayFileSystemWatcher(OverlayFileSystem fileSystem, OverlayWatchHub hub, string path, string filter)
        : this(fileSystem, hub, path)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Filter = filter;
    }

    public event FileSystemEventHandler? Changed;

    public event FileSystemEventHandler? Created;

    public event FileSystemEventHandler? Deleted;

    /// <summary>Never raised: nothing is buffered, so nothing overflows, and a watched directory cannot fail to be read.</summary>
    public event ErrorEventHandler? Error
    {
        add { }
        remove { }
    }

    public event RenamedEventHandler? Renamed;

    public IFileSystem FileSystem => _fileSystem;

    public IContainer? Container => Site?.Container;

    public ISite? Site { get; set; }

    public ISynchronizeInvoke? SynchronizingObject { get; set; }

    public bool EnableRaisingEvents
    {
        get => _enabled;
        set
        {
            if (_enabled == value)
            {
                return;
            }

            if (_initializing)
            {
                _enabled = value;
                return;
            }

            if (value)
            {
                ObjectDisposedException.ThrowIf(_disposed, typeof(FileSystemWatcher));
                _enabled = true;
                _hub.Add(this);
            }
            else
            {
                _enabled = false;
                _hub.Remove(this);
            }
        }
    }

    public string Filter
    {
        get => _filters.Count == 0 ? "*" : _filters[0];
        set
        {
            _filters.Clear();
            _filters.Add(value);
        }
    }

    public Collection<string> Filters => _filters;

    public bool IncludeSubdirectories
    {
        get => _includeSubdirectories;
        set => _includeSubdirectories = value;
    }

    public int InternalBufferSize
    {
        get => _internalBufferSize;
        set => _internalBufferSize = Math.Max(value, 4096);
    }

    public NotifyFilters NotifyFilter
    {
        get => _notifyFilter;
        set
        {
            if ((value & ~AllNotifyFilters) != 0)
            {
                throw new InvalidEnumArgumentException(nameof(value), (int)value, typeof(NotifyFilters));
            }

            _notifyFilter = value;
        }
    }

    public string Path
    {
        get => _path;
        set
        {
            value ??= string.Empty;
            if (string.Equals(_path, value, StringComparison.Ordinal))
            {
                return;
            }

            CheckDirectory(value, nameof(Path));
            SetPath(value);
        }
    }

    public void BeginInit() => _initializing = true;

    public void EndInit()
    {
        _initializing = false;
        if (_enabled && !_disposed)
        {
            _hub.Add(this);
        }
    }

    public IWaitForChangedResult WaitForChanged(WatcherChangeTypes changeType) => WaitForChanged(changeType, Timeout.Infinite);

    public IWaitForChangedResult WaitForChanged(WatcherChangeTypes changeType, TimeSpan timeout) =>
        WaitForChanged(changeType, checked((int)timeout.TotalMilliseconds));

    public IWaitForChangedResult WaitForChanged(WatcherChangeTypes changeType, int timeout)
    {
        var result = new TaskCompletionSource<IWaitForChangedResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(object sender, FileSystemEventArgs e)
        {
            if ((e.ChangeType & changeType) != 0)
            {
                result.TrySetResult(new WaitResult(e.ChangeType, e.Name, (e as RenamedEventArgs)?.OldName, TimedOut: false));
            }
        }

        void OnRename(object sender, RenamedEventArgs e) => OnChange(sender, e);

        Created += OnChange;
        Deleted += OnChange;
        Changed += OnChange;
        Renamed += OnRename;
        bool wasEnabled = EnableRaisingEvents;
        try
        {
            EnableRaisingEvents = true;
            return result.Task.Wait(timeout) ? result.Task.Result : new WaitResult(0, null, null, TimedOut: true);
        }
        finally
        {
            Created -= OnChange;
            Deleted -= OnChange;
            Changed -= OnChange;
            Renamed -= OnRename;
            if (!wasEnabled)
            {
                EnableRaisingEvents = false;
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _enabled = false;
        _hub.Remove(this);
        Changed = null;
        Created = null;
        Deleted = null;
        Renamed = null;
    }

    /// <summary>A change the overlay made: raised when it is in scope and passes the filters, as .NET on Linux does.</summary>
    internal void Deliver(WatchChange change, string path, string? oldPath, bool isDirectory)
    {
        if (!_enabled || _initializing || _disposed)
        {
            return;
        }

        var notify = _notifyFilter;
        var nameFilter = isDirectory ? NotifyFilters.DirectoryName : NotifyFilters.FileName;
        string? name = Relative(path);
        switch (change)
        {
            case WatchChange.Create when (notify & nameFilter) != 0 && name is not null && Matches(name):
                Raise(Created, new FileSystemEventArgs(WatcherChangeTypes.Created, _path, name));
                break;
            case WatchChange.Delete when (notify & nameFilter) != 0 && name is not null && Matches(name):
                Raise(Deleted, new FileSystemEventArgs(WatcherChangeTypes.Deleted, _path, name));
                break;
            case WatchChange.Rename when (notify & nameFilter) != 0:
                string? oldName = oldPath is null ? null : Relative(oldPath);
                if (name is not null && oldName is not null)
                {
                    if (Matches(name) || Matches(oldName))
                    {
                        Raise(Renamed, new RenamedEventArgs(WatcherChangeTypes.Renamed, _path, name, oldName));
                    }
                }
                else if (oldName is not null && Matches(oldName))
                {
                    // Moved out of what is watched: only the IN_MOVED_FROM is seen.
                    Raise(Deleted, new FileSystemEventArgs(WatcherChangeTypes.Deleted, _path, oldName));
                }
                else if (name is not null && Matches(name))
                {
                    // Moved in from outside: only the IN_MOVED_TO is seen.
                    Raise(Created, new FileSystemEventArgs(WatcherChangeTypes.Created, _path, name));
                }

                break;
            case WatchChange.Modify when (notify & ModifyFilters) != 0 && name is not null && Matches(name):
            case WatchChange.Attrib when (notify & AttribFilters) != 0 && name is not null && Matches(name):
                Raise(Changed, new FileSystemEventArgs(WatcherChangeTypes.Changed, _path, name));
                break;
        }
    }

    private void Raise(FileSystemEventHandler? handler, FileSystemEventArgs e) =>
        Dispatch(handler, e, () => handler!(this, e));

    private void Raise(RenamedEventHandler? handler, RenamedEventArgs e) =>
        Dispatch(handler, e, () => handler!(this, e));

    /// <summary>Calls a handler on this thread, or through <see cref="SynchronizingObject"/> when it asks for that.</summary>
    private void Dispatch(Delegate? handler, EventArgs e, Action invoke)
    {
        if (handler is null)
        {
            return;
        }

        if (SynchronizingObject is { InvokeRequired: true } synchronizer)
        {
            synchronizer.BeginInvoke(handler, [this, e]);
        }
        else
        {
            invoke();
        }
    }

    /// <summary>The name of <paramref name="path"/> relative to the watched directory; <see langword="null"/> when not watched.</summary>
    private string? Relative(string path)
    {
        string watched = _watchedFullPath;
        if (watched.Length == 0)
        {
            return null;
        }

        string prefix = watched == "/" ? "/" : watched + "/";
        if (path.Length <= prefix.Length || !path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        string name = path[prefix.Length..];
        return !_includeSubdirectories && name.Contains('/') ? null : name;
    }

    private bool Matches(string relativeName)
    {
        var name = PosixPath.GetFileName(relativeName.AsSpan());
        if (name.IsEmpty)
        {
            return false;
        }

        var filters = _filters.Snapshot();
        if (filters.Length == 0)
        {
            return true;
        }

        foreach (var filter in filters)
        {
            if (FileSystemName.MatchesSimpleExpression(filter, name, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }

    private void CheckDirectory(string path, string parameter)
    {
        if (path.Length == 0)
        {
            throw new ArgumentException($"The directory name {path} is invalid.", parameter);
        }

        if (!_fileSystem.Directory.Exists(path))
        {
            throw new ArgumentException($"The directory name '{path}' does not exist.", parameter);
        }
    }

    private void SetPath(string path)
    {
        _path = path;
        string full = _fileSystem.Path.GetFullPath(path);
        full = _hub.WatchedPath(full);
        _watchedFullPath = full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private sealed record WaitResult(WatcherChangeTypes ChangeType, string? Name, string? OldName, bool TimedOut) : IWaitForChangedResult;

    /// <summary>System.IO's filter list: an empty filter or "*.*" means "*".</summary>
    private sealed class NormalizedFilters : Collection<string>
    {
        private readonly Lock _gate = new();
        private string[] _snapshot = [];

        public string[] Snapshot() => Volatile.Read(ref _snapshot);

        protected override void InsertItem(int index, string item)
        {
            lock (_gate)
            {
                base.InsertItem(index, Normalize(item));
                Volatile.Write(ref _snapshot, [.. Items]);
            }
        }

        protected override void SetItem(int index, string item)
        {
            lock (_gate)
            {
                base.SetItem(index, Normalize(item));
                Volatile.Write(ref _snapshot, [.. Items]);
            }
        }

        protected override void RemoveItem(int index)
        {
            lock (_gate)
            {
                base.RemoveItem(index);
                Volatile.Write(ref _snapshot, [.. Items]);
            }
        }

        protected override void ClearItems()
        {
            lock (_gate)
            {
                base.ClearItems();
                Volatile.Write(ref _snapshot, []);
            }
        }

        private static string Normalize(string? item) => string.IsNullOrEmpty(item) || item == "*.*" ? "*" : item;
    }
}
