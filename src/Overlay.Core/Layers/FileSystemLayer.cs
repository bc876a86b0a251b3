using System.IO.Abstractions;
using System.Text;
using Overlay.Layers.Host;
using Overlay.Union;
using Overlay.Paths;

namespace Overlay.Layers;

/// <summary>
/// A layer stored in a directory of any <see cref="IFileSystem"/>: a <c>MockFileSystem</c> in a unit
/// test, another overlay, or the real disk (see <see cref="HostDirectoryLayer"/>, which adds what
/// only the real disk can do). Whiteouts and opaque directories are stored in the declared
/// <see cref="Layers.WhiteoutForm"/>; with a <see cref="FileSystemLayerOptions.WorkDirectory"/> the
/// layer can be an overlay's upper.
/// </summary>
/// <remarks>
/// <para>
/// Containment: a path inside the layer is resolved one component at a time without following the
/// storage's symbolic links, so a layer holding <c>etc -&gt; /etc</c> (as every root file system
/// does) never reaches the host's <c>/etc</c>: a link is only ever reported as a link, and the
/// overlay resolves it inside the merged view.
/// </para>
/// <para>
/// Atomic steps: every object an overlay writes whole (a copy-up, a whiteout, an opaque directory)
/// is built in the work directory and renamed into the layer, so a failure half-way leaves the
/// layer as it was. The work directory's <c>work</c> folder is emptied when the layer is built,
/// as the kernel empties its own at mount.
/// </para>
/// <para>
/// Thread-safe for reads. An overlay serialises its writes; two overlays must not share an upper.
/// </para>
/// </remarks>
public partial class FileSystemLayer : IWritableLayer, IDisposable, IConcurrentStaging, IDirectoryRedirects, IWhiteoutRename, IHostFileHandles, IWholeFileReads
{
    private const UnixFileMode LinkMode = (UnixFileMode)0b111_111_111;
    private const UnixFileMode WhiteoutFileMode = 0;
    private const UnixFileMode DefaultDirectoryMode = (UnixFileMode)0b111_101_101; // 0755
    private const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100; // 0644

    private readonly string _rootPrefix;
    private readonly char _separator;
    private string? _quickRootPrefix;
    private bool _quickRootResolved;

    /// <summary>The storage's directory separator.</summary>
    private protected char Separator => _separator;

