using Microsoft.Win32.SafeHandles;
using Overlay.Layers;

namespace Overlay.Union;

/// <content>
/// What an open hands back: the overlay's own stream, or a native handle of the host file behind
/// the merged path. Both go through the one open(2) path, so both follow the same copy-up rules.
/// </content>
internal sealed partial class UnionEngine
{
    /// <summary>Opens the object an open(2) found, in the form its caller wants.</summary>
    /// <typeparam name="T">The opened form.</typeparam>
    private interface IOpener<T>
        where T : class, IDisposable
    {
        /// <summary>Throws before anything changes when the upper cannot give this form.</summary>
        void CheckUpper(IWritableLayer upper);

        T OpenUpper(IWritableLayer upper, string path, FileAccess access);

        T OpenLower(UnionEngine engine, ILayer lower, string pathInLower, string mergedPath);

        void Truncate(T opened);
    }

    /// <summary>The overlay's streams; a lower read follows its file when it is copied up.</summary>
    private sealed class StreamOpener : IOpener<Stream>
    {
        public static readonly StreamOpener Instance = new();

        public void CheckUpper(IWritableLayer upper)
        {
        }

        public Stream OpenUpper(IWritableLayer upper, string path, FileAccess access) => upper.OpenFile(path, access);

        public Stream OpenLower(UnionEngine engine, ILayer lower, string pathInLower, string mergedPath) =>
            engine._readers.Open(lower.OpenRead(pathInLower), mergedPath);

        public void Truncate(Stream opened) => opened.SetLength(0);
    }

    /// <summary>
    /// Native handles of host files: opened without following a link in the layer that holds the
    /// object (the upper after copy-up for a write; the lower itself, read-only, for a read).
    /// </summary>
    private sealed class HandleOpener : IOpener<SafeFileHandle>
    {
        /// <summary>The merged path of the lower file the handle was opened on; null when it is an upper file.</summary>
        public string? LowerFile { get; private set; }

        public void CheckUpper(IWritableLayer upper) => HostFiles(upper);

        public SafeFileHandle OpenUpper(IWritableLayer upper, string path, FileAccess access) => HostFiles(upper).OpenHandle(path, access);

        public SafeFileHandle OpenLower(UnionEngine engine, ILayer lower, string pathInLower, string mergedPath)
        {
            var handle = HostFiles(lower).OpenHandle(pathInLower, FileAccess.Read);
            LowerFile = mergedPath;
            return handle;
        }

        public void Truncate(SafeFileHandle opened) => RandomAccess.SetLength(opened, 0);

        private static IHostFileHandles HostFiles(ILayer layer) => layer.GetCapability<IHostFileHandles>()
            ?? throw new NotSupportedException(
                $"Layer '{layer.Name}' does not keep its files on the host disk, so it has no operating-system handle to give: SafeFileHandle members work only on objects of host-directory layers.");
    }
}
