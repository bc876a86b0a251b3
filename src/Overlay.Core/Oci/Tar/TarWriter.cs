namespace Overlay.Oci.Tar;

/// <summary>
/// Writes a tar stream member by member, deterministically: the same headers and data give the
/// same bytes. Ends with two zero blocks and no padding to a 10 KiB record, as Go's (and so
/// Docker's) writer does.
/// </summary>
internal sealed class TarWriter : IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _buffer = new byte[81920];
    private bool _finished;

    /// <summary>Starts a tar stream on <paramref name="output"/>.</summary>
    public TarWriter(Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes written so far.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Writes one member; a regular file's data is copied from <paramref name="data"/>, which must
    /// hold exactly <see cref="TarHeader.Size"/> bytes (a file that changed while it was archived is
    /// an error, not a silently wrong tar).
    /// </summary>
    public void WriteEntry(in TarHeader header, Stream? data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (header.Size > 0 && data is null)
        {
            throw new ArgumentException($"Tar entry '{header.Name}' has {header.Size} bytes of data but no stream.", nameof(data));
        }

        var blocks = TarHeaderEncoder.Encode(header);
        Write(blocks);
        if (header.Size == 0)
        {
            return;
        }

        var remaining = header.Size;
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = data!.Read(_buffer, 0, (int)Math.Min(_buffer.Length, remaining));
            if (read == 0)
            {
                throw new IOException(
                    $"Tar entry '{header.Name}': the data ended after {header.Size - remaining} of {header.Size} bytes (the file changed while it was archived).");
            }

            Write(_buffer.AsSpan(0, read));
            remaining -= read;
        }

        if (data!.Read(_buffer, 0, 1) != 0)
        {
            throw new IOException(
                $"Tar entry '{header.Name}': the data is longer than its {header.Size} bytes (the file changed while it was archived).");
        }

        var padding = (int)(TarHeaderEncoder.PaddedLength(header.Size) - header.Size);
        if (padding > 0)
        {
            Array.Clear(_buffer, 0, padding);
            Write(_buffer.AsSpan(0, padding));
        }
    }

    /// <summary>Ends the archive with its two zero blocks and flushes.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        Write(new byte[2 * TarHeaderEncoder.BlockSize]);
        _output.Flush();
        _finished = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _finished = true;
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        Position += bytes.Length;
    }
}