    /// <summary>Opens a directory of a file system as a layer.</summary>
    /// <param name="fileSystem">The file system holding the layer.</param>
    /// <param name="root">The layer's root directory in that file system; it must exist.</param>
    /// <param name="options">Settings; an OCI-form lower when omitted.</param>
    /// <exception cref="DirectoryNotFoundException">The root (or the work directory's parent) does not exist.</exception>
    /// <exception cref="ArgumentException">The work directory and the root overlap.</exception>
    public FileSystemLayer(IFileSystem fileSystem, string root, FileSystemLayerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new FileSystemLayerOptions();
        if (!Enum.IsDefined(options.WhiteoutForm))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WhiteoutForm, "Unknown whiteout form.");
        }

        FileSystem = fileSystem;
        _separator = fileSystem.Path.DirectorySeparatorChar;
        Root = TrimSeparators(fileSystem.Path.GetFullPath(root));
        var rootInfo = fileSystem.DirectoryInfo.New(Root);
        if (rootInfo.LinkTarget is not null && rootInfo.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            // The root is the caller's choice and may be reached through links; inside it, nothing is.
            Root = TrimSeparators(target.FullName);
        }

        _rootPrefix = Root.Length == 1 && Root[0] == _separator ? string.Empty : Root;
        Name = options.Name ?? Root;
        WhiteoutForm = options.WhiteoutForm;
        if (!fileSystem.Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"The root of layer '{Name}' is not a directory: '{Root}'.");
        }

        if (WhiteoutForm == WhiteoutForm.Kernel)
        {
            CheckKernelFormSupported();
        }

        if (options.WorkDirectory is { } work)
        {
            WorkDirectory = TrimSeparators(fileSystem.Path.GetFullPath(work));
            CheckWorkDirectoryPlacement();
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The file system holding the layer.</summary>
    public IFileSystem FileSystem { get; }

    /// <summary>The layer's root directory, a full path of <see cref="FileSystem"/>.</summary>
    public string Root { get; }

    /// <summary>The work directory, or <see langword="null"/> for a layer that is only a lower.</summary>
    public string? WorkDirectory { get; }

    /// <summary>How whiteouts and opaque directories are stored.</summary>
    public WhiteoutForm WhiteoutForm { get; }

    /// <summary>
    /// Whether the layer can be an overlay's upper: it has a work directory and a whiteout form that
    /// can store whiteouts.
    /// </summary>
    public bool CanBeUpper => WorkDirectory is not null && WhiteoutForm != WhiteoutForm.None;

    /// <summary>Whether whiteouts are stored as OCI <c>.wh.</c> files.</summary>
    private protected bool IsOci => WhiteoutForm == WhiteoutForm.Oci;

    /// <summary>Why the layer cannot be an upper, or <see langword="null"/> when it can.</summary>
    internal string? WhyNotUpper =>
        WorkDirectory is null ? $"Layer '{Name}' has no work directory: it can only be a lower (set {nameof(FileSystemLayerOptions.WorkDirectory)} to make it an upper)."
        : WhiteoutForm == WhiteoutForm.None ? $"Layer '{Name}' stores no whiteouts (whiteout form None): it can only be a lower."
        : null;

    /// <summary>Throws when this storage cannot hold the kernel's whiteout form (only the real disk on Linux can).</summary>
    private protected virtual void CheckKernelFormSupported() =>
        throw new ArgumentException(
            $"Layer '{Name}' cannot use the kernel whiteout form: character devices and extended attributes need a {nameof(HostDirectoryLayer)} on Linux.",
            "options");

    /// <summary>Releases the work directory (see <see cref="HostDirectoryLayer"/>); the layer's files stay as they are.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the layer holds.</summary>
    /// <param name="disposing">Called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The storage path of a layer path.</summary>
    /// <param name="path">An absolute layer path ("/", "/etc/hosts").</param>
    /// <returns>The full path in <see cref="FileSystem"/>.</returns>
    private protected string HostPath(string path)
    {
        if (path.Length <= 1)
        {
            return Root;
        }

        return _separator == '/' ? _rootPrefix + path : _rootPrefix + path.Replace('/', _separator);
    }

    // ---- Storage primitives: the real disk replaces them (HostDirectoryLayer)

    /// <summary>Reads what is at a storage path, not following a final symbolic link.</summary>
    private protected virtual HostEntry Stat(string hostPath)
    {
        var info = FileSystem.FileInfo.New(hostPath);
        FileAttributes attributes;
        try
        {
            attributes = info.Attributes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Only "not there" is absence; any other failure of the storage is the caller's error.
            return HostEntry.Missing;
        }

        if ((int)attributes == -1)
        {
            return HostEntry.Missing;
        }

        if ((attributes & FileAttributes.ReparsePoint) != 0)
        {
            return new HostEntry(HostEntryKind.SymbolicLink, LinkMode, 0, info.LastWriteTimeUtc, info.LastAccessTimeUtc, info.CreationTimeUtc);
        }

        if ((attributes & FileAttributes.Directory) != 0)
        {
            var directory = FileSystem.DirectoryInfo.New(hostPath);
            return new HostEntry(HostEntryKind.Directory, GetMode(hostPath, DefaultDirectoryMode), 0, directory.LastWriteTimeUtc, directory.LastAccessTimeUtc, directory.CreationTimeUtc);
        }

        return new HostEntry(HostEntryKind.File, GetMode(hostPath, DefaultFileMode), info.Length, info.LastWriteTimeUtc, info.LastAccessTimeUtc, info.CreationTimeUtc);
    }

    /// <summary>The target of a symbolic link, as stored.</summary>
    private protected virtual string ReadLink(string hostPath) =>
        FileSystem.FileInfo.New(hostPath).LinkTarget
        ?? throw new IOException($"'{hostPath}' in layer '{Name}' is not a symbolic link.", (int)Errno.EINVAL);

    /// <summary>The names a storage directory holds.</summary>
    private protected virtual IEnumerable<string> ListNames(string hostPath)
    {
        foreach (var entry in FileSystem.Directory.EnumerateFileSystemEntries(hostPath))
        {
            int slash = entry.LastIndexOf(_separator);
            yield return entry[(slash + 1)..];
        }
    }

    /// <summary>
    /// The names a storage directory holds, read for the layer's own knowledge (a lookup, not a
    /// listing anyone asked for): where the storage can, without touching the directory's access
    /// time. Null when the directory is not there (the layer then records nothing).
    /// </summary>
    private protected virtual IEnumerable<string>? ListNamesQuietly(string hostPath) =>
        FileSystem.Directory.Exists(hostPath) ? [.. ListNames(hostPath)] : null;

    /// <summary>Opens a regular file for reading, refusing a symbolic link.</summary>
    private protected virtual Stream OpenReadNoFollow(string hostPath) =>
        FileSystem.FileStream.New(hostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Opens an existing regular file of the layer for writing.</summary>
    private protected virtual Stream OpenExisting(string hostPath, FileAccess access) =>
        FileSystem.FileStream.New(hostPath, FileMode.Open, access, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Creates a new, empty regular file.</summary>
    private protected virtual Stream CreateNew(string hostPath) =>
        FileSystem.FileStream.New(hostPath, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Renames an object where nothing is; fails when something is.</summary>
    private protected virtual void MoveNoReplace(string hostSource, string hostDestination) =>
        FileSystem.Directory.Move(hostSource, hostDestination);

    /// <summary>
    /// Renames an object to a name believed free, refusing to replace: false, with nothing changed,
    /// when the source is not there, the name is taken after all, or the storage cannot refuse in
    /// one step; the caller then takes the long way. Any other failure throws.
    /// </summary>
    private protected virtual bool TryMoveToFreeName(string hostSource, string hostDestination) => false;

    /// <summary>
    /// Removes a name that is not a directory in one call, without looking at it first: true when
    /// it is gone. False (nothing changed) when it is missing, a directory, or the storage has no
    /// such call: the caller then looks and decides the long way.
    /// </summary>
    private protected virtual bool TryRemoveNonDirectory(string hostPath) => false;

    /// <summary>
    /// Makes a new empty file at a free storage path in one call, with its final mode from the
    /// start (as open(2) with O_CREAT|O_EXCL does when the umask takes nothing from the mode): true
    /// when made. False, with nothing changed, when the storage cannot make it so in one step; the
    /// caller then builds it in the work area. Any other failure throws.
    /// </summary>
    private protected virtual bool TryCreateFileWithMode(string hostPath, UnixFileMode mode) => false;

    /// <summary>As <see cref="TryCreateFileWithMode"/>, for a new empty directory.</summary>
    private protected virtual bool TryCreateDirectoryWithMode(string hostPath, UnixFileMode mode) => false;

    /// <summary>
    /// Whether a directory of the storage carries a default POSIX ACL
    /// (<c>system.posix_acl_default</c>); false where the storage has none or cannot tell.
    /// </summary>
    private protected virtual bool ReadHasDefaultAcl(string hostDirectory) => false;

    /// <summary>Renames a non-directory over a non-directory, in one step where the storage can.</summary>
    private protected virtual void MoveReplacing(string hostSource, HostEntry source, string hostDestination)
    {
        if (source.Kind == HostEntryKind.File)
        {
            FileSystem.File.Move(hostSource, hostDestination, overwrite: true);
            return;
        }

        DeleteNonDirectory(hostDestination);
        MoveNoReplace(hostSource, hostDestination);
    }

    /// <summary>
    /// Copies a staged file's content (what a copy-up reads from a lower) into the new file: by
    /// default through a buffer; a layer on a platform with an in-kernel copy uses that instead.
    /// </summary>
    /// <param name="content">The data, read from its current position to its end.</param>
    /// <param name="destination">The staged file, written from its current position.</param>
    private protected virtual void CopyData(Stream content, Stream destination) => content.CopyTo(destination, 1 << 20);

    /// <summary>Makes a written file's data durable (no-op unless the storage can sync).</summary>
    private protected virtual void SyncFile(Stream stream)
    {
    }

    /// <summary>Makes a directory's entries durable (no-op unless the storage can sync).</summary>
    private protected virtual void SyncDirectory(string hostPath)
    {
    }

    /// <summary>Creates a symbolic link.</summary>
    private protected virtual void CreateLink(string hostPath, string target) =>

        // Directory.CreateSymbolicLink stores any target as given, a dangling one included, on
        // every IFileSystem (a file link's target must exist in some of them).
        FileSystem.Directory.CreateSymbolicLink(hostPath, target);

    /// <summary>Removes a file or a symbolic link.</summary>
    private protected void DeleteNonDirectory(string hostPath)
    {
        try
        {
            FileSystem.File.Delete(hostPath);
        }
        catch (UnauthorizedAccessException) when (FileSystem.Directory.Exists(hostPath))
        {
            // A link some IFileSystems record as a directory link.
            FileSystem.Directory.Delete(hostPath);
        }
    }

    /// <summary>Sets the permission bits of a file or directory.</summary>
    private protected virtual void SetMode(string hostPath, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            FileSystem.File.SetUnixFileMode(hostPath, mode);
        }
    }

    /// <summary>Sets the permission bits of a regular file the layer has just created (no other program has seen it).</summary>
    private protected virtual void SetModeOfNewFile(string hostPath, UnixFileMode mode) => SetMode(hostPath, mode);

    /// <summary>The permission bits of a file or directory; where the storage has none (Windows), a fixed default.</summary>
    private UnixFileMode GetMode(string hostPath, UnixFileMode fallback) =>
        OperatingSystem.IsWindows() ? fallback : FileSystem.File.GetUnixFileMode(hostPath);

    /// <summary>Sets an object's times; a link's own times, not its target's.</summary>
    private protected virtual void SetHostTimes(string hostPath, HostEntryKind kind, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        if (kind == HostEntryKind.Directory)
        {
            if (lastAccessTimeUtc is { } a)
            {
                FileSystem.Directory.SetLastAccessTimeUtc(hostPath, a);
            }

            if (lastWriteTimeUtc is { } m)
            {
                FileSystem.Directory.SetLastWriteTimeUtc(hostPath, m);
            }

            return;
        }

        if (lastAccessTimeUtc is { } atime)
        {
            FileSystem.File.SetLastAccessTimeUtc(hostPath, atime);
        }

        if (lastWriteTimeUtc is { } mtime)
        {
            FileSystem.File.SetLastWriteTimeUtc(hostPath, mtime);
        }
    }

    // ---- Paths and containment

    /// <summary>
    /// Whether every parent of a layer path is a real directory of the storage (not a symbolic link,
    /// not a reserved name): the containment check.
    /// </summary>
    private protected bool ParentsAreDirectories(string path) => ParentsAreDirectories(path, KnownVersion);

    /// <summary>
    /// As <see cref="ParentsAreDirectories(string)"/>, for a read that started under
    /// <paramref name="version"/>: a parent known to be a directory is not stat-ed again, and one
    /// stat-ed is recorded as known.
    /// </summary>
    private bool ParentsAreDirectories(string path, long version)
    {
        int end = path.LastIndexOf('/');
        int start = 1;
        while (start < end)
        {
            int slash = path.IndexOf('/', start);
            var component = path.AsSpan(start, slash - start);
            if (IsOci && OciWhiteout.IsReserved(component))
            {
                return false;
            }

            if (!IsKnownDirectory(path.AsSpan(0, slash)))
            {
                if (Stat(HostPath(path[..slash])).Kind != HostEntryKind.Directory)
                {
                    return false;
                }

                LearnDirectory(path.AsSpan(0, slash), version);
            }

            start = slash + 1;
        }

        return true;
    }

    /// <summary>The storage path of the OCI whiteout of a layer path.</summary>
    private protected string WhiteoutHostPath(string path) => HostPath(PosixPath.Combine(PosixPath.ParentOf(path), OciWhiteout.NameFor(PosixPath.NameOf(path))));

    private protected static void CheckLayerPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/' || (path.Length > 1 && path[^1] == '/'))
        {
            throw new ArgumentException($"A layer path must be absolute and normalised: '{path}'.", nameof(path));
        }
    }

    private string TrimSeparators(string path)
    {
        string trimmed = path.TrimEnd(_separator, '/');
        return trimmed.Length == 0 ? path[..1] : trimmed;
    }

    private static int ByteCount(string text) => Encoding.UTF8.GetByteCount(text);
}
