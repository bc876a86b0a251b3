using Overlay.Layers;

namespace Overlay.Cli.Images;

/// <summary>A layer under the name the tool's traces use for it (<c>layer N</c>), read through as it is.</summary>
internal sealed class NamedLayer(string name, ILayer inner) : ILayer
{
    public string Name { get; } = name;

    public bool TryGetEntry(string path, out LayerEntry entry) => inner.TryGetEntry(path, out entry);

    public IReadOnlyList<LayerEntry> ListDirectory(string path) => inner.ListDirectory(path);

    public Stream OpenRead(string path) => inner.OpenRead(path);
}
