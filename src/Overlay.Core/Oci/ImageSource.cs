using Microsoft.Win32.SafeHandles;
using Overlay.Oci.Model;

namespace Overlay.Oci;

/// <summary>
/// Where an image's files are: the members of an uncompressed archive (read in place by offset),
/// or the files of a directory. Paths are relative, '/'-separated, validated like tar members.
/// </summary>
internal abstract class ImageSource : IDisposable
{
    protected ImageSource(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static ImageSource Open(string path, TarLimits limits, CancellationToken cancellationToken) =>
        Directory.Exists(path) ? new DirectorySource(path) : ArchiveSource.OpenArchive(path, limits, cancellationToken);

    public abstract bool Exists(string relativePath);

    /// <summary>A file's bytes as a range of a handle; <c>Owned</c> when the caller must dispose the handle.</summary>
    public abstract (SafeFileHandle Handle, long Offset, long Length, bool Owned) OpenRange(string relativePath);

    public byte[] ReadAll(string relativePath, int maxSize)
    {
        var (handle, offset, length, owned) = OpenRange(relativePath);
        try
        {
            if (length > maxSize)
            {
                throw new InvalidDataException($"Image '{Path}': '{relativePath}' is {length} bytes, more than the {maxSize} a JSON document may have (OciImageLoadOptions.MaxDocumentSize).");
            }

            var data = new byte[length];
            using var stream = new HandleRangeStream(handle, offset, length);
            stream.ReadExactly(data);
            return data;
        }
        finally
        {
            if (owned)
            {
                handle.Dispose();
            }
        }
    }

    public Digest Hash(string relativePath)
    {
        var (handle, offset, length, owned) = OpenRange(relativePath);
        try
        {
            using var stream = new HandleRangeStream(handle, offset, length);
            return Digest.Compute(stream);
        }
        finally
        {
            if (owned)
            {
                handle.Dispose();
            }
        }
    }

    public long LengthOf(string relativePath)
    {
        var (handle, _, length, owned) = OpenRange(relativePath);
        if (owned)
        {
            handle.Dispose();
        }

        return length;
    }

    public abstract void Dispose();

    protected static string Normalize(string relativePath, string imagePath) =>
        string.Join('/', TarLayer.Split(relativePath, relativePath, imagePath));

    protected FileNotFoundException Missing(string relativePath) =>
        new($"Image '{Path}' has no '{relativePath}'.", relativePath);

    private sealed class DirectorySource(string path) : ImageSource(System.IO.Path.GetFullPath(path))
    {
        public override bool Exists(string relativePath) => File.Exists(Resolve(relativePath));

        public override (SafeFileHandle Handle, long Offset, long Length, bool Owned) OpenRange(string relativePath)
        {
            string full = Resolve(relativePath);
            if (!File.Exists(full))
            {
                throw Missing(relativePath);
            }

            var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            return (handle, 0, RandomAccess.GetLength(handle), true);
        }

        public override void Dispose()
        {
        }

        private string Resolve(string relativePath) => System.IO.Path.Combine(Path, Normalize(relativePath, Path));
    }

    private sealed class ArchiveSource : ImageSource
    {
        private readonly SafeFileHandle _handle;
        private readonly Dictionary<string, (long Offset, long Length)> _members;

        private ArchiveSource(string path, SafeFileHandle handle, Dictionary<string, (long, long)> members)
            : base(path)
        {
            _handle = handle;
            _members = members;
        }

        public static ArchiveSource OpenArchive(string path, TarLimits limits, CancellationToken cancellationToken)
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            try
            {
                if (LayerDecompression.Detect(handle, 0, RandomAccess.GetLength(handle)) != LayerCompression.None)
                {
                    throw new InvalidDataException($"Image '{path}': a compressed image archive; decompress it first (docker save and OCI archives are plain tars).");
                }

                var members = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
                using var stream = new HandleRangeStream(handle, 0, RandomAccess.GetLength(handle));
                using var reader = new LayerTarReader(stream, limits, leaveOpen: true);
                while (reader.GetNextMember(cancellationToken) is { } entry)
                {
                    if (entry.Type != TarMemberType.RegularFile)
                    {
                        continue;
                    }

                    string name = Normalize(entry.Name, path);
                    if (!members.TryAdd(name, (entry.DataOffset, entry.Size)))
                    {
                        throw new InvalidDataException($"Image '{path}': the archive holds '{entry.Name}' twice.");
                    }
                }

                return new ArchiveSource(path, handle, members);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        public override bool Exists(string relativePath) => _members.ContainsKey(Normalize(relativePath, Path));

        public override (SafeFileHandle Handle, long Offset, long Length, bool Owned) OpenRange(string relativePath) =>
            _members.TryGetValue(Normalize(relativePath, Path), out var member)
                ? (_handle, member.Offset, member.Length, false)
                : throw Missing(relativePath);

        public override void Dispose() => _handle.Dispose();
    }
}
