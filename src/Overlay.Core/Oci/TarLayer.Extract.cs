using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Oci;

public sealed partial class TarLayer
{
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Extracts the layer into a new directory that a <see cref="HostDirectoryLayer"/> opens in the
    /// given whiteout form: whiteouts and opaque directories are written in that form; modes
    /// (setuid, setgid and sticky included), times, numeric owners and extended attributes as the
    /// tar has them; hard-link members as hard links of one file; devices and FIFOs as nodes. Not as
    /// root, owners and devices (which <c>mknod</c> refuses) are recorded the rootless way, in
    /// <c>user.containers.override_stat</c> (see <see cref="HostDirectoryLayer"/>), and read and
    /// exported as the tar had them.
    /// </summary>
    /// <remarks>
    /// Everything is built in a staging directory beside the target and renamed into place in one
    /// step at the end, so a failed or cancelled extraction leaves no half-made layer. The index was
    /// validated when the layer was opened, and the staging directory is new. On Linux every object
    /// is made relative to its parent directory, held open, with calls that never follow a link and
    /// never reuse an existing name (<c>openat(O_CREAT | O_EXCL | O_NOFOLLOW)</c>, <c>mkdirat</c>,
    /// <c>symlinkat</c>...), and given its owner, attributes, mode and times through its own
    /// descriptor; elsewhere it is written through a <see cref="HostDirectoryLayer"/>, which never
    /// follows links either. Either way nothing lands outside the staging directory. Nothing is
    /// synced to the disk.
    /// </remarks>
    /// <param name="targetDirectory">The directory to create; it must not exist, its parent must.</param>
    /// <param name="form">The whiteout form to write: <see cref="WhiteoutForm.Oci"/> (any platform) or <see cref="WhiteoutForm.Kernel"/> (Linux).</param>
    /// <param name="progress">Receives extraction progress.</param>
    /// <param name="cancellationToken">Cancels the extraction (nothing stays behind).</param>
    /// <exception cref="IOException">The target exists (HResult EEXIST), or the disk failed.</exception>
    /// <exception cref="DirectoryNotFoundException">The target's parent does not exist.</exception>
    public void ExtractTo(string targetDirectory, WhiteoutForm form = WhiteoutForm.Oci, IProgress<OciProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        if (form == WhiteoutForm.None && HasWhiteoutsOrOpaque(_root))
        {
            throw new ArgumentException($"Layer '{Name}' has whiteouts or opaque directories, which the plain form cannot hold.", nameof(form));
        }

        string target = System.IO.Path.GetFullPath(targetDirectory).TrimEnd('/');
        string parent = System.IO.Path.GetDirectoryName(target) ?? throw new IOException($"Cannot extract layer '{Name}' over a root directory.");
        if (!Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"Cannot extract layer '{Name}' into '{target}': its parent directory does not exist.");
        }

        if (File.Exists(target) || Directory.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            throw new IOException($"Cannot extract layer '{Name}' into '{target}': it already exists.", 17);
        }

