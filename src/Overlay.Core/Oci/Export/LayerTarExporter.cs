using System.IO.Compression;
using Overlay.Layers;
using Overlay.Oci.Model;
using Overlay.Oci.Tar;
using Overlay.Paths;

namespace Overlay.Oci.Export;

/// <summary>
/// Writes a layer (typically an overlay's upper, in any whiteout form) as an OCI image layer tar, the
/// way Docker's overlay2 driver writes a container's changes for <c>docker commit</c> and
/// <c>docker save</c>.
/// </summary>
/// <remarks>
/// <para>
/// The order is Docker's walk of an upper directory: names sorted by their UTF-8 bytes within each
/// directory, a directory's own member before its children. A whiteout of <c>name</c> is the empty
/// file <c>.wh.name</c> at the position where <c>name</c> sorts (mode 0600, the whiteout's mtime);
/// an opaque directory's marker <c>.wh..wh..opq</c> follows the directory's member at once (the
/// directory's permission bits, mtime 0). The layer root itself has no member. Names carry no
/// <c>./</c> prefix; directories end with <c>/</c>.
/// </para>
/// <para>
/// Metadata is deterministic: the mode field holds the file type bits too, times are whole seconds,
/// access and change times are left out, owners are the layer's numeric owners (uid 0 / gid 0 where
/// the layer stores none), with the names of <see cref="LayerExportOptions"/> for uid 0 and gid 0 only. A plain ustar header is written whenever the fields fit,
/// PAX records otherwise (names over 100 bytes that cannot be split, non-ASCII names, sizes of 8 GiB
/// and more). The same layer content gives the same bytes, so the same diff_id.
/// </para>
/// <para>
/// An entry whose name starts with <c>.wh.</c> (possible in an in-memory or kernel-form upper) would
/// read back as a whiteout, and a directory with a redirect (<see cref="LayerEntry.RedirectPath"/>)
/// takes its content from a lower the tar cannot reach: both are refused with an
/// <see cref="IOException"/> naming the path, before anything is renamed into place.
/// </para>
/// </remarks>
public static class LayerTarExporter
{
    private const int EINVAL = 22;
    private const int EOPNOTSUPP = 95;

    /// <summary>Writes <paramref name="layer"/> as a layer tar (gzip-compressed when the options say so) to a stream.</summary>
    /// <param name="layer">The layer to export: an upper, or any layer.</param>
    /// <param name="destination">A writable stream; it is left open.</param>
    /// <param name="options">Compression and owner names; <see cref="LayerExportOptions.Default"/> when null.</param>
    /// <param name="progress">Told after every member.</param>
    /// <param name="cancellationToken">Stops the export between (and inside) members.</param>
    /// <returns>The blob's diff_id, digest, size and media type.</returns>
    /// <exception cref="IOException">A name the OCI form cannot hold, a redirected directory, or a read failure.</exception>
    /// <exception cref="OperationCanceledException">The export was cancelled; the stream then holds a partial tar.</exception>
    public static LayerExportResult Export(
        ILayer layer,
        Stream destination,
        LayerExportOptions? options = null,
        IProgress<OciProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= LayerExportOptions.Default;
        if (options.Compression is not (LayerCompression.None or LayerCompression.Gzip))
        {
            throw new NotSupportedException($"Layer '{layer.Name}': {options.Compression} is not a compression the exporter writes (none or gzip).");
        }

        using var blob = new DigestingStream(destination, leaveOpen: true);
        Stream? gzip = options.Compression == LayerCompression.Gzip ? new GZipStream(blob, options.GzipLevel, leaveOpen: true) : null;
        int count;
        Digest diffId;
        long uncompressed;
        using (var tar = new DigestingStream(gzip ?? blob, leaveOpen: true))
        {
            using (var writer = new TarWriter(tar, leaveOpen: true))
            {
                count = new Walk(layer, writer, options, progress, "layer", cancellationToken).Run();
                writer.Finish();
            }

            diffId = tar.CurrentDigest();
            uncompressed = tar.BytesWritten;
        }

        gzip?.Dispose();
        blob.Flush();
        return new LayerExportResult
        {
            DiffId = diffId,
            Digest = blob.CurrentDigest(),
            Size = blob.BytesWritten,
            UncompressedSize = uncompressed,
            Compression = options.Compression,
            EntryCount = count,
        };
    }

