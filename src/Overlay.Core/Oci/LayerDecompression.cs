using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Overlay.Oci.Model;

namespace Overlay.Oci;

/// <summary>Recognises a layer's compression and decompresses it, once, into a seekable cache.</summary>
internal static class LayerDecompression
{
    private const long RatioGrace = 1 << 20;

    /// <summary>Reads a file's first bytes: gzip (1f 8b) and zstd (28 b5 2f fd) by their magic numbers, else a plain tar.</summary>
    public static LayerCompression Detect(SafeFileHandle handle, long offset, long length)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = length < 4 ? 0 : RandomAccess.Read(handle, magic, offset);
        if (read >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            return LayerCompression.Gzip;
        }

        return read == 4 && magic.SequenceEqual((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]) ? LayerCompression.Zstd : LayerCompression.None;
    }

    /// <summary>
    /// A temporary file no name reaches, so nothing is left behind even by a killed process:
    /// <c>O_TMPFILE</c> where the file system has it, else a file unlinked right after it is opened
    /// (on Windows, where an open file cannot lose its name, one deleted when its handle closes).
    /// </summary>
    internal static SafeFileHandle CreateUnnamedCache(string directory)
    {
        if (Layers.Host.LinuxSyscalls.IsSupported)
        {
            int errno = Layers.Host.LinuxSyscalls.OpenUnnamedTemporaryFile(directory, out var unnamed);
            if (errno == 0)
            {
                return unnamed;
            }

            unnamed.Dispose();
            if (errno is Layers.Host.LinuxSyscalls.ENOENT or Layers.Host.LinuxSyscalls.ENOTDIR)
            {
                throw new DirectoryNotFoundException($"The temporary directory '{directory}' for a decompressed layer does not exist.");
            }
        }

        string cachePath = Path.Combine(directory, ".overlay-layer-" + Guid.NewGuid().ToString("N"));
        var cache = File.OpenHandle(cachePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(cachePath);
        }

        return cache;
    }

    /// <summary>
    /// Decompresses a whole layer into an unlinked temporary file (deleted when its handle closes),
    /// hashing the output (the diff_id) and enforcing the size and expansion-ratio limits.
    /// </summary>
    public static (SafeFileHandle Cache, long Length, Digest DiffId) Decompress(
        string path, Stream source, LayerCompression compression, LayerTarOptions options, string name,
        IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        var cache = CreateUnnamedCache(options.TemporaryDirectory ?? Path.GetTempPath());
        try
        {
            using var input = new CountingReadStream(new BufferedStream(source, 1 << 16));
            using Stream decompressed = compression switch
            {
                LayerCompression.Gzip => new GZipStream(input, CompressionMode.Decompress),
                LayerCompression.Zstd => new ZstdSharp.DecompressionStream(input),
                _ => throw new ArgumentOutOfRangeException(nameof(compression)),
            };
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = new byte[1 << 17];
            long total = 0;
            long sourceLength = source.Length;
            long nextReport = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read;
                try
                {
                    read = decompressed.Read(buffer, 0, buffer.Length);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or ZstdSharp.ZstdException)
                {
                    throw new InvalidDataException($"Layer '{name}' ({path}): the {compression} stream is corrupt or truncated ({e.Message}).", e);
                }

                if (read == 0)
                {
                    break;
                }

                RandomAccess.Write(cache, buffer.AsSpan(0, read), total);
                hash.AppendData(buffer, 0, read);
                total += read;
                if (total > options.Limits.MaxTotalSize)
                {
                    throw new InvalidDataException($"Layer '{name}' ({path}): decompresses to more than {options.Limits.MaxTotalSize} bytes (TarLimits.MaxTotalSize).");
                }

                if (total > RatioGrace && total > options.Limits.MaxExpansionRatio * Math.Max(1, input.Count))
                {
                    throw new InvalidDataException($"Layer '{name}' ({path}): expands more than {options.Limits.MaxExpansionRatio}:1 (TarLimits.MaxExpansionRatio), a decompression bomb.");
                }

                if (progress is not null && total >= nextReport)
                {
                    progress.Report(new OciProgress(OciProgressStage.Decompressing, name, input.Count, sourceLength, 0));
                    nextReport = total + (8 << 20);
                }
            }

            return (cache, total, Digest.FromHash(hash.GetHashAndReset()));
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    private sealed class CountingReadStream(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            Count += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
