namespace Overlay.Union;

/// <summary>The advisory lock an open takes on its file, as .NET's FileStream takes flock(2) on Linux.</summary>
internal enum ShareLock
{
    /// <summary>No lock: the open is never refused, and refuses nothing.</summary>
    None = 0,

    /// <summary>LOCK_SH, for any <see cref="FileShare"/> but <see cref="FileShare.None"/>: refused only by an exclusive lock.</summary>
    Shared = 1,

    /// <summary>LOCK_EX, for <see cref="FileShare.None"/>: refused by any other lock.</summary>
    Exclusive = 2,
}

/// <summary>
/// The overlay's emulation of the advisory locks .NET's FileStream takes on Linux (flock(2) with
/// LOCK_NB after a successful open): one table per overlay, keyed by the merged path of each open
/// file after its links are resolved. Nothing here touches a layer, so two overlays over the same
/// lowers never block each other.
/// </summary>
/// <remarks>
/// <para>flock(2) locks an inode, so a lock follows its file: the engine calls
/// <see cref="Rename"/> when a name moves (a directory's files move with it) and
/// <see cref="Unlink"/> when a name goes, after which the file's holders keep their locks on an
/// object no path reaches, and a new file made at the name is free.</para>
/// <para>Thread-safe: one small lock, held only to read or change the table, never while calling
/// out. The engine calls in under its own lock, so a lookup and the check of the object it found
/// are one step; <see cref="ShareLease.Release"/> takes only this table's lock.</para>
/// </remarks>
internal sealed class ShareTable
{
    /// <summary>The AppContext switch System.IO reads (SafeFileHandle.DisableFileLocking).</summary>
    public const string DisableSwitchName = "System.IO.DisableFileLocking";

    /// <summary>The environment variable System.IO reads before the switch.</summary>
    public const string DisableEnvironmentVariable = "DOTNET_SYSTEM_IO_DISABLEFILELOCKING";

    // Read once per process on first use, as System.IO caches its own value.
    private static readonly Lazy<bool> RuntimeDisablesLocking = new(() => IsLockingDisabled(
        Environment.GetEnvironmentVariable(DisableEnvironmentVariable),
        AppContext.TryGetSwitch(DisableSwitchName, out bool value) ? value : null));

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LockedObject> _byPath = new(StringComparer.Ordinal);

    // The exclusive locks held now, on any object, and the number ever granted: what a read that
    // takes no lock of its own checks (TryBeginUnlockedRead). A grant counts itself held before
    // granted, so a read that saw none held and the same count after it met no exclusive lock.
    private int _exclusiveHeld;
    private long _exclusiveGranted;

    /// <summary>A table that locks unless System.IO's own switch turns file locking off for the process.</summary>
    public ShareTable()
        : this(enabled: !RuntimeDisablesLocking.Value)
    {
    }

    /// <summary>A table that locks, or one that grants every open without recording it.</summary>
    public ShareTable(bool enabled)
    {
        Enabled = enabled;
    }

    /// <summary>Whether opens take locks at all.</summary>
    public bool Enabled { get; }