    /// <summary>
    /// Writes <paramref name="layer"/> as a layer tar to a file: under a temporary name first, renamed
    /// to <paramref name="path"/> only when complete, so a failed or cancelled export leaves nothing.
    /// </summary>
    /// <param name="layer">The layer to export.</param>
    /// <param name="path">The file to create or replace; its directory must exist.</param>
    /// <param name="options">Compression and owner names; <see cref="LayerExportOptions.Default"/> when null.</param>
    /// <param name="progress">Told after every member.</param>
    /// <param name="cancellationToken">Stops the export.</param>
    /// <returns>The blob's diff_id, digest, size and media type.</returns>
    public static LayerExportResult ExportToFile(
        ILayer layer,
        string path,
        LayerExportOptions? options = null,
        IProgress<OciProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return AtomicFile.Write(path, stream => Export(layer, stream, options, progress, cancellationToken));
    }

    /// <summary>Sorts names as Go sorts strings: by their UTF-8 bytes.</summary>
    internal static int CompareNames(string left, string right)
    {
        var leftBytes = System.Text.Encoding.UTF8.GetBytes(left);
        var rightBytes = System.Text.Encoding.UTF8.GetBytes(right);
        return leftBytes.AsSpan().SequenceCompareTo(rightBytes);
    }

    private sealed class Walk(
        ILayer layer,
        TarWriter writer,
        LayerExportOptions options,
        IProgress<OciProgress>? progress,
        string stage,
        CancellationToken cancellationToken)
    {
        private readonly IUnixMetadata? _unix = layer.GetCapability<IUnixMetadata>();
        private readonly Dictionary<ulong, string> _firstNames = [];
        private int _count;

        public int Run()
        {
            if (layer.TryGetEntry("/", out var root) && root.IsDirectory && root.IsOpaque)
            {
                WriteOpaqueMarker(string.Empty, root);
            }

            WriteChildren("/", string.Empty);
            return _count;
        }

        private void WriteChildren(string directory, string tarPrefix)
        {
            var children = layer.ListDirectory(directory).ToArray();
            Array.Sort(children, (a, b) => CompareNames(a.Name, b.Name));
            foreach (var child in children)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = PosixPath.Combine(directory, child.Name);
                if (OciWhiteout.IsReserved(child.Name))
                {
                    throw new IOException(
                        $"'{path}' in layer '{layer.Name}': a name starting with '{OciWhiteout.Prefix}' cannot be exported in OCI form (it would read back as a whiteout or an opaque marker).",
                        EINVAL);
                }

                var name = tarPrefix + child.Name;
                switch (child.Kind)
                {
                    case LayerEntryKind.Whiteout:
                        // Docker's overlay2 writer turns the kernel's 0/0 device into an empty regular file
                        // with mode 0600 and the device's mtime.
                        Write(path, new TarHeader
                        {
                            Name = tarPrefix + OciWhiteout.NameFor(child.Name),
                            TypeFlag = '0',
                            Mode = 0x180,
                            ModificationTime = TarHeader.UnixSeconds(child.LastWriteTimeUtc),
                            UserName = options.UserName,
                            GroupName = options.GroupName,
                        }, null);
                        break;

                    case LayerEntryKind.File when _unix?.GetIdentity(path) is { LinkCount: > 1 } identity && !_firstNames.TryAdd(identity.FileId, name):
                        // Another name of a file already written: a link entry to the first name,
                        // which carries the data, as Docker writes hard links.
                        Write(path, Owned(path, new TarHeader
                        {
                            Name = name,
                            TypeFlag = '1',
                            Mode = 0x8000 | Permissions(child.Mode),
                            LinkName = _firstNames[identity.FileId],
                            ModificationTime = TarHeader.UnixSeconds(child.LastWriteTimeUtc),
                            UserName = options.UserName,
                            GroupName = options.GroupName,
                        }), null);
                        break;

                    case LayerEntryKind.CharacterDevice or LayerEntryKind.BlockDevice or LayerEntryKind.Fifo:
                        var device = _unix?.GetDeviceNumber(path) ?? default;
                        Write(path, Owned(path, new TarHeader
                        {
                            Name = name,
                            TypeFlag = child.Kind switch { LayerEntryKind.CharacterDevice => '3', LayerEntryKind.BlockDevice => '4', _ => '6' },
                            Mode = (child.Kind switch { LayerEntryKind.CharacterDevice => 0x2000, LayerEntryKind.BlockDevice => 0x6000, _ => 0x1000 }) | Permissions(child.Mode),
                            DeviceMajor = device.Major,
                            DeviceMinor = device.Minor,
                            ModificationTime = TarHeader.UnixSeconds(child.LastWriteTimeUtc),
                            UserName = options.UserName,
                            GroupName = options.GroupName,
                        }), null);
                        break;

                    case LayerEntryKind.Socket:
                        // A socket is a name of a running process, not data: tar (and Docker) leave it out.
                        break;

                    case LayerEntryKind.File:
                        using (var data = layer.OpenRead(path))
                        {
                            Write(path, Owned(path, new TarHeader
                            {
                                Name = name,
                                TypeFlag = '0',
                                Mode = 0x8000 | Permissions(child.Mode),
                                Size = child.Length,
                                ModificationTime = TarHeader.UnixSeconds(child.LastWriteTimeUtc),
                                UserName = options.UserName,
                                GroupName = options.GroupName,
                            }), data);
                        }

                        break;

                    case LayerEntryKind.SymbolicLink:
                        // A link's own permission bits are always 0777 on Linux, whatever a layer reports.
                        Write(path, Owned(path, new TarHeader
                        {
                            Name = name,
                            TypeFlag = '2',
                            Mode = 0xA000 | 0x1FF,
                            LinkName = child.LinkTarget ?? string.Empty,
                            ModificationTime = TarHeader.UnixSeconds(child.LastWriteTimeUtc),
                            UserName = options.UserName,
                            GroupName = options.GroupName,
                        }), null);
                        break;

                    case LayerEntryKind.Directory:
                        var directoryEntry = layer.TryGetEntry(path, out var full) ? full : child;
                        if (directoryEntry.RedirectPath is { } redirect)
                        {
                            throw new IOException(
                                $"'{path}' in layer '{layer.Name}': a directory redirected to '{redirect}' takes its content from a lower layer and cannot be exported as an OCI layer on its own.",
                                EOPNOTSUPP);
                        }

                        Write(path, Owned(path, new TarHeader
                        {
                            Name = name + "/",
                            TypeFlag = '5',
                            Mode = 0x4000 | Permissions(directoryEntry.Mode),
                            ModificationTime = TarHeader.UnixSeconds(directoryEntry.LastWriteTimeUtc),
                            UserName = options.UserName,
                            GroupName = options.GroupName,
                        }), null);
                        if (directoryEntry.IsOpaque)
                        {
                            WriteOpaqueMarker(name + "/", directoryEntry);
                        }

                        WriteChildren(path, name + "/");
                        break;

                    default:
                        throw new IOException($"'{path}' in layer '{layer.Name}' is a {child.Kind}, which an OCI layer cannot hold.", EOPNOTSUPP);
                }
            }
        }

