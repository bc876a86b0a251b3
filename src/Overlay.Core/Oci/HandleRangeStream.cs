using Microsoft.Win32.SafeHandles;

namespace Overlay.Oci;

/// <summary>
/// A read-only, seekable window over part of a file, read with positional reads so that any number
/// of these can share one handle from any threads.
/// </summary>
/// <param name="handle">The file.</param>
/// <param name="start">Where the window starts in it.</param>
/// <param name="length">How long the window is.</param>
/// <param name="readAhead">
/// 0, or the size of a buffer that reads shorter than it are served from: one positional read of
/// that size then serves the following small reads and short seeks forward (a tar's headers and
/// the small members between them), instead of one system call each.
/// </param>
internal sealed class HandleRangeStream(SafeFileHandle handle, long start, long length, int readAhead = 0) : Stream
{
    private readonly byte[]? _ahead = readAhead > 0 ? new byte[readAhead] : null;
    private long _position;
    private long _aheadStart;
    private int _aheadLength;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long left = length - _position;
        if (left <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        if (_ahead is not null && buffer.Length < _ahead.Length)
        {
            if (_position < _aheadStart || _position >= _aheadStart + _aheadLength)
            {
                _aheadStart = _position;
                _aheadLength = RandomAccess.Read(handle, _ahead.AsSpan(0, (int)Math.Min(_ahead.Length, left)), start + _position);
                if (_aheadLength == 0)
                {
                    throw new EndOfStreamException("The layer's tar ends inside a member's data.");
                }
            }

            int offset = (int)(_position - _aheadStart);
            int served = Math.Min(buffer.Length, _aheadLength - offset);
            _ahead.AsSpan(offset, served).CopyTo(buffer);
            _position += served;
            return served;
        }

        int read = RandomAccess.Read(handle, buffer[..(int)Math.Min(buffer.Length, left)], start + _position);
        if (read == 0)
        {
            throw new EndOfStreamException("The layer's tar ends inside a member's data.");
        }

        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
