using System.Globalization;
using Overlay.Layers.Host;
using Overlay.Paths;

namespace Overlay.Layers;

/// <content>
/// The work area: objects built whole in the work directory's <c>work</c> folder, then renamed into
/// the layer in one step, as the kernel builds a copy-up in its <c>workdir</c>.
/// </content>
public partial class FileSystemLayer
{
    private readonly Lock _stagedGate = new();
    private readonly Dictionary<string, Staged> _staged = new(StringComparer.Ordinal);
    private readonly string _tokenPrefix = "#" + Random.Shared.Next().ToString("x", CultureInfo.InvariantCulture) + "-";
    private long _nextToken;

    /// <summary>The folder inside the work directory where objects are built (the kernel's own name for it).</summary>
    private protected string WorkArea => WorkDirectory! + Separator + "work";

    /// <summary>The number of objects staged and neither published nor discarded.</summary>
    public int StagedCount
    {
        get
        {
            lock (_stagedGate)
            {
                return _staged.Count;
            }
        }
    }

    /// <inheritdoc />
    public string StageFile(Stream? content, LayerMetadata metadata) =>
        Stage(HostEntryKind.File, metadata, host =>
        {
            using (var stream = CreateNew(host))
            {
                if (content is not null)
                {
                    CopyData(content, stream);
                }

                stream.Flush();
                SyncFile(stream);
            }

            SetModeOfNewFile(host, metadata.Mode);
        });

    /// <inheritdoc />
    public string StageDirectory(LayerMetadata metadata, bool opaque) =>
        Stage(HostEntryKind.Directory, metadata, host =>
        {
            FileSystem.Directory.CreateDirectory(host);
            if (opaque)
            {
                SetOpaqueMark(host, opaque: true, keepTimes: false);
            }

            SetMode(host, metadata.Mode);
        });

    /// <inheritdoc />
    public string StageSymbolicLink(string target, LayerMetadata metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        return Stage(HostEntryKind.SymbolicLink, metadata, host => CreateLink(host, target));
    }

    /// <inheritdoc />
    public string StageWhiteout() => Stage(null, null, BuildWhiteout);

    /// <summary>
    /// Builds one object in the work area and names it with a token; on failure nothing half-built
    /// stays behind, not even in the work area.
    /// </summary>
    /// <param name="kind">What it is; <see langword="null"/> for a whiteout.</param>
    /// <param name="metadata">Its times, set last (after the data, which would move them).</param>
    /// <param name="build">Makes the object at the given storage path.</param>
    private protected string Stage(HostEntryKind? kind, LayerMetadata? metadata, Action<string> build)
    {
        string token = NewToken(out string host);
        try
        {
            build(host);
            if (kind is { } k && metadata is { } m)
            {
                SetHostTimes(host, k, m.LastAccessTimeUtc, m.LastWriteTimeUtc);
            }
        }
        catch
        {
            TryDeleteTree(host);
            throw;
        }

        return Register(token, new Staged(kind, metadata));
    }

    /// <inheritdoc />
    public void Publish(string token, string path, bool keepParentTimes)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            PublishKnown(token, path, keepParentTimes);
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    private void PublishKnown(string token, string path, bool keepParentTimes)
    {
        string hostDestination = PrepareName(path);
        Staged staged;
        lock (_stagedGate)
        {
            if (!_staged.TryGetValue(token, out staged))
            {
                throw new IOException($"Nothing is staged as '{token}' in layer '{Name}'.", 2);
            }
        }

        string hostStaged = WorkArea + Separator + token;
        string hostParent = HostPath(PosixPath.ParentOf(path));
        var parentBefore = keepParentTimes ? Stat(hostParent) : HostEntry.Missing;
        string? timesIntent = keepParentTimes ? BeginParentTimesIntent(PosixPath.ParentOf(path), parentBefore) : null;
        var kept = KeepParents(path);
        if (staged.Kind is null && IsOci)
        {
            PublishWhiteout(hostStaged, path, hostDestination);
            ChangedWhiteout(path, present: true);
            Changed(path, present: false);
        }
        else
        {
            var source = Stat(hostStaged);
            PutInPlace(hostStaged, source, hostDestination);
            if (staged.Metadata is { } metadata && staged.Kind is { } kind && (!StorageIsPosix || kind == HostEntryKind.Directory))
            {
                // Moving a directory to another parent rewrites its ".." entry, and with it its mtime
                // on some file systems; some IFileSystems move an object as a new one: a copy-up
                // keeps the lower's mode and times whatever the storage does.
                if (!StorageIsPosix && kind != HostEntryKind.SymbolicLink)
                {
                    SetMode(hostDestination, metadata.Mode);
                }

                SetHostTimes(hostDestination, kind, metadata.LastAccessTimeUtc, metadata.LastWriteTimeUtc);
            }

            Created(path);
        }

        lock (_stagedGate)
        {
            _staged.Remove(token);
        }

        SyncDirectory(hostParent);
        kept.Restore();
        if (keepParentTimes && parentBefore.Exists)
        {
            // A copy-up is not a change of its parent's content in the merged view.
            SetHostTimes(hostParent, HostEntryKind.Directory, parentBefore.LastAccessTimeUtc, parentBefore.LastWriteTimeUtc);
            EndIntent(timesIntent);
        }
        else
        {
            StampChanged(PosixPath.ParentOf(path));
        }
    }

    /// <inheritdoc />
    public void Discard(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_stagedGate)
        {
            if (!_staged.Remove(token))
            {
                return;
            }
        }

