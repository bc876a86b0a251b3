namespace Overlay.Union;

/// <summary>
/// A read-only stream over a lower file that moves to the upper copy when the file is copied up,
/// as a read-only file descriptor does on the kernel's overlayfs since Linux 4.19: it then sees
/// every later write.
/// </summary>
internal sealed class LowerReadStream : Stream
{
    private readonly Lock _gate = new();
    private readonly LowerReaders _registry;
    private Stream _inner;
    private bool _disposed;

    public LowerReadStream(Stream inner, string path, LowerReaders registry)
    {
        _inner = inner;
        Path = path;
        _registry = registry;
    }

    /// <summary>The file's merged path; changed (under the registry's lock) when a directory above it moves.</summary>
    public string Path { get; set; }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _inner.Length;
            }
        }
    }

    public override long Position
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _inner.Position;
            }
        }
        set
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _inner.Position = value;
            }
        }
    }

    /// <summary>Continues on another stream (the upper copy) at the same position.</summary>
    public void SwitchTo(Stream upperCopy)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                upperCopy.Dispose();
                return;
            }

            upperCopy.Position = _inner.Position;
            _inner.Dispose();
            _inner = upperCopy;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _inner.Read(buffer);
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _inner.Seek(offset, origin);
        }
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("Stream does not support writing.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Stream does not support writing.");

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _inner.Dispose();
        }

        _registry.Remove(this);
        base.Dispose(disposing);
    }
}
