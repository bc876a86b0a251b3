namespace Overlay.Fuse;

/// <summary>
/// A file the kernel opened (OPEN or CREATE): the engine's stream, used by one request at a time.
/// A read-only open of a file takes no stream at once: the kernel mostly answers reads from the
/// pages it keeps, so the stream is taken at the first READ (or before the last name of the file
/// is removed), and an open that reads nothing costs the layer nothing.
/// </summary>
internal sealed class OpenFile
{
    private Stream? _stream;

    /// <summary>An open of node <paramref name="node"/> with its stream.</summary>
    public OpenFile(Stream stream, ulong node)
    {
        _stream = stream;
        Node = node;
    }

    /// <summary>A read-only open of node <paramref name="node"/> whose stream is taken when first needed.</summary>
    public OpenFile(ulong node) => Node = node;

    /// <summary>The node the open was made on.</summary>
    public ulong Node { get; }

    /// <summary>
    /// The file's status when its last name was removed or renamed over while it was open, for a
    /// GETATTR made through the open (fstat(2) of an unlinked file); null while it has a name.
    /// </summary>
    public NodeStatus? Unlinked { get; set; }

    /// <summary>The stream; <see langword="null"/> while a read-only open has not needed it yet.</summary>
    public Stream? Stream => _stream;

    /// <summary>Whether the open can write (never a deferred, read-only one).</summary>
    public bool CanWrite => _stream?.CanWrite == true;

    /// <summary>RELEASE came: no stream is to be taken any more.</summary>
    public bool Closed { get; private set; }

    /// <summary>Serialises seek-then-read and seek-then-write on the stream, and the taking of a deferred one.</summary>
    public Lock Lock { get; } = new();

    /// <summary>Gives a deferred open its stream (under <see cref="Lock"/>).</summary>
    public void Opened(Stream stream) => _stream = stream;

    /// <summary>Closes the stream, if any (under <see cref="Lock"/>).</summary>
    public void Close()
    {
        Closed = true;
        _stream?.Dispose();
    }
}
