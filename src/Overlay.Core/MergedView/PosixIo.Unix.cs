using Overlay.Layers;
using Overlay.Union;

namespace Overlay.MergedView;

// ---- Unix metadata: what IFileSystem cannot say (OverlayUnix), through the same door as the rest

internal sealed partial class PosixIo
{
    public Errno GetOwner(string fullPath, bool followLinks, out UnixOwner owner) => _engine.GetOwner(fullPath, followLinks, out owner);

    public Errno SetOwner(string fullPath, UnixOwner owner, bool followLinks) => _engine.SetOwner(fullPath, owner, followLinks);

    public Errno GetExtendedAttributes(string fullPath, bool followLinks, out IReadOnlyDictionary<string, byte[]> attributes) =>
        _engine.GetExtendedAttributes(fullPath, followLinks, out attributes);

    public Errno SetExtendedAttribute(string fullPath, string name, byte[] value, bool followLinks) =>
        _engine.SetExtendedAttribute(fullPath, name, value, followLinks);

    public Errno RemoveExtendedAttribute(string fullPath, string name, bool followLinks) =>
        _engine.RemoveExtendedAttribute(fullPath, name, followLinks);

    public Errno CreateHardLink(string existingFullPath, string newFullPath) => _engine.CreateHardLink(existingFullPath, newFullPath);

    public Errno CreateSpecialFile(string fullPath, LayerEntryKind kind, UnixFileMode mode, UnixDeviceNumber device) =>
        _engine.CreateSpecialFile(fullPath, kind, mode, device);

    public Errno GetIdentity(string fullPath, bool followLinks, out UnixFileIdentity identity, out int layer) =>
        _engine.GetIdentity(fullPath, followLinks, out identity, out layer);

    public Errno GetDeviceNumber(string fullPath, bool followLinks, out UnixDeviceNumber device) =>
        _engine.GetDeviceNumber(fullPath, followLinks, out device);
}
