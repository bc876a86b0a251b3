using System.Security.Cryptography;
using Overlay.Oci.Model;

namespace Overlay.Oci.Export;

/// <summary>
/// A write-only pass-through that hashes (sha256) and counts every byte on its way to the inner
/// stream: one pass gives a blob's bytes, its digest and its size.
/// </summary>
internal sealed class DigestingStream : Stream
{
    private readonly Stream? _inner;
    private readonly bool _leaveOpen;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <param name="inner">Where the bytes go, or <see langword="null"/> to only hash them.</param>
    /// <param name="leaveOpen">Leave <paramref name="inner"/> open on dispose.</param>
    public DigestingStream(Stream? inner, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => BytesWritten;

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <summary>The digest of everything written so far.</summary>
    public Digest CurrentDigest() => Digest.FromHash(_hash.GetCurrentHash());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _inner?.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => _inner?.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen)
            {
                _inner?.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
