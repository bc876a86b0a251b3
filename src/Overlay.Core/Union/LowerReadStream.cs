namespace Overlay.Union;

/// <summary>
/// A read-only stream over a lower file that moves to the upper copy when the file is copied up,
/// as a read-only file descriptor does on the kernel's overlayfs since Linux 4.19: it then sees
/// every later write.
/// </summary>
internal sealed class LowerReadStream : Stream
{
    private readonly Lock _gate = new();

    // An asynchronous read runs outside _gate (no lock is held across an await); it holds this
    // instead, so a copy-up never swaps the stream under a read in flight. It is never disposed: a
    // copy-up may still switch a stream being disposed, and it holds no wait handle to release.
    private readonly SemaphoreSlim _asyncRead = new(1, 1);
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

    /// <summary>The stream read now: the lower file's, or its upper copy's after a copy-up.</summary>
    internal Stream Current
    {
        get
        {
            lock (_gate)
            {
                return _inner;
            }
        }
    }

    /// <summary>Continues on another stream (the upper copy) at the same position.</summary>
    public void SwitchTo(Stream upperCopy)
    {
        _asyncRead.Wait();
        try
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
        finally
        {
            _asyncRead.Release();
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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The layer's own asynchronous read (real asynchronous I/O on a host file).</summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _asyncRead.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Stream inner;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                inner = _inner;
            }

            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _asyncRead.Release();
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
