using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Union;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <summary>
/// What .NET's System.IO does on Linux, expressed over the union engine instead of syscalls: the
/// same checks in the same order, and the same errno-to-exception rules. Every facade member goes
/// through here, so the overlay fails exactly where and how a kernel mount would.
/// </summary>
internal sealed partial class PosixIo
{
    private const UnixFileMode DefaultCreateMode = (UnixFileMode)0b110_110_110; // 0666, before the umask
    private const UnixFileMode DirectoryCreateMode = (UnixFileMode)0b111_111_111; // 0777, before the umask

    private readonly UnionEngine _engine;
    private readonly OverlayWatchHub _watchers;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SafeFileHandle, string> _lowerHandles = new();

    public PosixIo(UnionEngine engine)
    {
        _engine = engine;
        _watchers = new OverlayWatchHub(engine);
        Enumeration = new PosixEnumeration(this);
    }

    /// <summary>Directory.Enumerate*, which walks the merged tree through <see cref="ReadDirectory"/>.</summary>
    public PosixEnumeration Enumeration { get; }

    /// <summary>The overlay's watchers, fed by the engine's change feed and by this door's streams.</summary>
    public OverlayWatchHub Watchers => _watchers;

    // ---- The overlay as a whole

    public IReadOnlyList<Layers.ILayer> Lowers => _engine.Lowers;

    public Layers.IWritableLayer? Upper => _engine.Upper;

    public bool IsReadOnly => _engine.IsReadOnly;

    public IReadOnlyList<OverlayChange> Changes(CancellationToken cancellationToken) => _engine.Changes(cancellationToken);

    public void ResetUpper() => _engine.ResetUpper();

    public void InvalidateIndex() => _engine.InvalidateIndex();

    /// <summary>The engine's trace of its writes.</summary>
    public event Action<OverlayEvent>? Trace
    {
        add => _engine.Trace += value;
        remove => _engine.Trace -= value;
    }

    /// <summary>The engine's trace of its lookups (the slow way while it has a handler).</summary>
    public event Action<OverlayEvent>? LookupTrace
    {
        add => _engine.LookupTrace += value;
        remove => _engine.LookupTrace -= value;
    }

    // ---- Status

    /// <summary>lstat(2), then stat(2) when the object is a link: what FileSystemInfo caches.</summary>
    public FileStatus Status(string fullPath)
    {
        string trimmed = PosixPath.TrimEndingSeparators(fullPath);
        try
        {
            if (_engine.Stat(trimmed, followLinks: false, out var node) is var error && error != Errno.None)
            {
                return new FileStatus(false, false, default, error);
            }

            bool isDirectory = node.IsDirectory;
            UnixFileMode? targetMode = null;
            if (node.IsSymbolicLink && _engine.Stat(trimmed, followLinks: true, out var target) == Errno.None)
            {
                isDirectory = target.IsDirectory;
                targetMode = target.Entry.Mode;
            }

            return new FileStatus(true, isDirectory, node, TargetMode: targetMode);
        }
        catch (IOException e) when (e.HResult is > 0 and < 4096 && e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            // A layer's storage failed (EIO, EACCES...): the status is that error, as lstat(2)'s
            // would be. What reads metadata throws it; an Exists answers false, as System.IO's
            // does for any error — never true for a deleted object or false from a guess.
            return new FileStatus(false, false, default, (Errno)e.HResult);
        }
    }

    /// <summary>System.IO's internal FileExists: a trailing separator is trimmed; a dangling link counts as a file.</summary>
    public bool FileExists(string fullPath)
    {
        var status = Status(fullPath);
        return status.Exists && !status.IsDirectory;
    }

    /// <summary>System.IO's internal DirectoryExists: links are followed.</summary>
    public bool DirectoryExists(string fullPath)
    {
        var status = Status(fullPath);
        return status.Exists && status.IsDirectory;
    }

    /// <summary>
    /// The exception for a failed call on a path: a missing name is blamed on its directory when that
    /// is missing too, as System.IO decides between DirectoryNotFound and FileNotFound.
    /// </summary>
    public Exception Fail(Errno error, string fullPath) => error == Errno.ENOENT
        ? IoErrors.For(error, fullPath, isDirectory: !DirectoryExists(PosixPath.DirectoryOf(fullPath)))
        : IoErrors.For(error, fullPath);

    public void Check(Errno error, string fullPath)
    {
        if (error != Errno.None)
        {
            throw Fail(error, fullPath);
        }
    }

    /// <summary>stat(2) or lstat(2) of a full path.</summary>
    public Errno Stat(string fullPath, bool followLinks, out MergedNode node) => _engine.Stat(fullPath, followLinks, out node);

    /// <summary>getdents(2) of a merged directory: its entries, merged, whiteouts removed.</summary>
    public Errno ReadDirectory(string fullPath, out List<MergedNode> entries) => _engine.ReadDirectory(fullPath, out entries);

    /// <summary>The kept merged listing of a directory, for the enumeration's walk.</summary>
    public Errno ListDirectory(string fullPath, out DirectoryListing listing) => _engine.ListDirectory(fullPath, out listing);

    /// <summary>The kept merged listing of a directory entry of a listing: reached from its node while nothing changed.</summary>
    public Errno ListChild(in DirectoryListing parent, in MergedNode child, string fullPath, out DirectoryListing listing) => _engine.ListChild(parent, child, fullPath, out listing);

    /// <summary>stat(2) of a path, links followed: the mode of what it names; null when it names nothing (a dangling link).</summary>
    public UnixFileMode? TargetMode(string fullPath) =>
        _engine.Stat(fullPath, followLinks: true, out var target) == Errno.None ? target.Entry.Mode : null;

    /// <summary>readlink(2).</summary>
    /// <returns>The errno: EINVAL when the path is not a link.</returns>
    public Errno ReadLink(string fullPath, out string? target) => _engine.ReadLink(fullPath, out target);

    /// <summary>File and Directory.CreateSymbolicLink: symlink(2), a missing name blamed on its directory when that is missing too.</summary>
    public void CreateSymbolicLink(string fullPath, string target) => Check(_engine.CreateSymbolicLink(fullPath, target), fullPath);

    /// <summary>FileSystemInfo.CreateAsSymbolicLink: symlink(2), the error said of a file or a directory as the info is.</summary>
    public void CreateAsSymbolicLink(string fullPath, string target, bool isDirectory) =>
        IoErrors.Check(_engine.CreateSymbolicLink(fullPath, target), fullPath, isDirectory);

    /// <summary>FileSystemInfo's cache check: a failed lstat other than "not there" is thrown as it is.</summary>
    public FileStatus RequireStatus(string fullPath)
    {
        var status = Status(fullPath);
        if (!status.Exists)
        {
            if (status.Error is not Errno.ENOENT and not Errno.ENOTDIR)
            {
                throw IoErrors.For(status.Error, fullPath);
            }

            ThrowNotFound(fullPath);
        }

        return status;
    }

    public void ThrowNotFound(string fullPath)
    {
        bool isDirectory = !DirectoryExists(PosixPath.DirectoryOf(fullPath));
        throw IoErrors.For(Errno.ENOENT, fullPath, isDirectory);
    }
}
