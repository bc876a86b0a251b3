using System.IO.Abstractions;
using Overlay.Union;

namespace Overlay.MergedView;

/// <summary>
/// A <see cref="FileSystemStream"/> over a stream one of the overlay's layers opened. It holds the
/// open's FileShare lock in the overlay's share table and releases it once, when it is disposed
/// (Dispose, Close and DisposeAsync all end there), as closing a descriptor releases its flock(2).
/// Each write and each change of length is reported to the overlay's watchers, as inotify reports
/// each write(2) and ftruncate(2) as IN_MODIFY. Opened with <see cref="FileOptions.DeleteOnClose"/>,
/// it unlinks its path when disposed, as .NET on Linux does (whatever the name holds by then).
/// Opened with <see cref="FileMode.Append"/>, it refuses to seek or truncate before the length the
/// file had when it was opened, as .NET's FileStream does.
/// </summary>
internal sealed class OverlayFileStream : FileSystemStream
{
    private readonly OverlayWatchHub? _watchers;
    private readonly string _watchedPath;
    private ShareLease? _lease;
    private readonly long _appendStart;
    private Action? _deleteOnClose;

    public OverlayFileStream(Stream inner, string path, bool isAsync, ShareLease? lease = null, OverlayWatchHub? watchers = null, string? watchedPath = null, Action? deleteOnClose = null, long appendStart = -1)
        : base(inner, path, isAsync)
    {
        Inner = inner;
        _lease = lease;
        _deleteOnClose = deleteOnClose;
        _appendStart = appendStart;
        _watchers = watchers;
        _watchedPath = watchedPath ?? path;
    }

    /// <summary>The layer's stream this one reads and writes.</summary>
    internal Stream Inner { get; }

    public override void Write(byte[] buffer, int offset, int count)
    {
        base.Write(buffer, offset, count);
        DataChanged(count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        base.Write(buffer);
        DataChanged(buffer.Length);
    }

    public override void WriteByte(byte value)
    {
        base.WriteByte(value);
        DataChanged(1);
    }

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        await base.WriteAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        DataChanged(count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        DataChanged(buffer.Length);
    }

    public override void EndWrite(IAsyncResult asyncResult)
    {
        base.EndWrite(asyncResult);
        DataChanged(1);
    }

    public override long Position
    {
        get => base.Position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Seek(value, SeekOrigin.Begin);
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long before = base.Position;
        long position = base.Seek(offset, origin);
        if (_appendStart >= 0 && position < _appendStart)
        {
            base.Seek(before, SeekOrigin.Begin);
            throw new IOException("Unable seek backward to overwrite data that previously existed in a file opened in Append mode.");
        }

        return position;
    }

    public override void SetLength(long value)
    {
        if (_appendStart >= 0 && value < _appendStart)
        {
            throw new IOException("Unable to truncate data that previously existed in a file opened in Append mode.");
        }

        base.SetLength(value);

        // As .NET's FileStream: a position past the new end moves back to it.
        if (base.Position > value)
        {
            base.Seek(value, SeekOrigin.Begin);
        }

        DataChanged(1);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            // .NET unlinks before it closes the descriptor, ignoring any error.
            Interlocked.Exchange(ref _deleteOnClose, null)?.Invoke();
            base.Dispose(disposing);
        }
        finally
        {
            Interlocked.Exchange(ref _lease, null)?.Release();
        }
    }

    /// <summary>A write of nothing changes nothing: write(2) reports IN_MODIFY only when it wrote.</summary>
    private void DataChanged(int written)
    {
        if (written > 0)
        {
            _watchers?.DataChanged(_watchedPath);
        }
    }
}
