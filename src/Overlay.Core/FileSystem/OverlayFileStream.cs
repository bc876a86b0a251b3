using System.IO.Abstractions;
using Overlay.Union;

namespace Overlay.FileSystem;

/// <summary>
/// A <see cref="FileSystemStream"/> over a stream one of the overlay's layers opened. It holds the
/// open's FileShare lock in the overlay's share table and releases it once, when it is disposed
/// (Dispose, Close and DisposeAsync all end there), as closing a descriptor releases its flock(2).
/// Each write and each change of length is reported to the overlay's watchers, as inotify reports
/// each write(2) and ftruncate(2) as IN_MODIFY.
/// </summary>
internal sealed class OverlayFileStream : FileSystemStream
{
    private readonly OverlayWatchHub? _watchers;
    private readonly string _watchedPath;
    private ShareLease? _lease;

    public OverlayFileStream(Stream inner, string path, bool isAsync, ShareLease? lease = null, OverlayWatchHub? watchers = null, string? watchedPath = null)
        : base(inner, path, isAsync)
    {
        Inner = inner;
        _lease = lease;
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

    public override void SetLength(long value)
    {
        base.SetLength(value);
        DataChanged(1);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
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
