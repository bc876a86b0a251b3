using System.IO.Abstractions;
using Overlay.Union;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <summary>
/// The shared part of <see cref="OverlayFileInfo"/> and <see cref="OverlayDirectoryInfo"/>: like
/// System.IO's FileSystemInfo, it caches the object's status on first use until <see cref="Refresh"/>.
/// </summary>
internal abstract class OverlayFileSystemInfo : IFileSystemInfo
{
    private FileStatus? _status;

    protected OverlayFileSystemInfo(OverlayFileSystem fileSystem, PosixIo io, string originalPath, string fullPath)
    {
        OverlayFileSystem = fileSystem;
        Io = io;
        OriginalPath = originalPath;
        FullName = fullPath;
    }

    protected OverlayFileSystem OverlayFileSystem { get; }

    protected PosixIo Io { get; }

    protected string OriginalPath { get; set; }

    public IFileSystem FileSystem => OverlayFileSystem;

    public string FullName { get; protected set; }

    public virtual string Name
    {
        get
        {
            string trimmed = PosixPath.TrimEndingSeparators(FullName);
            return trimmed == "/" ? "/" : PosixPath.GetFileName(trimmed);
        }
    }

    // As System.IO's FileSystemInfo (not Path.GetExtension): from the last '.' of the full name as
    // it is, so "name." has ".", and "/a.b/" has none.
    public string Extension
    {
        get
        {
            int dot = FullName.LastIndexOf('.');
            return dot >= 0 && FullName.IndexOf('/', dot) < 0 ? FullName[dot..] : string.Empty;
        }
    }

    public abstract bool Exists { get; }

    protected FileStatus Status => _status ??= Io.Status(FullName);

    /// <summary>
    /// <see cref="Status"/> for the properties that read metadata: as System.IO's FileSystemInfo,
    /// they throw the error the status was taken with, unless it only says the object is missing.
    /// </summary>
    protected FileStatus CheckedStatus => Status.ThrowIfFailed(FullName);

    public FileAttributes Attributes
    {
        get => CheckedStatus.Attributes;
        set
        {
            SetAttributes(Io, FullName, value);
            Invalidate();
        }
    }

    public UnixFileMode UnixFileMode
    {
        get
        {
            if (!Status.Exists)
            {
                return (UnixFileMode)(-1);
            }

            // The mode of what the path names: a link is followed; a dangling one has none.
            if (!Status.Node.IsSymbolicLink)
            {
                return Status.Node.Entry.Mode;
            }

            return Io.TargetMode(FullName) ?? (UnixFileMode)(-1);
        }
        set
        {
            Io.SetUnixFileMode(FullName, value);
            Invalidate();
        }
    }

    public DateTime CreationTime
    {
        get => CreationTimeUtc.ToLocalTime();
        set => CreationTimeUtc = value.ToUniversalTime();
    }

    public DateTime CreationTimeUtc
    {
        get => CheckedStatus.Exists ? Status.Node.Entry.CreationTimeUtc : DateTime.FromFileTimeUtc(0);
        set => SetTimes(null, value);
    }

    public DateTime LastAccessTime
    {
        get => LastAccessTimeUtc.ToLocalTime();
        set => LastAccessTimeUtc = value.ToUniversalTime();
    }

    public DateTime LastAccessTimeUtc
    {
        get => CheckedStatus.Exists ? Status.Node.Entry.LastAccessTimeUtc : DateTime.FromFileTimeUtc(0);
        set => SetTimes(value, null);
    }

    public DateTime LastWriteTime
    {
        get => LastWriteTimeUtc.ToLocalTime();
        set => LastWriteTimeUtc = value.ToUniversalTime();
    }

    public DateTime LastWriteTimeUtc
    {
        get => CheckedStatus.Exists ? Status.Node.Entry.LastWriteTimeUtc : DateTime.FromFileTimeUtc(0);
        set => SetTimes(null, value);
    }

    public string? LinkTarget =>
        Io.ReadLink(FullName, out var target) == Errno.None ? target : null;

    private void SetTimes(DateTime? access, DateTime? write)
    {
        static DateTime? Utc(DateTime? time) => time is { } t ? (t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()) : null;
        Io.SetTimes(FullName, Utc(access), Utc(write));
        Invalidate();
    }

    public void CreateAsSymbolicLink(string pathToTarget)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathToTarget);
        IoErrors.ThrowIfNullCharacter(pathToTarget, nameof(pathToTarget));
        Io.CreateAsSymbolicLink(FullName, pathToTarget, this is OverlayDirectoryInfo);
        Invalidate();
    }

    public abstract void Delete();

    public void Refresh() => Invalidate();

    protected void Invalidate() => _status = null;

    public IFileSystemInfo? ResolveLinkTarget(bool returnFinalTarget)
    {
        string path = PosixPath.TrimEndingSeparators(FullName);

        // readlink(2) of the path as given: a trailing separator makes it follow the link.
        var error = Io.ReadLink(FullName, out var target);
        if (error == Errno.EINVAL)
        {
            return null;
        }

        // A missing link is blamed on its directory when that is missing too (always, for a directory).
        IoErrors.Check(error, FullName, this is OverlayDirectoryInfo ||
            (error == Errno.ENOENT && !Io.DirectoryExists(PosixPath.DirectoryOf(path))));
        string current = TargetOf(path, target!);
        if (returnFinalTarget)
        {
            for (int hops = 1; Io.ReadLink(current, out var next) == Errno.None; hops++)
            {
                if (hops >= 40)
                {
                    // System.IO counts the hops itself and throws a plain IOException (COR_E_IO), not ELOOP.
                    throw new IOException($"Too many levels of symbolic links in '{FullName}'.");
                }

                current = TargetOf(current, next!);
            }
        }

        return this is OverlayDirectoryInfo
            ? OverlayFileSystem.DirectoryInfo.New(current)
            : OverlayFileSystem.FileInfo.New(current);

        static string TargetOf(string link, string target) =>
            target.StartsWith('/') ? target : PosixPath.Combine(PosixPath.DirectoryOf(link), target);
    }

    public override string ToString() => OriginalPath;

    /// <summary>System.IO's attributes setter on Unix: only ReadOnly changes anything, through the write bits.</summary>
    public static void SetAttributes(PosixIo io, string fullPath, FileAttributes attributes)
    {
        const FileAttributes valid = FileAttributes.ReadOnly | FileAttributes.Hidden | FileAttributes.System | FileAttributes.Archive |
            FileAttributes.Normal | FileAttributes.Temporary | FileAttributes.Offline | FileAttributes.NotContentIndexed |
            FileAttributes.Directory | FileAttributes.ReparsePoint | FileAttributes.SparseFile | FileAttributes.Compressed |
            FileAttributes.Encrypted | FileAttributes.IntegrityStream | FileAttributes.NoScrubData;
        if ((attributes & ~valid) != 0)
        {
            throw new ArgumentException("Invalid File or Directory attributes value.", nameof(attributes));
        }

        var status = io.Status(fullPath);
        if (!status.Exists)
        {
            io.ThrowNotFound(fullPath);
        }

        // chmod(2) follows a link, so the bits to change are its target's (the link's own 0777
        // would give the target execute bits); a dangling link keeps its own, as in System.IO.
        const UnixFileMode writeBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        var mode = status.Mode;
        var newMode = (attributes & FileAttributes.ReadOnly) != 0
            ? mode & ~writeBits
            : (mode & writeBits) == 0 ? mode | UnixFileMode.UserWrite : mode;
        if (newMode != mode)
        {
            io.SetUnixFileMode(fullPath, newMode);
        }
    }
}
