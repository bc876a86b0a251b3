using System.IO.Abstractions;
using System.Text;

namespace Overlay.MergedView;

/// <content>Opening, reading and writing files, as System.IO's File does it.</content>
internal sealed partial class OverlayFile
{
    private static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private FileSystemStream New(string path, FileMode mode, FileAccess access, FileShare share, FileOptions options = FileOptions.None) =>
        _fileSystem.FileStream.New(path, mode, access, share, 4096, options);

    // ---- Streams

    public FileSystemStream Create(string path) => New(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);

    public FileSystemStream Create(string path, int bufferSize) => Create(path, bufferSize, FileOptions.None);

    public FileSystemStream Create(string path, int bufferSize, FileOptions options) =>
        _fileSystem.FileStream.New(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize, options);

    public FileSystemStream Open(string path, FileMode mode) =>
        Open(path, mode, mode == FileMode.Append ? FileAccess.Write : FileAccess.ReadWrite, FileShare.None);

    public FileSystemStream Open(string path, FileMode mode, FileAccess access) => Open(path, mode, access, FileShare.None);

    public FileSystemStream Open(string path, FileMode mode, FileAccess access, FileShare share) => New(path, mode, access, share);

    public FileSystemStream Open(string path, FileStreamOptions options) => _fileSystem.FileStream.New(path, options);

    public FileSystemStream OpenRead(string path) => New(path, FileMode.Open, FileAccess.Read, FileShare.Read);

    public FileSystemStream OpenWrite(string path) => New(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);

    public StreamReader OpenText(string path) => new(OpenRead(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

    public StreamWriter CreateText(string path) => new(New(path, FileMode.Create, FileAccess.Write, FileShare.Read), Utf8NoBom);

    public StreamWriter AppendText(string path) => new(New(path, FileMode.Append, FileAccess.Write, FileShare.Read), Utf8NoBom);

    // ---- Reading

    public byte[] ReadAllBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return _io.ReadAllBytes(_fileSystem.Path.GetFullPath(path));
    }

    public string ReadAllText(string path) => ReadAllText(path, Encoding.UTF8);

    public string ReadAllText(string path, Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentException.ThrowIfNullOrEmpty(path);

        // The bytes as ReadAllBytes reads them (the same open, errors and FileShare lock), no stream.
        byte[] bytes = _io.ReadAllBytes(_fileSystem.Path.GetFullPath(path));
        return Decode(bytes, encoding);
    }

    /// <summary>
    /// Text as a StreamReader detecting byte order marks decodes it: UTF-8 without a mark, or with
    /// its mark skipped, straight from the bytes; anything else through a StreamReader over them.
    /// </summary>
    private static string Decode(byte[] bytes, Encoding encoding)
    {
        if (ReferenceEquals(encoding, Encoding.UTF8) && (bytes.Length == 0 || bytes[0] is not (0xFE or 0xFF or 0x00)))
        {
            int skip = bytes.AsSpan().StartsWith(Utf8Mark) ? Utf8Mark.Length : 0;
            return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
        }

        using var reader = new StreamReader(new MemoryStream(bytes, writable: false), encoding, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static ReadOnlySpan<byte> Utf8Mark => [0xEF, 0xBB, 0xBF];

    public string[] ReadAllLines(string path) => ReadAllLines(path, Encoding.UTF8);

    public string[] ReadAllLines(string path, Encoding encoding) => [.. ReadLines(path, encoding)];

    public IEnumerable<string> ReadLines(string path) => ReadLines(path, Encoding.UTF8);

    public IEnumerable<string> ReadLines(string path, Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);

        // Opened at once, as File.ReadLines does, so a missing file fails here and not on enumeration.
        var reader = new StreamReader(New(path, FileMode.Open, FileAccess.Read, FileShare.Read), encoding, detectEncodingFromByteOrderMarks: true);
        return Lines(reader);

        static IEnumerable<string> Lines(StreamReader reader)
        {
            using (reader)
            {
                while (reader.ReadLine() is { } line)
                {
                    yield return line;
                }
            }
        }
    }

    // ---- Writing

    public void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        WriteAllBytes(path, bytes.AsSpan());
    }

    public void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = New(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        stream.Write(bytes);
    }

    public void AppendAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        AppendAllBytes(path, bytes.AsSpan());
    }

    public void AppendAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = New(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(bytes);
    }