    /// <summary>The number of paths that hold a lock (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byPath.Count;
            }
        }
    }

    /// <summary>
    /// System.IO's rule (AppContextConfigHelper.GetBooleanConfig): the environment variable wins
    /// when it is "1" or "true" (any case), or "0" or "false"; any other value, or none, leaves it to
    /// the AppContext switch; neither means locking is on.
    /// </summary>
    /// <param name="environmentValue">DOTNET_SYSTEM_IO_DISABLEFILELOCKING, or <see langword="null"/> when unset.</param>
    /// <param name="switchValue">System.IO.DisableFileLocking, or <see langword="null"/> when unset.</param>
    /// <returns>Whether FileStream takes no locks.</returns>
    public static bool IsLockingDisabled(string? environmentValue, bool? switchValue)
    {
        if (environmentValue is not null)
        {
            if (environmentValue == "1" || string.Equals(environmentValue, bool.TrueString, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (environmentValue == "0" || string.Equals(environmentValue, bool.FalseString, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return switchValue ?? false;
    }

    /// <summary>
    /// flock(2) with LOCK_NB on the object at a path: granted unless an exclusive lock is held
    /// there, or any lock is held and an exclusive one is asked.
    /// </summary>
    /// <param name="path">The object's merged path, links resolved.</param>
    /// <param name="mode">The lock to take.</param>
    /// <param name="lease">What releases the lock; <see langword="null"/> when no lock was taken (none asked, or locking is off).</param>
    /// <returns><see langword="false"/> when the lock conflicts (EWOULDBLOCK); nothing is recorded then.</returns>
    public bool TryAcquire(string path, ShareLock mode, out ShareLease? lease)
    {
        lease = null;
        if (!Enabled || mode == ShareLock.None)
        {
            return true;
        }

        lock (_gate)
        {
            if (_byPath.TryGetValue(path, out var locked))
            {
                if (locked.Exclusive > 0 || (mode == ShareLock.Exclusive && locked.Shared > 0))
                {
                    return false;
                }
            }
            else
            {
                _byPath[path] = locked = new LockedObject(path);
            }

            if (mode == ShareLock.Exclusive)
            {
                locked.Exclusive++;
                Interlocked.Increment(ref _exclusiveHeld);
                Interlocked.Increment(ref _exclusiveGranted);
            }
            else
            {
                locked.Shared++;
            }

            lease = new ShareLease(this, locked, mode);
            return true;
        }
    }

    /// <summary>
    /// The start of a read that copies a file's data at once and takes no lock of its own (a shared
    /// lock taken and released around the copy, as File.ReadAllBytes holds one): it may go ahead
    /// when no exclusive lock is held on any object. <see cref="ConfirmUnlockedRead"/> after the copy
    /// tells whether one was granted meanwhile, in which case the read must be made again the
    /// general way. Nothing is recorded, so nothing is released.
    /// </summary>
    /// <param name="mode">The lock the read would take.</param>
    /// <param name="stamp">What <see cref="ConfirmUnlockedRead"/> compares with.</param>
    /// <returns>Whether the read may go ahead without a lock.</returns>
    public bool TryBeginUnlockedRead(ShareLock mode, out long stamp)
    {
        stamp = Volatile.Read(ref _exclusiveGranted);
        return !Enabled || mode == ShareLock.None || (mode == ShareLock.Shared && Volatile.Read(ref _exclusiveHeld) == 0);
    }

    /// <summary>Whether no exclusive lock was granted since <see cref="TryBeginUnlockedRead"/> gave the stamp: the read's copy then met none.</summary>
    /// <param name="stamp">The stamp of the read's start.</param>
    /// <returns>Whether the read stands.</returns>
    public bool ConfirmUnlockedRead(long stamp)
    {
        Interlocked.MemoryBarrier();
        return !Enabled || Volatile.Read(ref _exclusiveGranted) == stamp;
    }

    /// <summary>Whether a lock is held on the object at a path (for tests).</summary>
    /// <param name="path">The merged path.</param>
    /// <returns>The lock held there: exclusive, shared, or none.</returns>
    public ShareLock HeldAt(string path)
    {
        lock (_gate)
        {
            return !_byPath.TryGetValue(path, out var locked) ? ShareLock.None
                : locked.Exclusive > 0 ? ShareLock.Exclusive
                : ShareLock.Shared;
        }
    }

    /// <summary>
    /// rename(2) moved a name: the locks of the object at the source (and, for a directory, of every
    /// object below it) are now at the destination. An object the rename replaced keeps its locks
    /// out of reach, or at <paramref name="replacedTo"/> when given (File.Replace's backup, which
    /// System.IO makes a hard link to the replaced file).
    /// </summary>
    /// <param name="sourcePath">The merged path that moved.</param>
    /// <param name="destinationPath">Where it is now.</param>
    /// <param name="replacedTo">Where the replaced object's locks go, or <see langword="null"/>.</param>
    public void Rename(string sourcePath, string destinationPath, string? replacedTo = null)
    {
        lock (_gate)
        {
            if (_byPath.Count == 0)
            {
                return;
            }

            // Whatever was at the destination (a file replaced, or an empty directory: nothing below it).
            var replaced = DetachUnder(destinationPath);
            var moving = DetachUnder(sourcePath);
            if (replacedTo is not null)
            {
                foreach (var locked in replaced)
                {
                    if (locked.DetachedFrom == destinationPath)
                    {
                        Attach(locked, replacedTo);
                    }
                }
            }

            foreach (var locked in moving)
            {
                Attach(locked, destinationPath + locked.DetachedFrom![sourcePath.Length..]);
            }
        }
    }

    /// <summary>unlink(2) removed a name: its object's holders keep their locks, but nothing at the path is locked any more.</summary>
    /// <param name="path">The merged path.</param>
    public void Unlink(string path)
    {
        lock (_gate)
        {
            if (_byPath.Remove(path, out var locked))
            {
                locked.Path = null;
            }
        }
    }

    /// <summary>The paths that hold a lock now.</summary>
    /// <returns>A copy, to look the paths up outside this table's lock.</returns>
    public List<string> LockedPaths()
    {
        lock (_gate)
        {
            return [.. _byPath.Keys];
        }
    }

    internal void Release(LockedObject locked, ShareLock mode)
    {
        lock (_gate)
        {
            if (mode == ShareLock.Exclusive)
            {
                locked.Exclusive--;
                Interlocked.Decrement(ref _exclusiveHeld);
            }
            else
            {
                locked.Shared--;
            }

            if (locked.Exclusive == 0 && locked.Shared == 0 && locked.Path is { } path)
            {
                _byPath.Remove(path);
                locked.Path = null;
            }
        }
    }

    /// <summary>Takes the objects at a path and below it out of the table; each remembers where it was.</summary>
    private List<LockedObject> DetachUnder(string path)
    {
        var detached = new List<LockedObject>();
        string prefix = path == "/" ? "/" : path + "/";
        foreach (var (key, locked) in _byPath)
        {
            if (key == path || key.StartsWith(prefix, StringComparison.Ordinal))
            {
                detached.Add(locked);
            }
        }

        foreach (var locked in detached)
        {
            _byPath.Remove(locked.Path!);
            locked.DetachedFrom = locked.Path;
            locked.Path = null;
        }

        return detached;
    }

    private void Attach(LockedObject locked, string path)
    {
        // A stale object at the new name (one a caller changed outside the overlay) is gone.
        if (_byPath.Remove(path, out var stale))
        {
            stale.Path = null;
        }

        locked.Path = path;
        locked.DetachedFrom = null;
        _byPath[path] = locked;
    }

    /// <summary>One object of the merged view that holds locks: the inode flock(2) would lock.</summary>
    internal sealed class LockedObject(string path)
    {
        /// <summary>Where the object is, or <see langword="null"/> once its name is gone.</summary>
        public string? Path { get; set; } = path;

        /// <summary>Where it was, while a rename moves it.</summary>
        public string? DetachedFrom { get; set; }

        public int Shared { get; set; }

        public int Exclusive { get; set; }
    }
}

/// <summary>One open's lock: released once, by the stream that holds it.</summary>
internal sealed class ShareLease
{
    private readonly ShareTable _table;
    private readonly ShareTable.LockedObject _object;
    private int _released;

    internal ShareLease(ShareTable table, ShareTable.LockedObject locked, ShareLock mode)
    {
        _table = table;
        _object = locked;
        Mode = mode;
    }

    /// <summary>The lock taken.</summary>
    public ShareLock Mode { get; }

    /// <summary>Whether <see cref="Release"/> was called.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Releases the lock; later calls do nothing.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _table.Release(_object, Mode);
        }
    }
}
