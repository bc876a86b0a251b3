using System.IO.Abstractions;
using Overlay.Union;

namespace Overlay.FileSystem;

/// <summary>
/// A <see cref="FileSystemStream"/> over a stream one of the overlay's layers opened. It holds the
/// open's FileShare lock in the overlay's share table and releases it once, when it is disposed
/// (Dispose, Close and DisposeAsync all end there), as closing a descriptor releases its flock(2).
/// </summary>
internal sealed class OverlayFileStream : FileSystemStream
{
    private ShareLease? _lease;

    public OverlayFileStream(Stream inner, string path, bool isAsync, ShareLease? lease = null)
        : base(inner, path, isAsync)
    {
        _lease = lease;
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
}
