using System.IO.Abstractions;

namespace Overlay.FileSystem;

/// <summary>A <see cref="FileSystemStream"/> over a stream one of the overlay's layers opened.</summary>
internal sealed class OverlayFileStream : FileSystemStream
{
    public OverlayFileStream(Stream inner, string path, bool isAsync)
        : base(inner, path, isAsync)
    {
    }
}
