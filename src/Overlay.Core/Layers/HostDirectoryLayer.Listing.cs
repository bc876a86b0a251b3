using Overlay.Layers.Host;
using Overlay.Paths;

namespace Overlay.Layers;

/// <content>
/// Kind listings for the lower index (<see cref="ILowerKindListing"/>): one getdents pass gives
/// every name's kind; only a name the directory records no plain kind for (a character device,
/// which may be the kernel form's whiteout, or an unknown type) is stat-ed then. An OCI whiteout
/// and the opaque marker are told by their names; the kernel form's opaque mark is one attribute
/// of the listed directory.
/// </content>
public sealed partial class HostDirectoryLayer : ILowerKindListing
{
    /// <inheritdoc />
    private protected override bool ListsKinds => _native;

    /// <inheritdoc />
    IReadOnlyList<ListedEntry>? ILowerKindListing.ListKinds(string path, out bool opaque)
    {
        CheckLayerPath(path);
        opaque = false;
        if (!_native || (path != "/" && IsReserved(PosixPath.NameOf(path))))
        {
            return null;
        }

        string host = HostPath(path);
        if (IsKernelForm)
        {
            // "y": opaque; "x": the directory holds xwhiteouts, zero-size files that only their
            // attribute tells from a file: such a directory is read whole.
            switch (ReadAttribute(host, KernelWhiteout.Opaque))
            {
                case "y":
                    opaque = true;
                    break;
                case "x":
                    return null;
            }
        }

        var names = new List<string>();
        var types = new List<byte>();
        int errno = LinuxSyscalls.ListDirectory(host, PreserveAccessTimes, names, types);
        if (errno != 0)
        {
            // Gone, or no longer a directory: as ListDirectory answers for it. ELOOP (a link there
            // now) and the rest: the long way decides, and throws for a failure of the storage.
            return IsAbsence(errno) ? [] : null;
        }

        var entries = new List<ListedEntry>(names.Count);
        HashSet<string>? present = null;
        List<string>? whiteouts = null;
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            if (IsOci && OciWhiteout.Decode(name, out string? hidden) is var decoded && decoded != OciName.Plain)
            {
                if (decoded == OciName.OpaqueMarker)
                {
                    opaque = true;
                }
                else if (hidden is { Length: > 0 })
                {
                    (whiteouts ??= []).Add(hidden);
                }

                continue;
            }

            LayerEntryKind kind;
            switch (types[i])
            {
                case LinuxSyscalls.DT_DIR:
                    kind = LayerEntryKind.Directory;
                    break;
                case LinuxSyscalls.DT_REG:
                    kind = LayerEntryKind.File;
                    break;
                case LinuxSyscalls.DT_LNK:
                    kind = LayerEntryKind.SymbolicLink;
                    break;
                case LinuxSyscalls.DT_FIFO:
                    kind = LayerEntryKind.Fifo;
                    break;
                case LinuxSyscalls.DT_SOCK:
                    kind = LayerEntryKind.Socket;
                    break;
                case LinuxSyscalls.DT_BLK:
                    kind = LayerEntryKind.BlockDevice;
                    break;
                default:
                    // A character device (a kernel-form whiteout?) or a kind the file system does
                    // not record: read whole, as ListDirectory reads every name.
                    string child = host + "/" + name;
                    var found = Stat(child);
                    if (found.Exists && TryDecode(name, child, found, out var whole))
                    {
                        entries.Add(new ListedEntry(whole, Complete: true));
                        (present ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
                    }

                    continue;
            }

            entries.Add(new ListedEntry(new LayerEntry { Name = name, Kind = kind }, Complete: false));
            (present ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
        }

        if (whiteouts is not null)
        {
            foreach (string name in whiteouts)
            {
                // A name stored both ways is the object: within one layer the whiteout only hides
                // what is below it.
                if (present is null || !present.Contains(name))
                {
                    entries.Add(new ListedEntry(new LayerEntry { Name = name, Kind = LayerEntryKind.Whiteout }, Complete: false));
                }
            }
        }

        return entries;
    }

    /// <inheritdoc />
    bool ILowerKindListing.TryGetListedEntry(string path, out LayerEntry entry)
    {
        CheckLayerPath(path);
        entry = default;
        string name = PosixPath.NameOf(path);
        if (path == "/" || IsReserved(name))
        {
            return false;
        }

        string host = HostPath(path);
        var found = Stat(host);
        return found.Exists && TryDecode(name, host, found, out entry);
    }
}
