using System.Globalization;
using System.IO.Abstractions;
using System.Security.Cryptography;
using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// A backend whose layers are folders of an <see cref="IFileSystem"/>: <c>&lt;base&gt;/top</c>,
/// <c>&lt;base&gt;/bottom</c> (one folder per lower, named like it), <c>&lt;base&gt;/upper</c> and
/// <c>&lt;base&gt;/work</c>. A lower is written in the OCI form: files with their bytes, mode and
/// times; symbolic links with their target as stored; a whiteout of <c>name</c> as an empty file
/// <c>.wh.name</c> (mode 0000); an opaque directory with an empty <c>.wh..wh..opq</c> file; every
/// directory's mode and times set after its children are written.
/// </summary>
public abstract class FileSystemLayerStore : LayerStore
{
    private const UnixFileMode MarkerMode = 0;
    private const UnixFileMode UpperRootMode = (UnixFileMode)0b111_101_101; // 0755

    private readonly List<(string Name, string Directory)> _lowers = [];
    private readonly List<FileSystemLayer> _layers = [];
    private FileSystemLayer? _upper;

    /// <summary>Prepares a store in <paramref name="baseDirectory"/>, which is created.</summary>
    /// <param name="fileSystem">The file system holding the layers.</param>
    /// <param name="baseDirectory">The folder every layer of the store goes in.</param>
    protected FileSystemLayerStore(IFileSystem fileSystem, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        FileSystem = fileSystem;
        BaseDirectory = baseDirectory;
        fileSystem.Directory.CreateDirectory(baseDirectory);
    }

    /// <summary>The file system holding the layers.</summary>
    public IFileSystem FileSystem { get; }

    /// <summary>The folder every layer of the store goes in.</summary>
    public string BaseDirectory { get; }

    /// <summary>The upper's folder.</summary>
    public string UpperDirectory => FileSystem.Path.Combine(BaseDirectory, "upper");

    /// <summary>The upper's work directory.</summary>
    public string WorkDirectory => FileSystem.Path.Combine(BaseDirectory, "work");

    /// <summary>The lowers' folders, topmost first as added, by layer name.</summary>
    public IReadOnlyList<(string Name, string Directory)> LowerDirectories => _lowers;

    /// <inheritdoc />
    public override bool UpperUsesScenarioClock => false;

    /// <inheritdoc />
    public override ILayer AddLower(MemoryLayer source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string directory = FileSystem.Path.Combine(BaseDirectory, source.Name);
        if (FileSystem.Directory.Exists(directory))
        {
            throw new InvalidOperationException($"A lower named '{source.Name}' is already stored.");
        }

        FileSystem.Directory.CreateDirectory(directory);
        WriteDirectoryContent(source, "/", directory);
        if (source.TryGetEntry("/", out var root))
        {
            FinishDirectory(directory, root);
        }

        var layer = OpenLower(directory, source.Name);
        _layers.Add(layer);
        _lowers.Add((source.Name, directory));
        return layer;
    }

