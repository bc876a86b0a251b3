using System.IO.Abstractions;
using System.Text;

namespace Overlay.FileSystem;

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
        using var stream = New(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public string ReadAllText(string path) => ReadAllText(path, Encoding.UTF8);

    public string ReadAllText(string path, Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        using var reader = new StreamReader(New(path, FileMode.Open, FileAccess.Read, FileShare.Read), encoding, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

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
            stream.Write(encoding.GetPreamble());
        }

        stream.Write(encoding.GetBytes(contents.ToArray()));
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

    // ---- Async: the same operations on the thread pool; in-memory layers complete synchronously anyway.

    public Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken = default) =>
        Run(() => ReadAllBytes(path), cancellationToken);

    public Task<string> ReadAllTextAsync(string path, CancellationToken cancellationToken = default) =>
        Run(() => ReadAllText(path), cancellationToken);

    public Task<string> ReadAllTextAsync(string path, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => ReadAllText(path, encoding), cancellationToken);

    public Task<string[]> ReadAllLinesAsync(string path, CancellationToken cancellationToken = default) =>
        Run(() => ReadAllLines(path), cancellationToken);

    public Task<string[]> ReadAllLinesAsync(string path, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => ReadAllLines(path, encoding), cancellationToken);

    public IAsyncEnumerable<string> ReadLinesAsync(string path, CancellationToken cancellationToken = default) =>
        ReadLinesAsync(path, Encoding.UTF8, cancellationToken);

    public async IAsyncEnumerable<string> ReadLinesAsync(string path, Encoding encoding, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(New(path, FileMode.Open, FileAccess.Read, FileShare.Read), encoding, detectEncodingFromByteOrderMarks: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return line;
        }
    }

    public Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllBytes(path, bytes), cancellationToken);

    public Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllBytes(path, bytes.Span), cancellationToken);

    public Task AppendAllBytesAsync(string path, byte[] bytes, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllBytes(path, bytes), cancellationToken);

    public Task AppendAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllBytes(path, bytes.Span), cancellationToken);

    public Task WriteAllTextAsync(string path, string? contents, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllText(path, contents), cancellationToken);

    public Task WriteAllTextAsync(string path, string? contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllText(path, contents, encoding), cancellationToken);

    public Task WriteAllTextAsync(string path, ReadOnlyMemory<char> contents, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllText(path, contents.Span), cancellationToken);

    public Task WriteAllTextAsync(string path, ReadOnlyMemory<char> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllText(path, contents.Span, encoding), cancellationToken);

    public Task AppendAllTextAsync(string path, string? contents, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllText(path, contents), cancellationToken);

    public Task AppendAllTextAsync(string path, string? contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllText(path, contents, encoding), cancellationToken);

    public Task AppendAllTextAsync(string path, ReadOnlyMemory<char> contents, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllText(path, contents.Span), cancellationToken);

    public Task AppendAllTextAsync(string path, ReadOnlyMemory<char> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllText(path, contents.Span, encoding), cancellationToken);

    public Task WriteAllLinesAsync(string path, IEnumerable<string> contents, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllLines(path, contents), cancellationToken);

    public Task WriteAllLinesAsync(string path, IEnumerable<string> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => WriteAllLines(path, contents, encoding), cancellationToken);

    public Task AppendAllLinesAsync(string path, IEnumerable<string> contents, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllLines(path, contents), cancellationToken);

    public Task AppendAllLinesAsync(string path, IEnumerable<string> contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        Run(() => AppendAllLines(path, contents, encoding), cancellationToken);

    private static Task Run(Action action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        try
        {
            action();
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    private static Task<T> Run<T>(Func<T> func, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(func());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
