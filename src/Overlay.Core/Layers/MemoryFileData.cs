namespace Overlay.Layers;

/// <summary>
/// The bytes of an in-memory file. Shared by every stream open on the file, like an inode's data;
/// each read or write holds the lock for one copy, so a reader sees a write whole or not at all.
/// </summary>
internal sealed class MemoryFileData
{
    private byte[] _buffer = [];

    public Lock Gate { get; } = new();

    public long Length { get; private set; }

    public int Read(long position, Span<byte> destination)
    {
        lock (Gate)
        {
            if (position >= Length)
            {
                return 0;
            }

            int count = (int)Math.Min(destination.Length, Length - position);
            _buffer.AsSpan((int)position, count).CopyTo(destination);
            return count;
        }
    }

    public void Write(long position, ReadOnlySpan<byte> source)
    {
        lock (Gate)
        {
            long end = position + source.Length;
            EnsureCapacity(end);
            if (position > Length)
            {
                // A write past the end leaves a hole of zeros, as a sparse file reads.
                Array.Clear(_buffer, (int)Length, (int)(position - Length));
            }

            source.CopyTo(_buffer.AsSpan((int)position));
            Length = Math.Max(Length, end);
        }
    }

    public void SetLength(long length)
    {
        lock (Gate)
        {
            EnsureCapacity(length);
            if (length > Length)
            {
                Array.Clear(_buffer, (int)Length, (int)(length - Length));
            }

            Length = length;
        }
    }

    public byte[] ToArray()
    {
        lock (Gate)
        {
            return _buffer.AsSpan(0, (int)Length).ToArray();
        }
    }

    public void CopyFrom(Stream source)
    {
        using var copy = new MemoryStream();
        source.CopyTo(copy);
        lock (Gate)
        {
            _buffer = copy.GetBuffer();
            Length = copy.Length;
        }
    }

    private void EnsureCapacity(long length)
    {
        if (length > Array.MaxLength)
        {
            throw new IOException("File too large for an in-memory layer.", 27);
        }

        if (length > _buffer.Length)
        {
            // The first write gets what it needs (most small files are written once); a file
            // written on grows by doubling.
            var bigger = new byte[_buffer.Length == 0 ? length : Math.Max(length, Math.Min(Array.MaxLength, (long)_buffer.Length * 2))];
            _buffer.AsSpan(0, (int)Length).CopyTo(bigger);
            _buffer = bigger;
        }
    }
}
