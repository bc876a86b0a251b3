namespace Overlay.Fuse;

/// <summary>A file the kernel opened (OPEN or CREATE): the engine's stream, used by one request at a time.</summary>
internal sealed class OpenFile(Stream stream, string path)
{
    public Stream Stream { get; } = stream;

    /// <summary>The merged path it was opened at, for messages.</summary>
    public string Path { get; } = path;

    /// <summary>Serialises seek-then-read and seek-then-write on the stream.</summary>
    public Lock Lock { get; } = new();
}
