using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Overlay.Fuse.Interop;
using Overlay.Fuse.Protocol;
using Overlay.Paths;

namespace Overlay.Fuse;

/// <summary>
/// The FUSE protocol over an open <c>/dev/fuse</c> descriptor: a pool of threads, each reading one
/// request at a time and answering it through the <see cref="EngineAdapter"/>. Requests name objects
/// by node id; the <see cref="NodeTable"/> turns ids into merged paths.
/// </summary>
internal sealed unsafe partial class FuseServer
{
    /// <summary>The largest WRITE (and READ) the kernel is offered: FUSE_MAX_PAGES pages of 4 KiB.</summary>
    private const int MaxPages = 256;
    private const int MaxWrite = MaxPages * 4096;

    /// <summary>A request buffer: the largest WRITE plus its headers (the kernel wants room for both).</summary>
    private const int InBufferSize = MaxWrite + 4096;
    private const int OutBufferSize = MaxWrite + 4096;

    private const int ProtocolMajor = 7;
    private const int ProtocolMinor = 38;

    private const uint FUSE_ASYNC_READ = 1 << 0;
    private const uint FUSE_ATOMIC_O_TRUNC = 1 << 3;
    private const uint FUSE_BIG_WRITES = 1 << 5;
    private const uint FUSE_AUTO_INVAL_DATA = 1 << 12;
    private const uint FUSE_PARALLEL_DIROPS = 1 << 18;
    private const uint FUSE_MAX_PAGES = 1 << 22;
    private const uint FUSE_CACHE_SYMLINKS = 1 << 23;

    private const uint FATTR_MODE = 1 << 0;
    private const uint FATTR_UID = 1 << 1;
    private const uint FATTR_GID = 1 << 2;
    private const uint FATTR_SIZE = 1 << 3;
    private const uint FATTR_ATIME = 1 << 4;
    private const uint FATTR_MTIME = 1 << 5;
    private const uint FATTR_FH = 1 << 6;
    private const uint FATTR_ATIME_NOW = 1 << 7;
    private const uint FATTR_MTIME_NOW = 1 << 8;

    private const uint RENAME_NOREPLACE = 1;

    private const uint FOPEN_KEEP_CACHE = 1 << 1;
    private const uint FOPEN_CACHE_DIR = 1 << 3;
    private const uint FOPEN_NOFLUSH = 1 << 5;

    private const uint S_IFMT = 0xF000;
    private const uint S_IFIFO = 0x1000;
    private const uint S_IFCHR = 0x2000;
    private const uint S_IFDIR = 0x4000;
    private const uint S_IFBLK = 0x6000;
    private const uint S_IFREG = 0x8000;
    private const uint S_IFLNK = 0xA000;
    private const uint S_IFSOCK = 0xC000;

    private const int FUSE_NOTIFY_INVAL_INODE = 2;
    private const int FUSE_NOTIFY_INVAL_ENTRY = 3;
    private const uint FUSE_EXPIRE_ONLY = 1;
    private const int MaxNameLength = 1024; // FUSE_NAME_MAX

    /// <summary>The longest the kernel is told to remember that a name is missing.</summary>
    public static readonly TimeSpan NegativeTimeout = TimeSpan.FromSeconds(1);

    private const uint XATTR_CREATE = 1;
    private const uint XATTR_REPLACE = 2;

    private const int O_CREAT = 0x40;
    private const int O_EXCL = 0x80;
    private const int O_RDONLY = 0x0;
    private const int O_WRONLY = 0x1;
    private const int O_ACCMODE = 0x3;
    private const int O_TRUNC = 0x200;

    private const int W_OK = 2;

    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int EIO = 5;
    private const int EBADF = 9;
    private const int EEXIST = 17;
    private const int ENOTDIR = 20;
    private const int EINVAL = 22;
    private const int ERANGE = 34;
    private const int ENODATA = 61;
    private const int EROFS = 30;
    private const int ENOSYS = 38;
    private const int EOPNOTSUPP = 95;

    private readonly EngineAdapter _fs;
    private readonly NodeTable _nodes = new();
    private readonly CapabilityAbsence _noCapability;
    private readonly ConcurrentDictionary<ulong, object> _handles = new();

    /// <summary>Read-only opens whose stream is not taken yet, by handle.</summary>
    private readonly ConcurrentDictionary<ulong, OpenFile> _deferred = new();

    /// <summary>
    /// Orders deferred opens against the removal of names: a removal takes the streams of the
    /// deferred opens of what it removes, then removes it, and no deferred open of that node can
    /// be made in between (it would have nothing left to read).
    /// </summary>
    private readonly Lock _removalGate = new();
    private readonly uint _uid;
    private readonly uint _gid;
    private readonly ulong _timeoutSeconds;
    private readonly uint _timeoutNanoseconds;
    private readonly ulong _negativeTimeoutSeconds;
    private readonly uint _negativeTimeoutNanoseconds;
    private readonly Lock _notifyLock = new();
    private uint _kernelMinor;
    private long _listingsTaken;

    // How many OpenFile handles are in _handles (directories not counted).
    private long _openFiles;
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _fd = -1;
    private long _nextHandle;
    private Thread[] _threads = [];
    private int _running;

    public FuseServer(EngineAdapter fileSystem, uint uid, uint gid, TimeSpan attributeTimeout)
    {
        _fs = fileSystem;
        _uid = uid;
        _gid = gid;
        long ticks = Math.Max(0, attributeTimeout.Ticks);
        _timeoutSeconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        _timeoutNanoseconds = (uint)(ticks % TimeSpan.TicksPerSecond * 100);
        long negativeTicks = Math.Min(ticks, NegativeTimeout.Ticks);
        _negativeTimeoutSeconds = (ulong)(negativeTicks / TimeSpan.TicksPerSecond);
        _negativeTimeoutNanoseconds = (uint)(negativeTicks % TimeSpan.TicksPerSecond * 100);
        _noCapability = new CapabilityAbsence(attributeTimeout);
    }

    /// <summary>Completes when the kernel answered INIT: the mount is served.</summary>
    public Task Initialized => _initialized.Task;

    /// <summary>Completes when every reader stopped: the connection ended (unmounted or aborted).</summary>
    public Task Stopped => _stopped.Task;

    public NodeTable Nodes => _nodes;