        string staging = System.IO.Path.Combine(parent, "." + System.IO.Path.GetFileName(target) + ".extracting-" + Guid.NewGuid().ToString("N")[..12]);
        string stagedLayer = System.IO.Path.Combine(staging, "layer");
        Directory.CreateDirectory(stagedLayer);
        try
        {
            if (UnixMetadataApplies)
            {
                WriteTree(stagedLayer, form, progress, cancellationToken);
            }
            else
            {
                ExtractThroughLayer(staging, stagedLayer, form, progress, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Directory.Move(stagedLayer, target);
            progress?.Report(new OciProgress(OciProgressStage.Completed, Name, UncompressedLength, UncompressedLength, EntryCount));
        }
        finally
        {
            DeleteStaging(staging);
        }
    }

    /// <summary>
    /// Linux: writes the tree with one held directory descriptor per level and calls on each new
    /// object's own descriptor (<see cref="Layers.Host.HostTreeWriter"/>), about five system calls a
    /// file.
    /// </summary>
    private void WriteTree(string stagedLayer, WhiteoutForm form, IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        var writer = new Layers.Host.HostTreeWriter
        {
            Name = Name,
            Form = form,
            CancellationToken = cancellationToken,
            Progress = progress is null ? null : (entries, bytes) => progress.Report(new OciProgress(OciProgressStage.Extracting, Name, bytes, null, entries)),
        };
        writer.Write(this, stagedLayer);
    }

    /// <summary>Elsewhere: through a <see cref="HostDirectoryLayer"/> over the staged directory, name by name.</summary>
    private void ExtractThroughLayer(string staging, string stagedLayer, WhiteoutForm form, IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        using (var layer = new HostDirectoryLayer(stagedLayer, new HostDirectoryLayerOptions
        {
            Name = Name,
            WhiteoutForm = form,
            WorkDirectory = System.IO.Path.Combine(staging, "work"),
            Durable = false,
            PreserveAccessTimes = false,
        }))
        {
            var state = new ExtractState(layer, progress, cancellationToken);
            if (_root.IsOpaque)
            {
                layer.SetOpaque("/", true);
            }

            WriteChildren(state, _root, "/");
            if (UnixMetadataApplies)
            {
                WriteOwnerAndAttributes(state, "/");
            }

            layer.SetUnixFileMode("/", _root.Mode);
            SetTimes(layer, "/", _root);
        }
    }

    private sealed class ExtractState(HostDirectoryLayer layer, IProgress<OciProgress>? progress, CancellationToken cancellationToken)
    {
        public HostDirectoryLayer Layer { get; } = layer;

        public IProgress<OciProgress>? Progress { get; } = progress;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public int Entries { get; set; }

        public long Bytes { get; set; }

        /// <summary>The first path each hard-linked file was written at: its other names link to it.</summary>
        public Dictionary<TarLayerNode, string> Linked { get; } = new(ReferenceEqualityComparer.Instance);
    }

    /// <summary>Gives an extracted object the tar's owner and attributes; the mode is set after, as a chown clears setuid.</summary>
    private void WriteOwnerAndAttributes(ExtractState state, string path)
    {
        var writes = (IUnixMetadataWrites)state.Layer;
        var unix = (IUnixMetadata)this;
        var owner = unix.GetOwner(path);
        if (owner != ProcessCredentials.Owner)
        {
            writes.SetOwner(path, owner);
        }

        foreach (var (name, value) in unix.GetExtendedAttributes(path))
        {
            writes.SetExtendedAttribute(path, name, value);
        }
    }

    /// <summary>Whether extraction writes owners, attributes and hard links: on Linux, where the layer stores them.</summary>
    private static bool UnixMetadataApplies => Layers.Host.LinuxSyscalls.IsSupported;


    private void WriteChildren(ExtractState state, TarLayerNode directory, string path)
    {
        foreach (var (name, node) in directory.Children!.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            state.CancellationToken.ThrowIfCancellationRequested();
            string childPath = PosixPath.Combine(path, name);
            var layer = state.Layer;
            bool unix = UnixMetadataApplies;
            switch (node.Kind)
            {
                case LayerEntryKind.Directory:
                    // Built writable for its owner; the tar's mode is set once its children are in.
                    layer.CreateDirectory(childPath, node.Mode | OwnerAll);
                    if (node.IsOpaque)
                    {
                        layer.SetOpaque(childPath, true);
                    }

                    WriteChildren(state, node, childPath);
                    if (unix)
                    {
                        WriteOwnerAndAttributes(state, childPath);
                    }

                    layer.SetUnixFileMode(childPath, node.Mode);
                    break;
                case LayerEntryKind.File when unix && node.Links > 1 && state.Linked.TryGetValue(node, out string? first):
                    // Another name of a file already written: a hard link, as tar -x makes it.
                    ((IUnixMetadataWrites)layer).CreateHardLink(first, childPath);
                    state.Entries++;
                    continue;
                case LayerEntryKind.File:
                    layer.CreateFile(childPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    using (var output = layer.OpenFile(childPath, FileAccess.Write))
                    using (var input = OpenData(node))
                    {
                        input.CopyTo(output);
                    }

                    if (unix)
                    {
                        WriteOwnerAndAttributes(state, childPath);
                        state.Linked.TryAdd(node, childPath);
                    }

                    layer.SetUnixFileMode(childPath, node.Mode);
                    state.Bytes += node.Size;
                    break;
                case LayerEntryKind.SymbolicLink:
                    layer.CreateSymbolicLink(childPath, node.LinkTarget!);
                    if (unix)
                    {
                        WriteOwnerAndAttributes(state, childPath);
                    }

                    break;
                case LayerEntryKind.Whiteout:
                    layer.Publish(layer.StageWhiteout(), childPath, keepParentTimes: true);
                    layer.SetTimes(childPath, node.LastWriteTimeUtc, node.LastWriteTimeUtc);
                    break;
                default:
                    // A device or FIFO: a node of the same kind and numbers (mknod; a device needs root).
                    ((IUnixMetadataWrites)layer).CreateSpecialFile(childPath, node.Kind, node.Mode, node.Device);
                    if (unix)
                    {
                        WriteOwnerAndAttributes(state, childPath);
                    }

                    layer.SetUnixFileMode(childPath, node.Mode);
                    break;
            }

            if (node.Kind != LayerEntryKind.Whiteout)
            {
                SetTimes(layer, childPath, node);
            }

            state.Entries++;
            if (state.Progress is not null && state.Entries % 500 == 0)
            {
                state.Progress.Report(new OciProgress(OciProgressStage.Extracting, Name, state.Bytes, null, state.Entries));
            }
        }
    }

    private static void SetTimes(HostDirectoryLayer layer, string path, TarLayerNode node) =>
        layer.SetTimes(path, node.LastAccessTimeUtc, node.LastWriteTimeUtc);

    private static bool HasWhiteoutsOrOpaque(TarLayerNode node) =>
        node.IsOpaque || node.Kind == LayerEntryKind.Whiteout || (node.Children?.Values.Any(HasWhiteoutsOrOpaque) ?? false);

    private static void DeleteStaging(string staging)
    {
        if (!Directory.Exists(staging))
        {
            return;
        }

        // Directories extracted without owner write permission must be opened up to be removed.
        foreach (string directory in Directory.EnumerateDirectories(staging, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            try
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(directory, OwnerAll);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        try
        {
            Directory.Delete(staging, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