    /// <inheritdoc />
    public override IWritableLayer CreateUpper(TimeProvider clock)
    {
        if (_upper is not null)
        {
            _upper.Dispose();
            _layers.Remove(_upper);
            _upper = null;
            DeleteTree(UpperDirectory);
            DeleteTree(WorkDirectory);
        }

        FileSystem.Directory.CreateDirectory(UpperDirectory);
        SetMode(UpperDirectory, UpperRootMode);

        // The work directory is left for the layer to create, as it does for a caller.
        _upper = OpenUpper(UpperDirectory, WorkDirectory);
        _layers.Add(_upper);
        return _upper;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string>? CaptureLowerStorage()
    {
        var lines = new List<string>();
        foreach (var (name, directory) in _lowers)
        {
            lines.Add(DescribeStored(name + ":/", directory));
            WalkStored(name + ":", directory, lines);
        }

        return lines;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> WorkAreaLeftovers()
    {
        if (_upper is null)
        {
            return [];
        }

        string area = FileSystem.Path.Combine(WorkDirectory, "work");
        return FileSystem.Directory.Exists(area)
            ? [.. FileSystem.Directory.EnumerateFileSystemEntries(area).Select(FileSystem.Path.GetFileName).Order(StringComparer.Ordinal)!]
            : [];
    }

    /// <summary>Opens a stored lower.</summary>
    /// <param name="directory">Its folder.</param>
    /// <param name="name">Its layer name.</param>
    /// <returns>The layer.</returns>
    protected abstract FileSystemLayer OpenLower(string directory, string name);

    /// <summary>Opens an empty upper named "upper".</summary>
    /// <param name="directory">Its folder, existing and empty.</param>
    /// <param name="workDirectory">Its work directory, not yet created.</param>
    /// <returns>The layer.</returns>
    protected abstract FileSystemLayer OpenUpper(string directory, string workDirectory);

    /// <summary>Opens a stored file to hash its bytes, without changing anything about it.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A readable stream.</returns>
    protected virtual Stream OpenStoredFile(string path) => FileSystem.File.OpenRead(path);

    /// <summary>
    /// The kind of a stored name that is neither a file, a directory nor a link (a device, a fifo,
    /// a socket), in one letter; <see langword="null"/> for those three.
    /// </summary>
    /// <param name="path">The stored name.</param>
    /// <returns>The letter, or <see langword="null"/>.</returns>
    protected virtual string? SpecialKind(string path) => null;

    /// <summary>Deletes a folder and everything in it, if it exists.</summary>
    /// <param name="path">The folder.</param>
    protected virtual void DeleteTree(string path)
    {
        if (FileSystem.Directory.Exists(path))
        {
            FileSystem.Directory.Delete(path, recursive: true);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                foreach (var layer in _layers)
                {
                    layer.Dispose();
                }
            }
            finally
            {
                DeleteTree(BaseDirectory);
            }
        }

        base.Dispose(disposing);
    }

    private void WriteDirectoryContent(ILayer source, string path, string host)
    {
        foreach (var entry in source.ListDirectory(path).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string childPath = path == "/" ? "/" + entry.Name : path + "/" + entry.Name;
            string childHost = FileSystem.Path.Combine(host, entry.Name);
            switch (entry.Kind)
            {
                case LayerEntryKind.Directory:
                    FileSystem.Directory.CreateDirectory(childHost);
                    WriteDirectoryContent(source, childPath, childHost);
                    FinishDirectory(childHost, entry);
                    break;
                case LayerEntryKind.File:
                    FileSystem.File.WriteAllBytes(childHost, TreeDump.ReadAll(source, childPath));
                    SetMode(childHost, entry.Mode);
                    SetTimes(childHost, entry);
                    break;
                case LayerEntryKind.SymbolicLink:
                    // Directory.CreateSymbolicLink stores any target as given (the mock's
                    // File.CreateSymbolicLink refuses one that does not exist).
                    FileSystem.Directory.CreateSymbolicLink(childHost, entry.LinkTarget!);
                    SetTimes(childHost, entry);
                    break;
                case LayerEntryKind.Whiteout:
                    WriteMarker(FileSystem.Path.Combine(host, OciWhiteout.NameFor(entry.Name)), entry);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown entry kind {entry.Kind} at '{childPath}'.");
            }
        }
    }

    /// <summary>The opaque marker, then the mode, then the times: after every child is written.</summary>
    private void FinishDirectory(string host, in LayerEntry entry)
    {
        if (entry.IsOpaque)
        {
            WriteMarker(FileSystem.Path.Combine(host, OciWhiteout.OpaqueMarker), entry);
        }

        SetMode(host, entry.Mode);
        FileSystem.Directory.SetLastAccessTimeUtc(host, entry.LastAccessTimeUtc);
        FileSystem.Directory.SetLastWriteTimeUtc(host, entry.LastWriteTimeUtc);
    }

    private void WriteMarker(string host, in LayerEntry entry)
    {
        FileSystem.File.WriteAllBytes(host, []);
        SetMode(host, MarkerMode);
        SetTimes(host, entry);
    }

    private void SetTimes(string host, in LayerEntry entry)
    {
        // A link's own times: File.Set*TimeUtc does not follow a final symbolic link (and sets
        // one time keeping the other as lstat read it).
        FileSystem.File.SetLastAccessTimeUtc(host, entry.LastAccessTimeUtc);
        FileSystem.File.SetLastWriteTimeUtc(host, entry.LastWriteTimeUtc);
    }

#pragma warning disable CA1416 // The layers' modes are POSIX modes; these tests run where they exist.
    private void SetMode(string host, UnixFileMode mode) => FileSystem.File.SetUnixFileMode(host, mode);

    private void WalkStored(string prefix, string directory, List<string> lines)
    {
        foreach (var path in FileSystem.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            string name = prefix + "/" + FileSystem.Path.GetFileName(path);
            lines.Add(DescribeStored(name, path));
            var info = FileSystem.FileInfo.New(path);
            if (info.LinkTarget is null && (info.Attributes & FileAttributes.Directory) != 0)
            {
                WalkStored(name, path, lines);
            }
        }
    }

    private string DescribeStored(string name, string path)
    {
        var info = FileSystem.FileInfo.New(path);
        string mtime = info.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture);
        if (info.LinkTarget is { } target)
        {
            return $"{name} l mtime={mtime} -> {target}";
        }

        if ((info.Attributes & FileAttributes.Directory) != 0)
        {
            return $"{name} d mode={TreeDump.Mode(FileSystem.File.GetUnixFileMode(path))} mtime={mtime}";
        }

        if (SpecialKind(path) is { } special)
        {
            return $"{name} {special} mode={TreeDump.Mode(FileSystem.File.GetUnixFileMode(path))} mtime={mtime}";
        }

        string hash;
        using (var stream = OpenStoredFile(path))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return $"{name} f mode={TreeDump.Mode(FileSystem.File.GetUnixFileMode(path))} size={info.Length} mtime={mtime} sha256={hash}";
    }
#pragma warning restore CA1416
}