        TryDeleteTree(WorkArea + Separator + token);
    }

    /// <summary>Builds a whiteout at a storage path of the work area.</summary>
    private protected virtual void BuildWhiteout(string hostPath)
    {
        CreateNew(hostPath).Dispose();
        SetModeOfNewFile(hostPath, WhiteoutFileMode);
    }

    /// <summary>Moves a staged whiteout into place, then takes away the object it replaces.</summary>
    private protected virtual void PublishWhiteout(string hostStaged, string path, string hostDestination)
    {
        // The whiteout appears first: until the object goes, the object wins (within one layer a
        // whiteout only hides what is below), so every moment shows either the old or the new state.
        string hostWhiteout = WhiteoutHostPath(path);
        var whiteout = Stat(hostStaged);
        if (Stat(hostWhiteout).Exists)
        {
            MoveReplacing(hostStaged, whiteout, hostWhiteout);
        }
        else
        {
            MoveNoReplace(hostStaged, hostWhiteout);
        }

        RemoveObject(hostDestination);
    }

    /// <summary>Moves an object of the layer into the work area, out of every view.</summary>
    /// <returns>Where it is now.</returns>
    private protected string MoveToTrash(string hostPath)
    {
        NewToken(out string trash);
        MoveNoReplace(hostPath, trash);
        return trash;
    }

    /// <summary>Deletes an object and all it holds, never following a symbolic link.</summary>
    private protected virtual void DeleteTree(string hostPath)
    {
        var found = Stat(hostPath);
        if (found.Kind == HostEntryKind.Directory)
        {
            foreach (var name in ListNames(hostPath).ToList())
            {
                DeleteTree(hostPath + Separator + name);
            }

            FileSystem.Directory.Delete(hostPath);
        }
        else if (found.Exists)
        {
            DeleteNonDirectory(hostPath);
        }
    }

    private void TryDeleteTree(string hostPath)
    {
        try
        {
            DeleteTree(hostPath);
        }
        catch (IOException)
        {
            // Left for the next open of the work directory to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Checks that the work directory is usable with this layer, creates it when missing, and
    /// empties its work area of what an interrupted overlay left, as the kernel does at mount.
    /// </summary>
    private void CheckWorkDirectoryPlacement()
    {
        string work = WorkDirectory!;
        if (Overlaps(Root, work))
        {
            throw new ArgumentException(
                $"The work directory '{work}' and the root '{Root}' of layer '{Name}' must not be inside each other: what is built in one would show in the other.",
                nameof(FileSystemLayerOptions.WorkDirectory));
        }

        string? parent = FileSystem.Path.GetDirectoryName(work);
        if (parent is not null && !FileSystem.Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"The parent of the work directory '{work}' of layer '{Name}' does not exist.");
        }

        FileSystem.Directory.CreateDirectory(work);
        OpenWorkDirectory();
        PrepareWorkArea();
    }

    /// <summary>
    /// Called once the work directory exists and before its work area is emptied: where the storage
    /// can, checks it is on the layer's file system and takes it for this layer alone.
    /// </summary>
    private protected virtual void OpenWorkDirectory()
    {
    }

    /// <summary>Empties the work area, creating it when missing.</summary>
    private void PrepareWorkArea()
    {
        RecoverIntents();
        if (Stat(WorkArea).Exists)
        {
            DeleteTree(WorkArea);
        }

        FileSystem.Directory.CreateDirectory(WorkArea);
        SetMode(WorkArea, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// Why an upper cannot be mounted over these lowers, as the kernel refuses at mount: an upper on
    /// storage needs a work directory, and shares no directory with a lower. Null when it can (any
    /// upper that is not stored in a directory of a file system).
    /// </summary>
    internal static string? WhyNotMountable(IWritableLayer upper, IReadOnlyList<ILayer> lowers)
    {
        if (upper is not FileSystemLayer stored)
        {
            return null;
        }

        if (stored.WhyNotUpper is { } reason)
        {
            return reason;
        }

        foreach (var lower in lowers.OfType<FileSystemLayer>())
        {
            if ((ReferenceEquals(lower.FileSystem, stored.FileSystem) || (lower is HostDirectoryLayer && stored is HostDirectoryLayer))
                && (Overlaps(lower.Root, stored.Root) || Overlaps(lower.Root, stored.WorkDirectory!)))
            {
                return $"The upper '{stored.Root}' (work directory '{stored.WorkDirectory}') and the lower '{lower.Root}' overlap: the upper's writes would change a lower.";
            }
        }

        return null;
    }

    /// <summary>Whether two full paths are the same directory or one is inside the other.</summary>
    internal static bool Overlaps(string first, string second) => Contains(first, second) || Contains(second, first);

    private static bool Contains(string outer, string inner) =>
        inner.Length > outer.Length
            ? inner.StartsWith(outer, StringComparison.Ordinal) && (inner[outer.Length] is '/' or '\\' || outer.Length == 1)
            : string.Equals(inner, outer, StringComparison.Ordinal);

    private string NewToken(out string hostPath)
    {
        RequireUpper();
        string token = _tokenPrefix + Interlocked.Increment(ref _nextToken).ToString("x", CultureInfo.InvariantCulture);
        hostPath = WorkArea + Separator + token;
        return token;
    }

    private string Register(string token, Staged staged)
    {
        lock (_stagedGate)
        {
            _staged.Add(token, staged);
        }

        return token;
    }

    /// <summary>What a token names: its kind (<see langword="null"/> for a whiteout) and metadata.</summary>
    private readonly record struct Staged(HostEntryKind? Kind, LayerMetadata? Metadata);
}
