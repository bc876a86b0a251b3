using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Oci.Model;

namespace Overlay.Oci;

/// <summary>
/// A layer tar used as a read-only lower without extracting it: the tar's headers are read once
/// into an index, and file data is read from the tar by offset when a file is opened. A gzip or
/// zstd layer is decompressed once into an unlinked temporary file that lives as long as the layer.
/// </summary>
/// <remarks>
/// <para>
/// In the OCI form, <c>.wh.name</c> members are whiteouts of <c>name</c> and <c>.wh..wh..opq</c>
/// marks its directory opaque, wherever it sits among its siblings; other <c>.wh..wh.*</c> names
/// (aufs metadata) are ignored, as Docker does. A real member and a whiteout of the same name in
/// the same layer: the member stays (the specification's whiteouts only apply to lower layers).
/// </para>
/// <para>
/// The whole tar is validated when it is opened, and any problem is an
/// <see cref="InvalidDataException"/> naming the member: names with <c>..</c> or absolute names, a
/// member under a name the same tar made a symbolic link or a file, a hard link to a member that is
/// not an earlier regular file of the tar, a duplicate member (a directory named twice only updates
/// its metadata), a bare <c>.wh.</c>, devices and fifos (unless
/// <see cref="LayerTarOptions.SpecialFiles"/> skips them), truncation, and the
/// <see cref="TarLimits"/>. Hard links become independent files with the same data.
/// </para>
/// <para>Thread-safe: the index never changes, and file data is read with positional reads.</para>
/// </remarks>
public sealed partial class TarLayer : ILayer, IDisposable, Layers.Host.IFileDataRanges
{
    private readonly SafeFileHandle _data;
    private readonly TarLayerNode _root;
    private readonly long _dataOffset;
    private readonly bool _ownsData;
    private bool _disposed;

