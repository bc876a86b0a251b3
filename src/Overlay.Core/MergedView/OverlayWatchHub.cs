using Overlay.Union;

namespace Overlay.MergedView;

/// <summary>What a watched change is, as inotify tells them apart.</summary>
internal enum WatchChange
{
    /// <summary>A name appeared (IN_CREATE).</summary>
    Create,

    /// <summary>A name went (IN_DELETE).</summary>
    Delete,

    /// <summary>A name moved (IN_MOVED_FROM and IN_MOVED_TO).</summary>
    Rename,

    /// <summary>A file's data was written or truncated (IN_MODIFY).</summary>
    Modify,

    /// <summary>An object's metadata changed: mode, times (IN_ATTRIB).</summary>
    Attrib,
}

/// <summary>
/// The watchers of one overlay and what feeds them: the engine's change feed (created, deleted,
/// renamed and changed objects, each with its kind; never the engine's internals, and not its
/// public trace, so a watcher leaves the lookup cache and the staged copy-up on), and the data
/// writes of the overlay's streams, which the engine does not see. Subscribed to the feed only
/// while a watcher raises events. Everything is delivered on the thread of the operation, after
/// the overlay's lock was released.
/// </summary>
internal sealed class OverlayWatchHub
{
    private readonly UnionEngine _engine;
    private readonly Lock _gate = new();
    private OverlayFileSystemWatcher[] _watchers = [];

    public OverlayWatchHub(UnionEngine engine)
    {
        _engine = engine;
    }

    /// <summary>Whether any watcher raises events.</summary>
    public bool Active => Volatile.Read(ref _watchers).Length != 0;

    /// <summary>Starts delivering to a watcher.</summary>
    public void Add(OverlayFileSystemWatcher watcher)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_watchers, watcher) >= 0)
            {
                return;
            }

            bool first = _watchers.Length == 0;
            Volatile.Write(ref _watchers, [.. _watchers, watcher]);
            if (first)
            {
                _engine.ChangeFeed += OnChange;
            }
        }
    }

    /// <summary>Stops delivering to a watcher.</summary>
    public void Remove(OverlayFileSystemWatcher watcher)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_watchers, watcher) < 0)
            {
                return;
            }

            Volatile.Write(ref _watchers, [.. _watchers.Where(w => !ReferenceEquals(w, watcher))]);
            if (_watchers.Length == 0)
            {
                _engine.ChangeFeed -= OnChange;
            }
        }
    }

    /// <summary>Disposes every watcher that raises events (the overlay is being disposed).</summary>
    public void DisposeAll()
    {
        foreach (var watcher in Volatile.Read(ref _watchers))
        {
            watcher.Dispose();
        }
    }

    /// <summary>The merged path a stream opened at <paramref name="fullPath"/> writes to: its links followed.</summary>
    public string WrittenPath(string fullPath) =>
        Active && _engine.Stat(fullPath, followLinks: true, out var node) == Errno.None ? node.Path : fullPath;

    /// <summary>The merged path of a watched directory: its links followed, as inotify watches the directory itself.</summary>
    public string WatchedPath(string fullPath) =>
        _engine.Stat(fullPath, followLinks: true, out var node) == Errno.None && node.IsDirectory ? node.Path : fullPath;

    /// <summary>A file's data was written or truncated through a stream of this overlay.</summary>
    public void DataChanged(string path)
    {
        if (Active)
        {
            Deliver(WatchChange.Modify, path, null, isDirectory: false);
        }
    }

    private void OnChange(NamespaceChange change)
    {
        switch (change.Kind)
        {
            case OverlayEventKind.Created:
                Deliver(WatchChange.Create, change.Path, null, change.IsDirectory);
                break;
            case OverlayEventKind.Deleted:
                Deliver(WatchChange.Delete, change.Path, null, change.IsDirectory);
                break;
            case OverlayEventKind.Renamed:
                Deliver(WatchChange.Rename, change.Path, change.OldPath, change.IsDirectory);
                break;
            default:
                // inotify's IN_ATTRIB: the watcher reports it as a file's change.
                Deliver(WatchChange.Attrib, change.Path, null, isDirectory: false);
                break;
        }
    }

    private void Deliver(WatchChange change, string path, string? oldPath, bool isDirectory)
    {
        foreach (var watcher in Volatile.Read(ref _watchers))
        {
            watcher.Deliver(change, path, oldPath, isDirectory);
        }
    }
}