    /// <summary>Starts <paramref name="threads"/> readers on the device descriptor.</summary>
    public void Start(int fd, int threads)
    {
        _fd = fd;
        _running = threads;
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(ReadLoop) { IsBackground = true, Name = $"fuse-reader-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>
    /// Tells the kernel to drop what it caches of the overlay, for a change it did not see (made
    /// through the overlay's API, or to a layer): the attributes and data of every node it may
    /// hold, and the names it may hold, which it then looks up again at their next use. Missing
    /// names it remembers expire by themselves (<see cref="NegativeTimeout"/>). Not to be called
    /// from a request's handler: the kernel may wait for locks a pending request holds.
    /// </summary>
    public void Invalidate()
    {
        _noCapability.ForgetAll();
        if (_fd < 0 || _stopped.Task.IsCompleted || !_initialized.Task.IsCompletedSuccessfully)
        {
            return;
        }

        var (ids, names) = _nodes.Known();
        byte[] message = GC.AllocateUninitializedArray<byte>(sizeof(FuseOutHeader) + sizeof(FuseNotifyInvalEntryOut) + MaxNameLength + 1, pinned: true);
        lock (_notifyLock)
        {
            foreach (ulong id in ids)
            {
                // Offset 0, length 0: the attributes and every cached page of the node.
                var inode = new FuseNotifyInvalInodeOut { Ino = id, Offset = 0, Length = 0 };
                MemoryMarshal.Write(message.AsSpan(sizeof(FuseOutHeader)), in inode);
                Notify(FUSE_NOTIFY_INVAL_INODE, message, sizeof(FuseNotifyInvalInodeOut));
            }

            // From protocol 7.38 a name can be made to expire rather than be dropped: the next use
            // looks it up again, and only a name that changed loses its dentry (and what is below).
            uint flags = Volatile.Read(ref _kernelMinor) >= 38 ? FUSE_EXPIRE_ONLY : 0;
            foreach (var (parent, name) in names)
            {
                int length = Encoding.UTF8.GetByteCount(name);
                if (length > MaxNameLength)
                {
                    continue;
                }

                var entry = new FuseNotifyInvalEntryOut { Parent = parent, NameLength = (uint)length, Flags = flags };
                var payload = message.AsSpan(sizeof(FuseOutHeader));
                MemoryMarshal.Write(payload, in entry);
                Encoding.UTF8.GetBytes(name, payload[sizeof(FuseNotifyInvalEntryOut)..]);
                payload[sizeof(FuseNotifyInvalEntryOut) + length] = 0;
                Notify(FUSE_NOTIFY_INVAL_ENTRY, message, sizeof(FuseNotifyInvalEntryOut) + length + 1);
            }
        }
    }

    /// <summary>
    /// Writes an unsolicited message: unique 0, the notification's code in the error field. A
    /// failure is ignored: ENOENT means the kernel holds no such node or name any more.
    /// </summary>
    private void Notify(int code, byte[] message, int payloadLength)
    {
        var header = new FuseOutHeader { Length = (uint)(sizeof(FuseOutHeader) + payloadLength), Error = code, Unique = 0 };
        MemoryMarshal.Write(message.AsSpan(), in header);
        fixed (byte* buffer = message)
        {
            _ = Libc.Write(_fd, buffer, (nint)header.Length);
        }
    }

    /// <summary>Waits for the readers to stop; false when they did not within the timeout.</summary>
    public bool Join(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var thread in _threads)
        {
            var left = deadline - DateTime.UtcNow;
            if (left < TimeSpan.Zero || !thread.Join(left))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Closes every file and directory still open (after the connection ended).</summary>
    public void CloseHandles()
    {
        foreach (var key in _handles.Keys)
        {
            if (_handles.TryRemove(key, out var handle) && handle is OpenFile file)
            {
                Interlocked.Decrement(ref _openFiles);
                lock (file.Lock)
                {
                    file.Close();
                }
            }
        }
    }

    private void ReadLoop()
    {
        byte[] input = GC.AllocateUninitializedArray<byte>(InBufferSize, pinned: true);
        byte[] output = GC.AllocateUninitializedArray<byte>(OutBufferSize, pinned: true);
        try
        {
            while (true)
            {
                nint read;
                fixed (byte* buffer = input)
                {
                    read = Libc.Read(_fd, buffer, input.Length);
                }

                if (read < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is Libc.EINTR or Libc.EAGAIN or Libc.ENOENT)
                    {
                        continue; // interrupted, or the request was interrupted before it was read
                    }

                    // ENODEV: unmounted; ECONNABORTED: aborted. Either way the connection is over.
                    _initialized.TrySetException(new IOException($"The FUSE connection ended before it was initialised: {Libc.Describe(errno)}.", errno));
                    return;
                }

                if (read < sizeof(FuseInHeader))
                {
                    continue;
                }

                var request = new Span<byte>(input, 0, (int)read);
                try
                {
                    Handle(request, output);
                }
                catch (Exception e)
                {
                    // Never lose a reader to one request: answer it with the errno of what failed.
                    ref readonly var header = ref MemoryMarshal.AsRef<FuseInHeader>(request);
                    if (header.Opcode is not FuseOpcode.Forget and not FuseOpcode.BatchForget and not FuseOpcode.Interrupt)
                    {
                        ReplyError(header.Unique, EngineAdapter.ErrnoOf(e), output);
                    }
                }
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                _stopped.TrySetResult();
            }
        }
    }

    private void Handle(Span<byte> request, byte[] output)
    {
        var header = MemoryMarshal.Read<FuseInHeader>(request);
        var body = request[sizeof(FuseInHeader)..];
        ulong unique = header.Unique;
        switch (header.Opcode)
        {
            case FuseOpcode.Init:
                Init(unique, body, output);
                return;
            case FuseOpcode.Forget:
                _nodes.Forget(header.NodeId, MemoryMarshal.Read<FuseForgetIn>(body).NLookup);
                return;
            case FuseOpcode.BatchForget:
                BatchForget(body);
                return;
            case FuseOpcode.Interrupt:
                return; // every request is short and answered; nothing to interrupt
            case FuseOpcode.Destroy:
                ReplyError(unique, 0, output);
                return;
        }

        int error = header.Opcode switch
        {
            FuseOpcode.Lookup => Lookup(unique, header.NodeId, body, output),
            FuseOpcode.GetAttr => GetAttr(unique, header.NodeId, output),
            FuseOpcode.SetAttr => SetAttr(unique, header.NodeId, body, output),
            FuseOpcode.ReadLink => ReadLink(unique, header.NodeId, output),
            FuseOpcode.SymLink => SymLink(unique, header.NodeId, body, output),
            FuseOpcode.MkNod => MkNod(unique, header.NodeId, body, output),
            FuseOpcode.MkDir => MkDir(unique, header.NodeId, body, output),
            FuseOpcode.Unlink => Remove(unique, header.NodeId, body, directory: false, output),
            FuseOpcode.RmDir => Remove(unique, header.NodeId, body, directory: true, output),
            FuseOpcode.Rename => Rename(unique, header.NodeId, MemoryMarshal.Read<FuseRenameIn>(body).NewDir, 0, body[sizeof(FuseRenameIn)..], output),
            FuseOpcode.Rename2 => Rename2(unique, header.NodeId, body, output),
            FuseOpcode.Link => Link(unique, header.NodeId, body, output),
            FuseOpcode.Open => Open(unique, header.NodeId, body, output),
            FuseOpcode.Read => Read(unique, body, output),
            FuseOpcode.Write => Write(unique, body, output),
            FuseOpcode.StatFs => StatFs(unique, output),
            FuseOpcode.Release => Release(unique, body, output),
            FuseOpcode.Flush => Flush(unique, body, durable: false, output),
            FuseOpcode.Fsync => Flush(unique, body, durable: true, output),
            FuseOpcode.OpenDir => OpenDir(unique, header.NodeId, output),
            FuseOpcode.ReadDir => ReadDir(unique, body, output),
            FuseOpcode.ReleaseDir => Release(unique, body, output),
            FuseOpcode.FsyncDir => ReplyOk(unique, output),
            FuseOpcode.Access => Access(unique, header.NodeId, body, output),
            FuseOpcode.Create => Create(unique, header.NodeId, body, output),
            FuseOpcode.Fallocate => Fallocate(unique, body, output),

            FuseOpcode.GetXattr => GetXattr(unique, header.NodeId, body, output),
            FuseOpcode.ListXattr => ListXattr(unique, header.NodeId, body, output),
            FuseOpcode.SetXattr => SetXattr(unique, header.NodeId, body, output),
            FuseOpcode.RemoveXattr => RemoveXattr(unique, header.NodeId, body, output),

            // LSEEK (SEEK_DATA/SEEK_HOLE), COPY_FILE_RANGE, locks, ioctl, poll, bmap: the kernel's
            // generic fallback serves them when the server answers ENOSYS.
            _ => ENOSYS,
        };
        if (error != 0)
        {
            ReplyError(unique, error, output);
        }
    }

    // ---- Session

    private void Init(ulong unique, ReadOnlySpan<byte> body, byte[] output)
    {
        var init = MemoryMarshal.Read<FuseInitIn>(body);
        if (init.Major != ProtocolMajor)
        {
            ReplyError(unique, EPROTO, output);
            _initialized.TrySetException(new IOException($"The kernel speaks FUSE protocol {init.Major}.{init.Minor}; this server speaks {ProtocolMajor}.x."));
            return;
        }

        uint wanted = FUSE_ASYNC_READ | FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES | FUSE_AUTO_INVAL_DATA
            | FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES | FUSE_CACHE_SYMLINKS;
        var reply = new FuseInitOut
        {
            Major = ProtocolMajor,
            Minor = ProtocolMinor,
            MaxReadahead = init.MaxReadahead,
            Flags = init.Flags & wanted,
            MaxBackground = 16,
            CongestionThreshold = 12,
            MaxWrite = MaxWrite,
            TimeGranularity = 1,
            MaxPages = MaxPages,
        };
        Volatile.Write(ref _kernelMinor, Math.Min(init.Minor, ProtocolMinor));
        Reply(unique, in reply, output);
        _initialized.TrySetResult();
    }

    private const int EPROTO = 71;

    private void BatchForget(ReadOnlySpan<byte> body)
    {
        var batch = MemoryMarshal.Read<FuseBatchForgetIn>(body);
        var items = MemoryMarshal.Cast<byte, FuseForgetOne>(body[sizeof(FuseBatchForgetIn)..]);
        int count = (int)Math.Min(batch.Count, (uint)items.Length);
        for (int i = 0; i < count; i++)
        {
            _nodes.Forget(items[i].NodeId, items[i].NLookup);
        }
    }

    // ---- Names and attributes

    private int Lookup(ulong unique, ulong parent, ReadOnlySpan<byte> body, byte[] output)
    {
        int error = ChildPath(parent, body, out string path, out _);
        if (error != 0)
        {
            return error;
        }

        error = ReplyEntry(unique, path, output);
        if (error == ENOENT)
        {
            // A negative entry (node id 0): the kernel remembers the name is missing. Every create
            // of it through the mount drops that memory, but the server keeps no list of missing
            // names to invalidate when the overlay changes behind the kernel's back (Invalidate),
            // so it is trusted for at most NegativeTimeout.
            var negative = new FuseEntryOut { EntryValid = _negativeTimeoutSeconds, EntryValidNsec = _negativeTimeoutNanoseconds };
            Reply(unique, in negative, output);
            return 0;
        }

        return error;
    }

    private int GetAttr(ulong unique, ulong node, byte[] output)
    {
        if (_nodes.PathOf(node) is not { } path)
        {
            // fstat(2) of a file whose last name went away while it was open (the kernel asks by
            // node, without the handle): what it was then, with the size of what its open reads
            // and no link left. A node id is not reused while the kernel holds the node.
            foreach (var (_, handle) in _handles)
            {
                if (handle is OpenFile { Unlinked: { } was } open && open.Node == node)
                {
                    long size;
                    lock (open.Lock)
                    {
                        size = open.Stream is { CanSeek: true } stream ? stream.Length : was.Size;
                    }

                    ReplyAttr(unique, node, was with { Size = size, LinkCount = 0 }, output);
                    return 0;
                }
            }

            return ENOENT;
        }

        int error = _fs.Status(path, out var status);
        if (error != 0)
        {
            return error;
        }

        ReplyAttr(unique, node, status, output);
        return 0;
    }

    private int SetAttr(ulong unique, ulong node, ReadOnlySpan<byte> body, byte[] output)
    {
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        var set = MemoryMarshal.Read<FuseSetAttrIn>(body);
        var file = (set.Valid & FATTR_FH) != 0 && _handles.TryGetValue(set.Fh, out var handle) && handle is OpenFile { CanWrite: true } open ? open : null;

        // The object's status before the change is needed for a chown (the id left unchanged) and
        // for a truncate by path (a directory cannot be); an ftruncate(2) of an open file (the
        // common SETATTR: O_TRUNC without FUSE_ATOMIC_O_TRUNC, .NET's FileMode.Create) needs none.
        int error = 0;
        var status = default(NodeStatus);
        if (((set.Valid & (FATTR_UID | FATTR_GID)) != 0 || ((set.Valid & FATTR_SIZE) != 0 && file is null))
            && (error = _fs.Status(path, out status)) != 0)
        {
            return error;
        }

        if ((set.Valid & (FATTR_UID | FATTR_GID)) != 0)
        {
            uint uid = (set.Valid & FATTR_UID) != 0 ? set.Uid : status.UserId ?? _uid;
            uint gid = (set.Valid & FATTR_GID) != 0 ? set.Gid : status.GroupId ?? _gid;
            error = _fs.SetOwner(path, uid, gid);
            if (error == EOPNOTSUPP)
            {
                // An upper that keeps no owners: a chown to the owner its objects are reported with
                // changes nothing and succeeds; any other is refused.
                error = uid == (status.UserId ?? _uid) && gid == (status.GroupId ?? _gid) ? 0 : EPERM;
            }

            if (error != 0)
            {
                return error;
            }
        }

        if ((set.Valid & FATTR_SIZE) != 0)
        {
            if (file is not null)
            {
                lock (file.Lock)
                {
                    file.Stream!.SetLength((long)set.Size);
                }
            }
            else if (status.Kind == NodeKind.Directory)
            {
                return 21; // EISDIR
            }
            else if ((error = _fs.Truncate(path, (long)set.Size)) != 0)
            {
                return error;
            }
        }

        if ((set.Valid & FATTR_MODE) != 0 && (error = _fs.SetMode(path, set.Mode)) != 0)
        {
            return error;
        }

        if ((set.Valid & (FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW | FATTR_MTIME_NOW)) != 0)
        {
            var now = DateTime.UtcNow;
            DateTime? atime = (set.Valid & FATTR_ATIME_NOW) != 0 ? now : (set.Valid & FATTR_ATIME) != 0 ? FromUnix(set.ATime, set.ATimeNsec) : null;
            DateTime? mtime = (set.Valid & FATTR_MTIME_NOW) != 0 ? now : (set.Valid & FATTR_MTIME) != 0 ? FromUnix(set.MTime, set.MTimeNsec) : null;
            if ((error = _fs.SetTimes(path, atime, mtime)) != 0)
            {
                return error;
            }
        }

        if ((error = _fs.Status(path, out status)) != 0)
        {
            return error;
        }

        ReplyAttr(unique, node, status, output);
        return 0;
    }

    private int ReadLink(ulong unique, ulong node, byte[] output)
    {
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        int error = _fs.ReadLink(path, out var target);
        if (error != 0)
        {
            return error;
        }

        var data = Payload(output);
        int length = Encoding.UTF8.GetBytes(target!, data);
        Send(unique, 0, output, length);
        return 0;
    }

    private int Access(ulong unique, ulong node, ReadOnlySpan<byte> body, byte[] output)
    {
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        int error = _fs.Status(path, out _);
        if (error != 0)
        {
            return error;
        }

        // Permission bits are checked by the kernel (default_permissions); what only the overlay
        // knows is that nothing can be written without an upper.
        if ((MemoryMarshal.Read<FuseAccessIn>(body).Mask & W_OK) != 0 && _fs.IsReadOnly)
        {
            return EROFS;
        }

        return ReplyOk(unique, output);
    }

    private int StatFs(ulong unique, byte[] output)
    {
        var reply = new FuseStatFsOut { BlockSize = 4096, FragmentSize = 4096, NameLength = 255 };
        if (_fs.StatFsDirectory is { } directory && Libc.StatVfs(directory, out var vfs) == 0)
        {
            reply.Blocks = vfs.Blocks;
            reply.BlocksFree = vfs.BlocksFree;
            reply.BlocksAvailable = vfs.BlocksAvailable;
            reply.Files = vfs.Files;
            reply.FilesFree = vfs.FilesFree;
            reply.BlockSize = (uint)vfs.BlockSize;
            reply.FragmentSize = (uint)vfs.FragmentSize;
        }

        Reply(unique, in reply, output);
        return 0;
    }

    // ---- Namespace changes

    private int SymLink(ulong unique, ulong parent, ReadOnlySpan<byte> body, byte[] output)
    {
        int error = ChildPath(parent, body, out string path, out int used);
        if (error != 0)
        {
            return error;
        }

        if (!TryName(body[used..], out string target, out _))
        {
            return EINVAL;
        }

        error = _fs.CreateSymbolicLink(path, target);
        return error != 0 ? error : ReplyEntry(unique, path, output);
    }

    private int MkNod(ulong unique, ulong parent, ReadOnlySpan<byte> body, byte[] output)
    {
        var mknod = MemoryMarshal.Read<FuseMkNodIn>(body);
        int error = ChildPath(parent, body[sizeof(FuseMkNodIn)..], out string path, out _);
        if (error != 0)
        {
            return error;
        }

        if ((mknod.Mode & S_IFMT) != S_IFREG)
        {
            // A device node, FIFO or socket: EOPNOTSUPP when the upper cannot hold one.
            error = _fs.CreateSpecial(path, mknod.Mode, mknod.RDev);
            return error != 0 ? error : ReplyEntry(unique, path, output);
        }

        error = _fs.Open(path, O_CREAT | O_EXCL | O_WRONLY, mknod.Mode, out var stream);
        if (error != 0)
        {
            return error;
        }

        stream!.Dispose();
        return ReplyEntry(unique, path, output);
    }

    private int MkDir(ulong unique, ulong parent, ReadOnlySpan<byte> body, byte[] output)
    {
        var mkdir = MemoryMarshal.Read<FuseMkDirIn>(body);
        int error = ChildPath(parent, body[sizeof(FuseMkDirIn)..], out string path, out _);
        if (error != 0)
        {
            return error;
        }

        error = _fs.CreateDirectory(path, mkdir.Mode);
        return error != 0 ? error : ReplyEntry(unique, path, output);
    }

    private int Remove(ulong unique, ulong parent, ReadOnlySpan<byte> body, bool directory, byte[] output)
    {
        int error = ChildPath(parent, body, out string path, out _);
        if (error != 0)
        {
            return error;
        }

        // Only a file can be open (a directory's handles are listings of their own).
        var gate = directory ? null : _removalGate;
        gate?.Enter();
        try
        {
            if (!directory)
            {
                OpenDeferred(path);
            }

            error = directory ? _fs.RemoveDirectory(path) : _fs.Unlink(path);
            if (error != 0)
            {
                return error;
            }

            _noCapability.ForgetAll();
            _nodes.Removed(path, directory);
        }
        finally
        {
            gate?.Exit();
        }

        return ReplyOk(unique, output);
    }

    private int Rename2(ulong unique, ulong parent, ReadOnlySpan<byte> body, byte[] output)
    {
        var rename = MemoryMarshal.Read<FuseRename2In>(body);

        // RENAME_EXCHANGE and RENAME_WHITEOUT are not served (as on file systems without them).
        return (rename.Flags & ~RENAME_NOREPLACE) != 0
            ? EINVAL
            : Rename(unique, parent, rename.NewDir, rename.Flags, body[sizeof(FuseRename2In)..], output);
    }

    private int Rename(ulong unique, ulong parent, ulong newParent, uint flags, ReadOnlySpan<byte> names, byte[] output)
    {
        int error = ChildPath(parent, names, out string source, out int used);
        if (error != 0)
        {
            return error;
        }

        error = ChildPath(newParent, names[used..], out string destination, out _);
        if (error != 0)
        {
            return error;
        }

        bool directory = _fs.Status(source, out var status) == 0 && status.Kind == NodeKind.Directory;
        // Only a rename over a name the table knows can take a file away from its opens: a name it
        // does not know names no node the kernel holds, and the kernel looks up no name in either
        // directory until the rename is answered. What moves keeps its node, and its opens follow it.
        var gate = source != destination && _nodes.KnownIdOf(destination) != 0 ? _removalGate : null;
        gate?.Enter();
        try
        {
            if (gate is not null)
            {
                OpenDeferred(destination);
            }

            error = _fs.Rename(source, destination, (flags & RENAME_NOREPLACE) != 0);
            _noCapability.ForgetAll();
            if (error != 0)
            {
                return error;
            }

            if (source != destination)
            {
                _nodes.Moved(source, destination, directory);
            }
        }
        finally
        {
            gate?.Exit();
        }

        return ReplyOk(unique, output);
    }

    private int Link(ulong unique, ulong newParent, ReadOnlySpan<byte> body, byte[] output)
    {
        var link = MemoryMarshal.Read<FuseLinkIn>(body);
        if (_nodes.PathOf(link.OldNodeId) is not { } existing)
        {
            return ENOENT;
        }

        int error = ChildPath(newParent, body[sizeof(FuseLinkIn)..], out string created, out _);
        if (error != 0)
        {
            return error;
        }

        error = _fs.Link(existing, created);
        _noCapability.ForgetAll();
        if (error != 0)
        {
            return error;
        }

        if ((error = _fs.Status(created, out var status)) != 0)
        {
            return error;
        }

        // The new name is another name of the node: one inode, as the kernel expects of link(2).
        ulong id = _nodes.LookedUp(created, SharedIdentity(status), nameOf: link.OldNodeId);
        var entry = Entry(id, status);
        Reply(unique, in entry, output);
        return 0;
    }

    // ---- Extended attributes

    private int GetXattr(ulong unique, ulong node, ReadOnlySpan<byte> body, byte[] output)
    {
        var get = MemoryMarshal.Read<FuseGetXattrIn>(body);
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        if (!TryName(body[sizeof(FuseGetXattrIn)..], out string name, out _))
        {
            return ENODATA;
        }

        // The kernel's question before every write and truncate, answered from memory when it can be.
        bool capability = name == CapabilityAbsence.AttributeName;
        if (capability && _noCapability.IsKnown(path))
        {
            return ENODATA;
        }

        long generation = _noCapability.Generation;
        int error = _fs.GetAttributes(path, out var attributes);
        if (error != 0)
        {
            return error;
        }

        if (!attributes.TryGetValue(name, out var value))
        {
            if (capability)
            {
                _noCapability.Learn(path, generation);
            }

            return ENODATA;
        }

        return ReplySized(unique, get.Size, value, output);
    }

    private int ListXattr(ulong unique, ulong node, ReadOnlySpan<byte> body, byte[] output)
    {
        var get = MemoryMarshal.Read<FuseGetXattrIn>(body);
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        int error = _fs.GetAttributes(path, out var attributes);
        if (error != 0)
        {
            return error;
        }

        // Names, each NUL-terminated.
        var names = new List<byte>();
        foreach (string name in attributes.Keys.Order(StringComparer.Ordinal))
        {
            names.AddRange(Encoding.UTF8.GetBytes(name));
            names.Add(0);
        }

        return ReplySized(unique, get.Size, [.. names], output);
    }

    private int SetXattr(ulong unique, ulong node, ReadOnlySpan<byte> body, byte[] output)
    {
        var set = MemoryMarshal.Read<FuseSetXattrIn>(body);
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        var rest = body[sizeof(FuseSetXattrIn)..];
        if (!TryName(rest, out string name, out int used) || rest.Length - used < set.Size)
        {
            return EINVAL;
        }

        byte[] value = rest.Slice(used, (int)set.Size).ToArray();
        if ((set.Flags & (XATTR_CREATE | XATTR_REPLACE)) != 0)
        {
            int error = _fs.GetAttributes(path, out var attributes);
            if (error != 0)
            {
                return error;
            }

            bool exists = attributes.ContainsKey(name);
            if ((set.Flags & XATTR_CREATE) != 0 && exists)
            {
                return EEXIST;
            }

            if ((set.Flags & XATTR_REPLACE) != 0 && !exists)
            {
                return ENODATA;
            }
        }

        int result = _fs.SetAttribute(path, name, value);
        if (name == CapabilityAbsence.AttributeName)
        {
            _noCapability.ForgetAll();
        }

        return result != 0 ? result : ReplyOk(unique, output);
    }

    private int RemoveXattr(ulong unique, ulong node, ReadOnlySpan<byte> body, byte[] output)
    {
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        if (!TryName(body, out string name, out _))
        {
            return ENODATA;
        }

        int error = _fs.RemoveAttribute(path, name);
        return error != 0 ? error : ReplyOk(unique, output);
    }

    /// <summary>
    /// getxattr/listxattr's answer: with size 0 only the length the value needs, else the value,
    /// or ERANGE when it does not fit.
    /// </summary>
    private int ReplySized(ulong unique, uint size, ReadOnlySpan<byte> value, byte[] output)
    {
        if (size == 0)
        {
            var reply = new FuseGetXattrOut { Size = (uint)value.Length };
            Reply(unique, in reply, output);
            return 0;
        }

        if (value.Length > size || value.Length > MaxWrite)
        {
            return ERANGE;
        }

        value.CopyTo(Payload(output));
        Send(unique, 0, output, value.Length);
        return 0;
    }

    // ---- Files

    private int Open(ulong unique, ulong node, ReadOnlySpan<byte> body, byte[] output)
    {
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        var open = MemoryMarshal.Read<FuseOpenIn>(body);
        int flags = (int)open.Flags & ~(O_CREAT | O_EXCL);
        if ((flags & (O_ACCMODE | O_TRUNC)) == O_RDONLY)
        {
            // Only regular files reach OPEN (the kernel serves FIFOs and devices itself) and the
            // kernel checked the permissions (default_permissions): a read-only open cannot fail
            // here, and what it reads is taken at its first READ, if one comes.
            var deferred = new OpenFile(node);
            ulong fh;
            lock (_removalGate)
            {
                if (_nodes.PathOf(node) is null)
                {
                    return ENOENT;
                }

                fh = AddHandle(deferred);
                _deferred[fh] = deferred;
            }

            var quick = new FuseOpenOut { Fh = fh, OpenFlags = FileOpenFlags };
            Reply(unique, in quick, output);
            return 0;
        }

        int error = _fs.Open(path, flags, 0, out var stream);
        if (error != 0)
        {
            return error;
        }

        var reply = new FuseOpenOut { Fh = AddHandle(new OpenFile(stream!, node)), OpenFlags = FileOpenFlags };
        Reply(unique, in reply, output);
        return 0;
    }

    /// <summary>
    /// Takes the stream of a deferred open (under its lock): the file as the node's path names it
    /// now, as a read-only open of it made now would read it.
    /// </summary>
    private int TakeStream(ulong fh, OpenFile file)
    {
        if (file.Stream is not null || file.Closed)
        {
            _deferred.TryRemove(fh, out _);
            return file.Closed ? EBADF : 0;
        }

        if (_nodes.PathOf(file.Node) is not { } path)
        {
            return ENOENT;
        }

        int error = _fs.Open(path, O_RDONLY, 0, out var stream);
        if (error != 0)
        {
            return error;
        }

        file.Opened(stream!);
        _deferred.TryRemove(fh, out _);
        return 0;
    }

    /// <summary>Before a file's name is removed (under the removal gate): the deferred opens of it take their streams, so they read what they opened.</summary>
    private void OpenDeferred(string path)
    {
        if (_nodes.KnownIdOf(path) is var id && id == 0)
        {
            return;
        }

        // The opens of the file keep what it is now, for an fstat(2) after its name is gone. (The
        // dictionary is walked as it is, without a snapshot of its values, which would lock it
        // whole; and not at all while no file is open, as during an rm -rf.)
        NodeStatus? now = null;
        if (Volatile.Read(ref _openFiles) != 0)
        {
            foreach (var (_, handle) in _handles)
            {
                if (handle is OpenFile open && open.Node == id && !open.Closed)
                {
                    if (now is null && _fs.Status(path, out var status) == 0)
                    {
                        now = status;
                    }

                    open.Unlinked = now;
                }
            }
        }

        if (_deferred.IsEmpty)
        {
            return;
        }

        foreach (var (fh, file) in _deferred)
        {
            if (file.Node == id)
            {
                lock (file.Lock)
                {
                    _ = TakeStream(fh, file);
                }
            }
        }
    }

    /// <summary>
    /// What the kernel may skip for an open file. Every change of a file goes through the mount (the
    /// kernel keeps its cached pages up to date with each write and truncate), so the pages cached
    /// for it stay valid across opens (FOPEN_KEEP_CACHE; a change of mtime or size seen in its
    /// attributes still drops them: FUSE_AUTO_INVAL_DATA). No open has anything to flush at close
    /// (FOPEN_NOFLUSH): a WRITE is answered once its data reached the layer.
    /// </summary>
    private const uint FileOpenFlags = FOPEN_KEEP_CACHE | FOPEN_NOFLUSH;

    private int Create(ulong unique, ulong parent, ReadOnlySpan<byte> body, byte[] output)
    {
        var create = MemoryMarshal.Read<FuseCreateIn>(body);
        int error = ChildPath(parent, body[sizeof(FuseCreateIn)..], out string path, out _);
        if (error != 0)
        {
            return error;
        }

        long generation = _noCapability.Generation;
        error = _fs.Open(path, (int)create.Flags | O_CREAT, create.Mode, out var stream, out bool created);
        if (error != 0)
        {
            return error;
        }

        if (created)
        {
            _noCapability.Learn(path, generation); // a new file has no capabilities
        }

        if ((error = _fs.Status(path, out var status)) != 0)
        {
            stream!.Dispose();
            return error;
        }

        ulong id = LookedUp(path, status);
        var reply = new CreateReply
        {
            Entry = Entry(id, status),
            Open = new FuseOpenOut { Fh = AddHandle(new OpenFile(stream!, id)), OpenFlags = FileOpenFlags },
        };
        Reply(unique, in reply, output);
        return 0;
    }

    private int Read(ulong unique, ReadOnlySpan<byte> body, byte[] output)
    {
        var read = MemoryMarshal.Read<FuseReadIn>(body);
        if (!_handles.TryGetValue(read.Fh, out var handle) || handle is not OpenFile file)
        {
            return EBADF;
        }

        var data = Payload(output)[..(int)Math.Min(read.Size, (uint)MaxWrite)];
        int total = 0;
        lock (file.Lock)
        {
            if (file.Stream is null)
            {
                int error = TakeStream(read.Fh, file);
                if (error != 0)
                {
                    return error;
                }
            }

            var stream = file.Stream!;
            stream.Position = (long)read.Offset;
            while (total < data.Length)
            {
                int n = stream.Read(data[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }

        Send(unique, 0, output, total);
        return 0;
    }

    private int Write(ulong unique, ReadOnlySpan<byte> body, byte[] output)
    {
        var write = MemoryMarshal.Read<FuseWriteIn>(body);
        if (!_handles.TryGetValue(write.Fh, out var handle) || handle is not OpenFile file)
        {
            return EBADF;
        }

        if (!file.CanWrite)
        {
            return EBADF;
        }

        var data = body.Slice(sizeof(FuseWriteIn), (int)write.Size);
        lock (file.Lock)
        {
            var stream = file.Stream!;
            stream.Position = (long)write.Offset;
            stream.Write(data);

            // Into the layer before the answer, so close(2) has nothing left to flush (FOPEN_NOFLUSH)
            // and another open sees the data at once (a no-op for the host disk's unbuffered streams).
            stream.Flush();
        }

        var reply = new FuseWriteOut { Size = write.Size };
        Reply(unique, in reply, output);
        return 0;
    }

    private int Flush(ulong unique, ReadOnlySpan<byte> body, bool durable, byte[] output)
    {
        ulong fh = MemoryMarshal.Read<ulong>(body);
        if (_handles.TryGetValue(fh, out var handle) && handle is OpenFile file && file.CanWrite)
        {
            lock (file.Lock)
            {
                if (durable && file.Stream is FileStream fileStream)
                {
                    fileStream.Flush(flushToDisk: true);
                }
                else
                {
                    file.Stream!.Flush();
                }
            }
        }

        return ReplyOk(unique, output);
    }

    private int Fallocate(ulong unique, ReadOnlySpan<byte> body, byte[] output)
    {
        var fallocate = MemoryMarshal.Read<FuseFallocateIn>(body);
        if (!_handles.TryGetValue(fallocate.Fh, out var handle) || handle is not OpenFile file || !file.CanWrite)
        {
            return EBADF;
        }

        // Only the plain form (mode 0: make sure the range is allocated, growing the file) is served.
        if (fallocate.Mode != 0)
        {
            return EOPNOTSUPP;
        }

        lock (file.Lock)
        {
            long end = checked((long)(fallocate.Offset + fallocate.Length));
            var stream = file.Stream!;
            if (end > stream.Length)
            {
                stream.SetLength(end);
            }
        }

        return ReplyOk(unique, output);
    }

    private int Release(ulong unique, ReadOnlySpan<byte> body, byte[] output)
    {
        ulong fh = MemoryMarshal.Read<ulong>(body);
        if (_handles.TryRemove(fh, out var handle) && handle is OpenFile file)
        {
            Interlocked.Decrement(ref _openFiles);
            lock (file.Lock)
            {
                file.Close();
            }

            _deferred.TryRemove(fh, out _);
        }

        return ReplyOk(unique, output);
    }

    // ---- Directories

    /// <summary>
    /// The kernel may keep a directory's listing in its page cache and answer later opens from it
    /// without a READDIR (FOPEN_CACHE_DIR), across opens (FOPEN_KEEP_CACHE). It drops the copy
    /// itself when the directory changes through the mount (a create, unlink, rename or link in
    /// it changes its version), and <see cref="Invalidate"/> drops it for a change it did not see.
    /// </summary>
    private const uint DirectoryOpenFlags = FOPEN_KEEP_CACHE | FOPEN_CACHE_DIR;

    /// <summary>
    /// OPENDIR: the directory is checked, not listed; the listing is taken by the first READDIR
    /// (which the kernel does not send when it answers from its cache).
    /// </summary>
    private int OpenDir(ulong unique, ulong node, byte[] output)
    {
        if (_nodes.PathOf(node) is not { } path)
        {
            return ENOENT;
        }

        int error = _fs.Status(path, out var status);
        if (error != 0)
        {
            return error;
        }

        if (status.Kind != NodeKind.Directory)
        {
            return ENOTDIR;
        }

        var reply = new FuseOpenOut { Fh = AddHandle(new OpenDirectory(path, node)), OpenFlags = DirectoryOpenFlags };
        Reply(unique, in reply, output);
        return 0;
    }

    /// <summary>How many merged listings READDIR has taken (a directory the kernel lists from its cache takes none).</summary>
    internal long ListingsTaken => Interlocked.Read(ref _listingsTaken);

    private int Snapshot(OpenDirectory directory, ulong node)
    {
        Interlocked.Increment(ref _listingsTaken);
        int error = _fs.List(directory.Path, out var entries);
        if (error != 0)
        {
            return error;
        }

        string parentPath = directory.Path == "/" ? "/" : Path.GetDirectoryName(directory.Path) ?? "/";
        var list = new List<DirectoryEntry>(entries.Count + 2)
        {
            new(".", node, NodeKind.Directory),
            new("..", _nodes.IdOf(parentPath), NodeKind.Directory),
        };
        foreach (var (name, kind) in entries)
        {
            list.Add(new DirectoryEntry(name, _nodes.IdOf(PosixPath.Combine(directory.Path, name)), kind));
        }

        directory.Entries = list;
        directory.Listed = true;
        return 0;
    }

    private int ReadDir(ulong unique, ReadOnlySpan<byte> body, byte[] output)
    {
        var read = MemoryMarshal.Read<FuseReadIn>(body);
        if (!_handles.TryGetValue(read.Fh, out var handle) || handle is not OpenDirectory directory)
        {
            return EBADF;
        }

        var data = Payload(output)[..(int)Math.Min(read.Size, (uint)MaxWrite)];
        int used = 0;
        lock (directory.Lock)
        {
            if (read.Offset == 0 || !directory.Listed)
            {
                // The first READDIR of the open, or rewinddir(3): a new listing, as a real
                // directory shows what changed meanwhile. (The first may come at an offset past
                // 0 when the kernel's cached copy ended early: the listing is the same while the
                // directory is unchanged, as the copy is dropped when it changes.)
                int error = Snapshot(directory, directory.Node);
                if (error != 0)
                {
                    return error;
                }
            }

            for (int i = (int)Math.Min(read.Offset, (ulong)directory.Entries.Count); i < directory.Entries.Count; i++)
            {
                var entry = directory.Entries[i];
                int nameLength = Encoding.UTF8.GetByteCount(entry.Name);
                int size = (sizeof(FuseDirent) + nameLength + 7) & ~7;
                if (used + size > data.Length)
                {
                    break;
                }

                var dirent = new FuseDirent { Ino = entry.Ino, Offset = (ulong)(i + 1), NameLength = (uint)nameLength, Type = DirentType(entry.Kind) };
                MemoryMarshal.Write(data[used..], in dirent);
                Encoding.UTF8.GetBytes(entry.Name, data[(used + sizeof(FuseDirent))..]);
                data.Slice(used + sizeof(FuseDirent) + nameLength, size - sizeof(FuseDirent) - nameLength).Clear();
                used += size;
            }
        }

        Send(unique, 0, output, used);
        return 0;
    }

    // ---- Helpers

    private int ReplyEntry(ulong unique, string path, byte[] output)
    {
        int error = _fs.Status(path, out var status);
        if (error != 0)
        {
            return error;
        }

        var entry = Entry(LookedUp(path, status), status);
        Reply(unique, in entry, output);
        return 0;
    }

    /// <summary>
    /// Counts a lookup of a path: a file with several names in the upper (hard links) gets the node
    /// of a name already known for it, checked to be the same file still.
    /// </summary>
    private ulong LookedUp(string path, in NodeStatus status)
    {
        if (SharedIdentity(status) is not { } identity)
        {
            return _nodes.LookedUp(path);
        }

        ulong nameOf = 0;
        if (_nodes.OtherNameOf(identity, path) is { } other && _fs.Status(other.Path, out var known) == 0 && known.Identity == identity)
        {
            nameOf = other.Id;
        }

        return _nodes.LookedUp(path, identity, nameOf);
    }

    /// <summary>
    /// The identity that makes names one node: of an upper file with more than one name. A lower
    /// file's names are not joined: copying one of them up makes it a file of its own.
    /// </summary>
    private static FileIdentity? SharedIdentity(in NodeStatus status) =>
        status is { Kind: not NodeKind.Directory, LinkCount: > 1, Identity: { Layer: -1 } identity } ? identity : null;

    private FuseEntryOut Entry(ulong id, in NodeStatus status) => new()
    {
        NodeId = id,
        Generation = 0,
        EntryValid = _timeoutSeconds,
        EntryValidNsec = _timeoutNanoseconds,
        AttrValid = _timeoutSeconds,
        AttrValidNsec = _timeoutNanoseconds,
        Attr = Attr(id, status),
    };

    private void ReplyAttr(ulong unique, ulong node, in NodeStatus status, byte[] output)
    {
        var reply = new FuseAttrOut { AttrValid = _timeoutSeconds, AttrValidNsec = _timeoutNanoseconds, Attr = Attr(node, status) };
        Reply(unique, in reply, output);
    }

    private FuseAttr Attr(ulong ino, in NodeStatus status)
    {
        var (atime, atimeNsec) = ToUnix(status.LastAccessTimeUtc);
        var (mtime, mtimeNsec) = ToUnix(status.LastWriteTimeUtc);
        return new FuseAttr
        {
            Ino = ino,
            Size = (ulong)status.Size,
            Blocks = (ulong)((status.Size + 511) / 512),
            ATime = atime,
            ATimeNsec = atimeNsec,
            MTime = mtime,
            MTimeNsec = mtimeNsec,
            CTime = mtime,
            CTimeNsec = mtimeNsec,
            Mode = status.Permissions | status.Kind switch
            {
                NodeKind.Directory => S_IFDIR,
                NodeKind.SymbolicLink => S_IFLNK,
                NodeKind.CharacterDevice => S_IFCHR,
                NodeKind.BlockDevice => S_IFBLK,
                NodeKind.Fifo => S_IFIFO,
                NodeKind.Socket => S_IFSOCK,
                _ => S_IFREG,
            },
            NLink = status.Kind == NodeKind.Directory ? 2u : status.LinkCount,
            Uid = status.UserId ?? _uid,
            Gid = status.GroupId ?? _gid,
            RDev = status.Device,
            BlockSize = 4096,
        };
    }

    private static uint DirentType(NodeKind kind) => kind switch
    {
        NodeKind.Fifo => 1,
        NodeKind.CharacterDevice => 2,
        NodeKind.Directory => 4,
        NodeKind.BlockDevice => 6,
        NodeKind.SymbolicLink => 10,
        NodeKind.Socket => 12,
        _ => 8,
    };

    private static (ulong Seconds, uint Nanoseconds) ToUnix(DateTime time)
    {
        long ticks = time.Ticks - DateTime.UnixEpoch.Ticks;
        if (ticks < 0)
        {
            return (0, 0);
        }

        return ((ulong)(ticks / TimeSpan.TicksPerSecond), (uint)(ticks % TimeSpan.TicksPerSecond * 100));
    }

    private static DateTime FromUnix(ulong seconds, uint nanoseconds) =>
        DateTime.UnixEpoch.AddTicks(((long)seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100));

    private ulong AddHandle(object handle)
    {
        ulong id = (ulong)Interlocked.Increment(ref _nextHandle);
        if (handle is OpenFile)
        {
            Interlocked.Increment(ref _openFiles);
        }

        _handles[id] = handle;
        return id;
    }

    /// <summary>The merged path of a name in a directory node; the name is NUL-terminated in <paramref name="data"/>.</summary>
    private int ChildPath(ulong parent, ReadOnlySpan<byte> data, out string path, out int used)
    {
        path = string.Empty;
        if (!TryName(data, out string name, out used))
        {
            return EINVAL;
        }

        if (_nodes.PathOf(parent) is not { } parentPath)
        {
            return ENOENT;
        }

        path = PosixPath.Combine(parentPath, name);
        return 0;
    }

    private static bool TryName(ReadOnlySpan<byte> data, out string name, out int used)
    {
        int end = data.IndexOf((byte)0);
        if (end < 0)
        {
            end = data.Length;
        }

        used = Math.Min(end + 1, data.Length);
        return EngineAdapter.TryDecodeName(data[..end], out name);
    }

    private static Span<byte> Payload(byte[] output) => output.AsSpan(sizeof(FuseOutHeader));

    private int ReplyOk(ulong unique, byte[] output)
    {
        Send(unique, 0, output, 0);
        return 0;
    }

    private void ReplyError(ulong unique, int errno, byte[] output) => Send(unique, -errno, output, 0);

    private void Reply<T>(ulong unique, in T value, byte[] output)
        where T : unmanaged
    {
        MemoryMarshal.Write(Payload(output), in value);
        Send(unique, 0, output, Unsafe.SizeOf<T>());
    }

    private void Send(ulong unique, int error, byte[] output, int payloadLength)
    {
        var header = new FuseOutHeader { Length = (uint)(sizeof(FuseOutHeader) + payloadLength), Error = error, Unique = unique };
        MemoryMarshal.Write(output.AsSpan(), in header);
        fixed (byte* buffer = output)
        {
            // A failure means the request is gone (interrupted: ENOENT) or the connection is: the
            // reader finds out at its next read.
            _ = Libc.Write(_fd, buffer, (nint)header.Length);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CreateReply
    {
        public FuseEntryOut Entry;
        public FuseOpenOut Open;
    }
}