    private TarLayer(string name, string path, SafeFileHandle data, long dataOffset, long length, bool ownsData, LayerCompression compression, Digest? diffId, TarLayerNode root, int entryCount)
    {
        Name = name;
        Path = path;
        _data = data;
        _dataOffset = dataOffset;
        _ownsData = ownsData;
        UncompressedLength = length;
        Compression = compression;
        DiffIdIfKnown = diffId;
        _root = root;
        EntryCount = entryCount;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The tar file's path.</summary>
    public string Path { get; }

    /// <summary>How the file is compressed (recognised by its first bytes).</summary>
    public LayerCompression Compression { get; }

    /// <summary>The length of the uncompressed tar.</summary>
    public long UncompressedLength { get; }

    /// <summary>How many members the tar holds (extension headers not counted).</summary>
    public int EntryCount { get; }

    private Digest? DiffIdIfKnown { get; set; }

    /// <summary>Opens a layer tar (plain, gzip or zstd) and indexes it.</summary>
    /// <param name="path">The tar file.</param>
    /// <param name="options">Settings; OCI whiteouts, default limits when omitted.</param>
    /// <param name="progress">Receives decompression and indexing progress.</param>
    /// <param name="cancellationToken">Cancels the decompression and the indexing.</param>
    /// <returns>The layer; dispose it to release the file (and the decompressed cache).</returns>
    /// <exception cref="InvalidDataException">The tar is malformed, hostile or over a limit; the message names the member.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TarLayer Open(string path, LayerTarOptions? options = null, IProgress<OciProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return Open(path, file, 0, RandomAccess.GetLength(file), ownsHandle: true, options, progress, cancellationToken);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Opens a layer tar stored as a range of a file (a member of an uncompressed archive).</summary>
    internal static TarLayer Open(
        string path, SafeFileHandle file, long offset, long length, bool ownsHandle, LayerTarOptions? options,
        IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        options ??= new LayerTarOptions();
        options.Limits.Validate();
        string name = options.Name ?? path;
        var compression = LayerDecompression.Detect(file, offset, length);
        SafeFileHandle? cache = null;
        try
        {
            Digest? diffId = null;
            if (compression != LayerCompression.None)
            {
                using var compressed = new HandleRangeStream(file, offset, length);
                (cache, length, diffId) = LayerDecompression.Decompress(path, compressed, compression, options, name, progress, cancellationToken);
                offset = 0;
            }

            var data = cache ?? file;
            var (root, count) = BuildIndex(data, offset, length, options, name, progress, cancellationToken);
            progress?.Report(new OciProgress(OciProgressStage.Completed, name, length, length, count));
            if (cache is not null && ownsHandle)
            {
                file.Dispose();
            }

            return new TarLayer(name, path, data, offset, length, ownsData: cache is not null || ownsHandle, compression, diffId, root, count);
        }
        catch
        {
            cache?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The layer's diff_id: the sha256 of the uncompressed tar. Known at once for a compressed layer
    /// (hashed while it was decompressed); computed on first use for a plain one.
    /// </summary>
    /// <returns>The diff_id.</returns>
    public Digest ComputeDiffId()
    {
        if (DiffIdIfKnown is { } known)
        {
            return known;
        }

        // Read in 1 MiB pieces (a stream would be hashed 4 KiB a read).
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long done = 0; done < UncompressedLength;)
            {
                int read = RandomAccess.Read(_data, buffer.AsSpan(0, (int)Math.Min(buffer.Length, UncompressedLength - done)), _dataOffset + done);
                if (read == 0)
                {
                    throw new EndOfStreamException($"The tar of layer '{Name}' ends before its length.");
                }

                hash.AppendData(buffer, 0, read);
                done += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return DiffIdIfKnown = Digest.FromHash(hash.GetHashAndReset());
    }

    // ---- ILayer

    /// <inheritdoc />
    public bool TryGetEntry(string path, out LayerEntry entry)
    {
        if (Find(path) is { } node)
        {
            string trimmed = path.TrimEnd('/');
            entry = node.ToEntry(trimmed.Length == 0 ? "/" : trimmed[(trimmed.LastIndexOf('/') + 1)..]);
            return true;
        }

        entry = default;
        return false;
    }

    /// <inheritdoc />
    public IReadOnlyList<LayerEntry> ListDirectory(string path)
    {
        if (Find(path) is not { Children: { } children })
        {
            return [];
        }

        var list = new LayerEntry[children.Count];
        int i = 0;
        foreach (var (name, child) in children)
        {
            list[i++] = child.ToEntry(name);
        }

        return list;
    }

    /// <inheritdoc />
    public Stream OpenRead(string path)
    {
        var node = Find(path) ?? throw new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path);
        if (node.Kind != LayerEntryKind.File)
        {
            throw new UnauthorizedAccessException($"'{path}' in layer '{Name}' is not a regular file.");
        }

        ObjectDisposedException.ThrowIf(_disposed || _data.IsClosed, this);
        return OpenData(node);
    }

    /// <summary>The tar member a path came from (ownership, extended attributes, device numbers), when a member named it.</summary>
    /// <param name="path">The absolute path inside the layer.</param>
    /// <returns>The member, or <see langword="null"/> for a missing path or a directory only implied by its children.</returns>
    public TarMember? GetTarMember(string path) => Find(path)?.Source;

    /// <summary>Releases the tar file (and deletes the decompressed cache).</summary>
    public void Dispose()
    {
        _disposed = true;
        if (_ownsData)
        {
            _data.Dispose();
        }
    }

    private TarLayerNode? Find(string path)
    {
        // A writer asks several questions about one path, then about the next name of the same
        // directory: the last answer and the last directory found are kept (the index never changes).
        var last = _lastFound;
        if (last is not null && ReferenceEquals(last.Path, path))
        {
            return last.Node;
        }

        TarLayerNode? node;
        var directory = _lastDirectory;
        int slash = path.LastIndexOf('/');
        if (directory is not null && slash > 0 && slash == directory.Path.Length && slash < path.Length - 1
            && path.AsSpan(0, slash).SequenceEqual(directory.Path))
        {
            node = directory.Node!.Children!.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(path.AsSpan(slash + 1), out var child) ? child : null;
        }
        else
        {
            node = Walk(path);
        }

        var found = new Found(path, node);
        if (node?.Children is not null)
        {
            string trimmed = path.TrimEnd('/');
            _lastDirectory = trimmed.Length == path.Length ? found : new Found(trimmed, node);
        }

        _lastFound = found;
        return node;
    }

    private TarLayerNode? Walk(string path)
    {
        var node = _root;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var part = path.AsSpan()[range];
            if (part.IsEmpty)
            {
                continue;
            }

            if (node.Children is null || !node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(part, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    /// <summary>A path and what it names in the index.</summary>
    private sealed record Found(string Path, TarLayerNode? Node);

    private Found? _lastFound;
    private Found? _lastDirectory;

    internal TarLayerNode Root => _root;

    /// <inheritdoc />
    bool Layers.Host.IFileDataRanges.TryGetDataRange(string path, out SafeFileHandle file, out long offset, out long length)
    {
        ObjectDisposedException.ThrowIf(_disposed || _data.IsClosed, this);
        if (Find(path) is { Kind: LayerEntryKind.File } node)
        {
            (file, offset, length) = (_data, _dataOffset + node.DataOffset, node.Size);
            return true;
        }

        (file, offset, length) = (_data, 0, 0);
        return false;
    }

    internal Stream OpenData(TarLayerNode node) => new HandleRangeStream(_data, _dataOffset + node.DataOffset, node.Size);
}