    public void WriteAllText(string path, string? contents) => WriteText(path, FileMode.Create, contents.AsSpan(), Utf8NoBom);

    public void WriteAllText(string path, string? contents, Encoding encoding) => WriteText(path, FileMode.Create, contents.AsSpan(), encoding);

    public void WriteAllText(string path, ReadOnlySpan<char> contents) => WriteText(path, FileMode.Create, contents, Utf8NoBom);

    public void WriteAllText(string path, ReadOnlySpan<char> contents, Encoding encoding) => WriteText(path, FileMode.Create, contents, encoding);

    public void AppendAllText(string path, string? contents) => WriteText(path, FileMode.Append, contents.AsSpan(), Utf8NoBom);

    public void AppendAllText(string path, string? contents, Encoding encoding) => WriteText(path, FileMode.Append, contents.AsSpan(), encoding);

    public void AppendAllText(string path, ReadOnlySpan<char> contents) => WriteText(path, FileMode.Append, contents, Utf8NoBom);

    public void AppendAllText(string path, ReadOnlySpan<char> contents, Encoding encoding) => WriteText(path, FileMode.Append, contents, encoding);

    private void WriteText(string path, FileMode mode, ReadOnlySpan<char> contents, Encoding encoding)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(encoding);
        using var stream = New(path, mode, FileAccess.Write, FileShare.Read);

        // The preamble goes only at the start of a file, as File.AppendAllText writes it.
        if (stream.Position == 0)
        {
            stream.Write(encoding.Preamble);
        }

        // Encoded into a buffer of the stack or the pool: the bytes are the stream's to copy.
        byte[]? rented = contents.Length > 128 || encoding.GetMaxByteCount(contents.Length) > 512
            ? System.Buffers.ArrayPool<byte>.Shared.Rent(encoding.GetByteCount(contents))
            : null;
        try
        {
            Span<byte> buffer = rented ?? stackalloc byte[512];
            int length = encoding.GetBytes(contents, buffer);
            stream.Write(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void WriteAllLines(string path, string[] contents) => WriteAllLines(path, (IEnumerable<string>)contents);

    public void WriteAllLines(string path, IEnumerable<string> contents) => WriteAllLines(path, contents, Utf8NoBom);

    public void WriteAllLines(string path, string[] contents, Encoding encoding) => WriteAllLines(path, (IEnumerable<string>)contents, encoding);

    public void WriteAllLines(string path, IEnumerable<string> contents, Encoding encoding) => WriteLines(path, FileMode.Create, contents, encoding);

    public void AppendAllLines(string path, IEnumerable<string> contents) => AppendAllLines(path, contents, Utf8NoBom);

    public void AppendAllLines(string path, IEnumerable<string> contents, Encoding encoding) => WriteLines(path, FileMode.Append, contents, encoding);

    private void WriteLines(string path, FileMode mode, IEnumerable<string> contents, Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(encoding);
        using var writer = new StreamWriter(New(path, mode, FileAccess.Write, FileShare.Read), encoding);
        foreach (var line in contents)
        {
            writer.WriteLine(line);
        }
    }

    // ---- Async: streams opened with FileOptions.Asynchronous and read or written with the
    // stream's own asynchronous calls, so a host-directory layer does real asynchronous I/O (the
    // FileStream over the host file) and the token is honoured between every read and write.

    // A token cancelled before the call gives a cancelled task, awaited as TaskCanceledException,
    // as System.IO's File.*Async members return Task.FromCanceled.
    private static void ThrowIfCanceled(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException(null, null, cancellationToken);
        }
    }

    private FileSystemStream NewAsync(string path, FileMode mode, FileAccess access) =>
        New(path, mode, access, FileShare.Read, FileOptions.Asynchronous);

    public async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        ThrowIfCanceled(cancellationToken);
        await using var stream = NewAsync(path, FileMode.Open, FileAccess.Read);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public Task<string> ReadAllTextAsync(string path, CancellationToken cancellationToken = default) =>
        ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);

