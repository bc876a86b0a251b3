using Overlay.Layers;
using Overlay.Oci.Tar;

namespace Overlay.Oci.Export;

/// <summary>
/// Writes an overlay's merged view as one flat tar, as <c>docker export</c> writes a container's
/// file system: no whiteouts, every directory before its children, names sorted by their UTF-8
/// bytes, no member for the root.
/// </summary>
/// <remarks>
/// Each member has the headers Docker's writer gives it: the mode field with the file type bits,
/// the numeric owner, the full mode (setuid, setgid, sticky), the mtime in whole seconds, extended
/// attributes as PAX <c>SCHILY.xattr.*</c> records, a hard-linked file's later names as link
/// entries to its first name, devices and FIFOs with their numbers; sockets are left out. Owner
/// names are written for uid 0 and gid 0 only (<see cref="LayerExportOptions.UserName"/> and
/// <see cref="LayerExportOptions.GroupName"/>): Docker looks other ids up in the password file of
/// the machine it runs on, which says nothing about the image.
/// </remarks>
public static class MergedViewTarExporter
{
    private const int LinkPermissions = 0x1FF;

    /// <summary>Writes the merged view of <paramref name="fileSystem"/> as a tar to a stream.</summary>
    /// <param name="fileSystem">The overlay whose merged view is written.</param>
    /// <param name="destination">A writable stream; it is left open.</param>
    /// <param name="options">The owner names of uid 0 and gid 0 (compression is ignored: the tar is plain); <see cref="LayerExportOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked before each member; a cancelled export leaves a partial tar in the stream.</param>
    /// <returns>The number of members written.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="IOException">A read of the merged view failed.</exception>
    public static int Export(OverlayFileSystem fileSystem, Stream destination, LayerExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= LayerExportOptions.Default;
        using var tar = new TarWriter(destination, leaveOpen: true);
        int count = WriteDirectory(fileSystem, tar, options, "/", [], cancellationToken);
        tar.Finish();
        return count;
    }

    private static int WriteDirectory(OverlayFileSystem fs, TarWriter tar, LayerExportOptions options, string directory, Dictionary<ulong, string> linked, CancellationToken cancellationToken)
    {
        var unix = fs.Unix;
        var names = fs.Directory.EnumerateFileSystemEntries(directory).Select(p => fs.Path.GetFileName(p)).ToArray();
        Array.Sort(names, LayerTarExporter.CompareNames);
        int count = 0;
        foreach (string name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = directory == "/" ? "/" + name : directory + "/" + name;
            var kind = unix.GetKind(path);
            if (kind == LayerEntryKind.Socket)
            {
                // A socket is a name of a running process, not data: Docker's writer leaves it out.
                continue;
            }

            var info = fs.FileInfo.New(path);
            string tarName = path[1..];
            var owner = unix.GetOwner(path);
            var header = new TarHeader
            {
                Name = kind == LayerEntryKind.Directory ? tarName + "/" : tarName,
                TypeFlag = '0',
                Uid = owner.UserId,
                Gid = owner.GroupId,
                UserName = owner.UserId == 0 ? options.UserName : string.Empty,
                GroupName = owner.GroupId == 0 ? options.GroupName : string.Empty,
                ModificationTime = TarHeader.UnixSeconds(info.LastWriteTimeUtc),
                ExtendedAttributes = unix.GetExtendedAttributes(path),
            };
            int permissions = kind == LayerEntryKind.SymbolicLink ? LinkPermissions : (int)info.UnixFileMode & 0xFFF;
            Stream? data = null;
            switch (kind)
            {
                case LayerEntryKind.SymbolicLink:
                    header = header with { TypeFlag = '2', Mode = 0xA000 | permissions, LinkName = info.LinkTarget! };
                    break;
                case LayerEntryKind.Directory:
                    header = header with { TypeFlag = '5', Mode = 0x4000 | permissions };
                    break;
                case LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice:
                    var device = unix.GetDeviceNumber(path);
                    header = header with
                    {
                        TypeFlag = kind == LayerEntryKind.CharacterDevice ? '3' : '4',
                        Mode = (kind == LayerEntryKind.CharacterDevice ? 0x2000 : 0x6000) | permissions,
                        DeviceMajor = device.Major,
                        DeviceMinor = device.Minor,
                    };
                    break;
                case LayerEntryKind.Fifo:
                    header = header with { TypeFlag = '6', Mode = 0x1000 | permissions };
                    break;
                default:
                    var identity = unix.GetIdentity(path);
                    if (identity.LinkCount > 1 && !linked.TryAdd(identity.FileId, tarName))
                    {
                        // A later name of a file already written: a link entry to the first name, which carries the data.
                        header = header with { TypeFlag = '1', Mode = 0x8000 | permissions, LinkName = linked[identity.FileId] };
                    }
                    else
                    {
                        data = fs.File.OpenRead(path);
                        header = header with { Mode = 0x8000 | permissions, Size = data.Length };
                    }

                    break;
            }

            using (data)
            {
                tar.WriteEntry(header, data, cancellationToken);
            }

            count++;
            if (kind == LayerEntryKind.Directory)
            {
                count += WriteDirectory(fs, tar, options, path, linked, cancellationToken);
            }
        }

        return count;
    }
}
