namespace Overlay.Layers;

/// <summary>A stream over an in-memory file's shared data, with its own position.</summary>
internal sealed class MemoryFileStream : Stream
{
    private readonly MemoryNode _node;
    private readonly MemoryFileData _data;
    private readonly FileAccess _access;
    private readonly TimeProvider _clock;
    private long _position;
    private bool _disposed;

    public MemoryFileStream(MemoryNode node, FileAccess access, TimeProvider clock)
    {
        _node = node;
        _data = node.Data!;
        _access = access;
        _clock = clock;
    }

    public override bool CanRead => !_disposed && (_access & FileAccess.Read) != 0;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => !_disposed && (_access & FileAccess.Write) != 0;

    public override long Length
    {
        get
        {
            ThrowIfDisposed();
            return _data.Length;
        }
    }

    public override long Position
    {
        get
        {
            ThrowIfDisposed();
            return _position;
        }
        set
        {
            ThrowIfDisposed();
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override void Flush() => ThrowIfDisposed();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ThrowIfDisposed();
        if (!CanRead)
        {
            throw new NotSupportedException("Stream does not support reading.");
        }

        int read = _data.Read(_position, buffer);
        _position += read;
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new NotSupportedException("Stream does not support writing.");
        }

        _data.Write(_position, buffer);
        _position += buffer.Length;
        _node.LastWriteTimeUtc = _clock.GetUtcNow().UtcDateTime;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ThrowIfDisposed();
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _data.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException("An attempt was made to move the position before the beginning of the stream.", 22);
        }

        _position = target;
        return target;
    }

    public override void SetLength(long value)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (!CanWrite)
        {
            throw new NotSupportedException("Stream does not support writing.");
        }

        _data.SetLength(value);
        _node.LastWriteTimeUtc = _clock.GetUtcNow().UtcDateTime;
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
