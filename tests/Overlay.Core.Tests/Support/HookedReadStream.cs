namespace Overlay.Tests.Support;

/// <summary>
/// A read-only stream over another whose every read passes through a hook first: how a test fails
/// or holds a copy-up half-way through its data. The hook gets the bytes read so far and the count
/// asked for, and returns the count to read (it may also throw, or wait).
/// </summary>
/// <param name="inner">The stream read, disposed with this one.</param>
/// <param name="beforeRead">The hook.</param>
public sealed class HookedReadStream(Stream inner, Func<long, int, int> beforeRead) : Stream
{
    private long _read;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => inner.CanSeek;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => inner.Length;

    /// <inheritdoc />
    public override long Position { get => inner.Position; set => inner.Position = value; }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, beforeRead(_read, count));
        _read += n;
        return n;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