        private void WriteOpaqueMarker(string directoryTarPrefix, in LayerEntry directory) =>
            // Docker writes the marker with the directory's rwx bits only and a zero mtime.
            Write(directoryTarPrefix.Length == 0 ? "/" : "/" + directoryTarPrefix.TrimEnd('/'), new TarHeader
            {
                Name = directoryTarPrefix + OciWhiteout.OpaqueMarker,
                TypeFlag = '0',
                Mode = (int)directory.Mode & 0x1FF,
                UserName = options.UserName,
                GroupName = options.GroupName,
            }, null);

        private void Write(string path, in TarHeader header, Stream? data)
        {
            writer.WriteEntry(header, data, cancellationToken);
            _count++;
            progress?.Report(new OciProgress(OciProgressStage.Exporting, stage, writer.Position, null, _count) { Entry = path });
        }

        /// <summary>The numeric owner and the extended attributes (PAX SCHILY.xattr.*) of an object, where the layer keeps them.</summary>
        private TarHeader Owned(string path, TarHeader header)
        {
            if (_unix is null)
            {
                return header;
            }

            var owner = _unix.GetOwner(path);
            var attributes = _unix.GetExtendedAttributes(path);
            if (attributes.Keys.Any(HostDirectoryLayer.IsLayerFormAttribute))
            {
                // The overlay's own attributes are the layer form's business, never a file's.
                attributes = attributes.Where(a => !HostDirectoryLayer.IsLayerFormAttribute(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            }

            return header with
            {
                Uid = owner.UserId,
                Gid = owner.GroupId,
                // Names only for root: Docker looks other ids up on the machine it runs on, which says nothing about the layer.
                UserName = owner.UserId == 0 ? header.UserName : string.Empty,
                GroupName = owner.GroupId == 0 ? header.GroupName : string.Empty,
                ExtendedAttributes = attributes.Count == 0 ? header.ExtendedAttributes : attributes,
            };
        }

        private static int Permissions(UnixFileMode mode) => (int)mode & 0xFFF;
    }
}