    public async Task<string> ReadAllTextAsync(string path, Encoding encoding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ThrowIfCanceled(cancellationToken);
        using var reader = new StreamReader(NewAsync(path, FileMode.Open, FileAccess.Read), encoding, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<string[]> ReadAllLinesAsync(string path, CancellationToken cancellationToken = default) =>
        ReadAllLinesAsync(path, Encoding.UTF8, cancellationToken);

    public async Task<string[]> ReadAllLinesAsync(string path, Encoding encoding, CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();
        await foreach (var line in ReadLinesAsync(path, encoding, cancellationToken).ConfigureAwait(false))
        {
            lines.Add(line);
        }

        return [.. lines];
    }

    public IAsyncEnumerable<string> ReadLinesAsync(string path, CancellationToken cancellationToken = default) =>
        ReadLinesAsync(path, Encoding.UTF8, cancellationToken);

    public IAsyncEnumerable<string> ReadLinesAsync(string path, Encoding encoding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoding);

        // Opened at once, as File.ReadLinesAsync does, so a missing file fails here and not on enumeration.
        var reader = new StreamReader(NewAsync(path, FileMode.Open, FileAccess.Read), encoding, detectEncodingFromByteOrderMarks: true);
        return Lines(reader, cancellationToken);

        static async IAsyncEnumerable<string> Lines(StreamReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using (reader)
            {
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    yield return line;
                }
            }
        }
    }

    public Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return WriteBytesAsync(path, FileMode.Create, bytes, cancellationToken);
    }

    public Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        WriteBytesAsync(path, FileMode.Create, bytes, cancellationToken);

    public Task AppendAllBytesAsync(string path, byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return WriteBytesAsync(path, FileMode.Append, bytes, cancellationToken);
    }

    public Task AppendAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        WriteBytesAsync(path, FileMode.Append, bytes, cancellationToken);

    private async Task WriteBytesAsync(string path, FileMode mode, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ThrowIfCanceled(cancellationToken);
        await using var stream = NewAsync(path, mode, FileAccess.Write);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAllTextAsync(string path, string? contents, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Create, contents.AsMemory(), Utf8NoBom, cancellationToken);

    public Task WriteAllTextAsync(string path, string? contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Create, contents.AsMemory(), encoding, cancellationToken);

    public Task WriteAllTextAsync(string path, ReadOnlyMemory<char> contents, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Create, contents, Utf8NoBom, cancellationToken);

    public Task WriteAllTextAsync(string path, ReadOnlyMemory<char> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Create, contents, encoding, cancellationToken);

    public Task AppendAllTextAsync(string path, string? contents, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Append, contents.AsMemory(), Utf8NoBom, cancellationToken);

    public Task AppendAllTextAsync(string path, string? contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Append, contents.AsMemory(), encoding, cancellationToken);

    public Task AppendAllTextAsync(string path, ReadOnlyMemory<char> contents, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Append, contents, Utf8NoBom, cancellationToken);

    public Task AppendAllTextAsync(string path, ReadOnlyMemory<char> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        WriteTextAsync(path, FileMode.Append, contents, encoding, cancellationToken);

    private async Task WriteTextAsync(string path, FileMode mode, ReadOnlyMemory<char> contents, Encoding encoding, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(encoding);
        ThrowIfCanceled(cancellationToken);
        await using var stream = NewAsync(path, mode, FileAccess.Write);

        // The preamble goes only at the start of a file, as File.AppendAllTextAsync writes it.
        if (stream.Position == 0)
        {
            await stream.WriteAsync(encoding.GetPreamble(), cancellationToken).ConfigureAwait(false);
        }

        await stream.WriteAsync(encoding.GetBytes(contents.ToArray()), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAllLinesAsync(string path, IEnumerable<string> contents, CancellationToken cancellationToken = default) =>
        WriteLinesAsync(path, FileMode.Create, contents, Utf8NoBom, cancellationToken);

    public Task WriteAllLinesAsync(string path, IEnumerable<string> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        WriteLinesAsync(path, FileMode.Create, contents, encoding, cancellationToken);

    public Task AppendAllLinesAsync(string path, IEnumerable<string> contents, CancellationToken cancellationToken = default) =>
        WriteLinesAsync(path, FileMode.Append, contents, Utf8NoBom, cancellationToken);

    public Task AppendAllLinesAsync(string path, IEnumerable<string> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        WriteLinesAsync(path, FileMode.Append, contents, encoding, cancellationToken);

    private async Task WriteLinesAsync(string path, FileMode mode, IEnumerable<string> contents, Encoding encoding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(encoding);
        ThrowIfCanceled(cancellationToken);
        await using var writer = new StreamWriter(NewAsync(path, mode, FileAccess.Write), encoding);
        foreach (var line in contents)
        {
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
