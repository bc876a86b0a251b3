using Overlay.Layers.Host;
using Overlay.Paths;

namespace Overlay.Layers;

/// <content>Writing, for an upper: objects, metadata, whiteouts and opaque marks.</content>
public partial class FileSystemLayer
{
    /// <inheritdoc />
    public void CreateDirectory(string path, UnixFileMode mode)
    {
        try
        {
            string host = PrepareNewName(path);
            var kept = KeepParents(path);
            if (!CreatesInPlace(path, mode) || !TryCreateDirectoryWithMode(host, mode))
            {
                BuildInPlace(host, built =>
                {
                    FileSystem.Directory.CreateDirectory(built);
                    SetMode(built, mode);
                });
            }

            Created(path);
            kept.Restore();
            StampChanged(PosixPath.ParentOf(path));
            MadeFresh(path, HostEntryKind.Directory);
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <inheritdoc />
    public void CreateFile(string path, UnixFileMode mode)
    {
        try
        {
            string host = PrepareNewName(path);
            var kept = KeepParents(path);
            if (!CreatesInPlace(path, mode) || !TryCreateFileWithMode(host, mode))
            {
                BuildInPlace(host, built =>
                {
                    CreateNew(built).Dispose();
                    SetModeOfNewFile(built, mode);
                });
            }

            Created(path);
            MadeFile(path);
            kept.Restore();
            StampChanged(PosixPath.ParentOf(path));
            MadeFresh(path, HostEntryKind.File);
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <summary>
    /// Whether a new file or directory can be made at its name in one call: its mode has only
    /// permission bits, and either the process's umask takes none of them (the call then gives it
    /// exactly this mode) or its directory has a default ACL (the call then gives it the mode and
    /// the ACLs the kernel derives from that ACL, which is what creating it there means; built in
    /// the work area it would get neither).
    /// </summary>
    private bool CreatesInPlace(string path, UnixFileMode mode)
    {
        const UnixFileMode Permissions = (UnixFileMode)0x1FF; // 0777
        if ((mode & ~Permissions) != 0)
        {
            return false;
        }

        return (mode & ProcessUmask.Value) == 0 || HasDefaultAcl(PosixPath.ParentOf(path));
    }

    /// <summary>
    /// After a new object was put at a free name: the name holds it, and its OCI whiteout, if
    /// there was one, is removed (within one layer the object wins until then).
    /// </summary>
    private protected void Created(string path)
    {
        Changed(path, present: true);
        RemoveWhiteoutOf(path);
    }

    /// <summary>
    /// Makes a new object at a free storage path with its final mode: on the real disk built in
    /// the work area and renamed into place, so it never shows with the umask's mode; elsewhere
    /// (a storage that cannot be interrupted half-way) made in place.
    /// </summary>
    private void BuildInPlace(string host, Action<string> build)
    {
        if (!StorageIsPosix || WorkDirectory is null)
        {
            build(host);
            return;
        }

        NewToken(out string staged);
        try
        {
            build(staged);
            MoveNoReplace(staged, host);
        }
        catch
        {
            TryDeleteTree(staged);
            throw;
        }
    }

    /// <inheritdoc />
    public void CreateSymbolicLink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        try
        {
            string host = PrepareNewName(path);
            var kept = KeepParents(path);
            CreateLink(host, target);
            Created(path);
            kept.Restore();
            StampChanged(PosixPath.ParentOf(path));
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <inheritdoc />
    public Stream OpenFile(string path, FileAccess access)
    {
        CheckLayerPath(path);
        RequireUpper();
        string host = RequireFile(path);
        return StampingTruncation(OpenExisting(host, access), host);
    }

    /// <inheritdoc />
    public void Delete(string path)
    {
        CheckLayerPath(path);
        RequireUpper();
        RequireNotRoot(path, "delete");
        try
        {
            var kept = KeepParents(path);
            bool hadWhiteout = RemoveWhiteoutOf(path);
            string host = HostPath(path);

            // A name that is not a directory goes in one call (StatContained's checks first, which
            // ask the storage nothing for directories the layer knows); anything else is looked at.
            if (!IsReserved(PosixPath.NameOf(path)) && ParentsAreDirectories(path) && TryRemoveNonDirectory(host))
            {
                Changed(path, present: false);
                kept.Restore();
                StampChanged(PosixPath.ParentOf(path));
                return;
            }

            var found = StatContained(path, host);
            if (!found.Exists)
            {
                if (hadWhiteout)
                {
                    kept.Restore();
                    StampChanged(PosixPath.ParentOf(path));
                    return;
                }

                throw new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path);
            }

            Remove(host, found);
            Changed(path, present: false);
            kept.Restore();
            StampChanged(PosixPath.ParentOf(path));
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <inheritdoc />
    public void Rename(string sourcePath, string destinationPath) => RenameForgettingOnFailure(sourcePath, destinationPath, leaveWhiteout: false);

    /// <summary>
    /// Both renames: checks the source, then renames, forgetting all the layer knows of its
    /// directories when the rename fails (it may have been done in part).
    /// </summary>
    private void RenameForgettingOnFailure(string sourcePath, string destinationPath, bool leaveWhiteout)
    {
        CheckLayerPath(sourcePath);
        RequireUpper();
        RequireNotRoot(sourcePath, "rename");
        try
        {
            if (leaveWhiteout)
            {
                RenameLeavingWhiteoutKnown(sourcePath, destinationPath);
            }
            else
            {
                RenameKnown(sourcePath, destinationPath);
            }
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    private void RenameKnown(string sourcePath, string destinationPath)
    {
        string hostDestination = PrepareName(destinationPath);
        string hostSource = HostPath(sourcePath);
        if (StorageIsPosix && KnownFree(destinationPath) && !IsReserved(PosixPath.NameOf(sourcePath)) && ParentsAreDirectories(sourcePath)
            && TryMoveToFreeName(hostSource, hostDestination))
        {
            // The storage keeps modes and times itself, and the name was free: the one rename is
            // all, whatever the source is (a missing source is left to the checks below).
            Changed(sourcePath, present: false);
            Created(destinationPath);
            return;
        }

        var keptSource = KeepParents(sourcePath);
        var keptDestination = KeepParents(destinationPath);
        var source = StatContained(sourcePath, hostSource);
        if (!source.Exists)
        {
            if (IsOci && Stat(WhiteoutHostPath(sourcePath)) is { Exists: true } whiteout)
            {
                // A whiteout moves as its marker file, over whatever the destination was.
                RemoveObject(hostDestination);
                Changed(destinationPath, present: false);
                MoveReplacing(WhiteoutHostPath(sourcePath), whiteout, WhiteoutHostPath(destinationPath));
                ChangedWhiteout(sourcePath, present: false);
                ChangedWhiteout(destinationPath, present: true);
                FinishRename(keptSource, keptDestination, sourcePath, destinationPath);
                return;
            }

            throw new FileNotFoundException($"'{sourcePath}' is not in layer '{Name}'.", sourcePath);
        }

        PutInPlace(hostSource, source, hostDestination);
        Changed(sourcePath, present: false);
        Created(destinationPath);
        RestoreMoved(hostDestination, source);
        FinishRename(keptSource, keptDestination, sourcePath, destinationPath);
    }

    private void FinishRename(KeptDirectories keptSource, KeptDirectories keptDestination, string sourcePath, string destinationPath)
    {
        keptSource.Restore();
        keptDestination.Restore();
        StampChanged(PosixPath.ParentOf(sourcePath));
        StampChanged(PosixPath.ParentOf(destinationPath));
    }

    /// <inheritdoc />
    public void RenameLeavingWhiteout(string sourcePath, string destinationPath) => RenameForgettingOnFailure(sourcePath, destinationPath, leaveWhiteout: true);

    private void RenameLeavingWhiteoutKnown(string sourcePath, string destinationPath)
    {
        string hostDestination = PrepareName(destinationPath);
        string hostSource = HostPath(sourcePath);
        var source = StatContained(sourcePath, hostSource);
        var destination = Stat(hostDestination);
        // One step only where rename(2) can replace the destination: nothing there, or a
        // non-directory over a non-directory (a directory over a whiteout takes the longer way).
        bool oneStep = !destination.Exists || (destination.Kind != HostEntryKind.Directory && source.Kind != HostEntryKind.Directory);
        if (source.Exists && oneStep && TryRenameLeavingWhiteout(hostSource, hostDestination))
        {
            Changed(sourcePath, present: true);
            Changed(destinationPath, present: true);
            return;
        }

        // Two steps: should the process die between them, the next open makes the whiteout the
        // old name needs once its object has gone.
        string? intent = BeginIntent('W', sourcePath);
        try
        {
            WritableLayers.RenameThenWhiteout(this, sourcePath, destinationPath);
        }
        catch when (Stat(hostSource).Exists)
        {
            // Nothing moved: nothing to finish.
            EndIntent(intent);
            throw;
        }

        EndIntent(intent);
    }

    /// <summary>Renames over a non-directory and leaves a whiteout behind in one step, where the storage can.</summary>
    /// <returns>Whether it was done; otherwise nothing changed.</returns>
    private protected virtual bool TryRenameLeavingWhiteout(string hostSource, string hostDestination) => false;

    /// <inheritdoc />
    public void SetUnixFileMode(string path, UnixFileMode mode)
    {
        CheckLayerPath(path);
        RequireUpper();
        var (host, found) = RequireObject(path);
        if (found.Kind != HostEntryKind.SymbolicLink)
        {
            // A symbolic link has no mode of its own on Linux (always 0777).
            ChangedEntry(path);
            SetMode(host, mode);
        }
    }

    /// <inheritdoc />
    public void SetTimes(string path, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        CheckLayerPath(path);
        RequireUpper();
        string host = HostPath(path);
        var found = StatContained(path, host);
        if (!found.Exists && IsOci && Stat(WhiteoutHostPath(path)) is { Exists: true } whiteout)
        {
            // The OCI form's whiteout: its .wh. file carries the times.
            (host, found) = (WhiteoutHostPath(path), whiteout);
        }

        if (!found.Exists)
        {
            throw new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path);
        }

        SetHostTimes(host, found.Kind, lastAccessTimeUtc, lastWriteTimeUtc);
    }

    /// <inheritdoc />
    public void SetOpaque(string path, bool opaque)
    {
        CheckLayerPath(path);
        RequireUpper();
        try
        {
            string host = RequireKind(path, HostEntryKind.Directory);
            ChangedEntry(path);
            SetOpaqueMark(host, opaque, keepTimes: true);
            ChangedOpaqueMarker(path, opaque);
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <summary>Whether the storage form can hold directory redirects (only the kernel form can).</summary>
    private protected virtual bool StoresRedirects => false;

    /// <inheritdoc />
    public void SetRedirect(string path, string? redirect)
    {
        CheckLayerPath(path);
        RequireUpper();
        if (!StoresRedirects)
        {
            throw new NotSupportedException($"Layer '{Name}' cannot store directory redirects: only the kernel whiteout form has them.");
        }

        try
        {
            string host = RequireKind(path, HostEntryKind.Directory);
            ChangedEntry(path);
            WriteRedirect(host, redirect);
        }
        catch
        {
            ForgetKnown();
            throw;
        }
    }

    /// <summary>Stores or removes a storage directory's redirect, keeping its times.</summary>
    private protected virtual void WriteRedirect(string hostDirectory, string? redirect) =>
        throw new NotSupportedException($"Layer '{Name}' cannot store directory redirects.");

    /// <summary>Marks a storage directory opaque or clears the mark, keeping its times when asked.</summary>
    private protected virtual void SetOpaqueMark(string hostDirectory, bool opaque, bool keepTimes)
    {
        string marker = hostDirectory + Separator + OciWhiteout.OpaqueMarker;
        var before = keepTimes ? Stat(hostDirectory) : HostEntry.Missing;
        bool present = Stat(marker).Exists;
        if (opaque == present)
        {
            return;
        }

        if (opaque)
        {
            CreateNew(marker).Dispose();
            SetMode(marker, WhiteoutFileMode);
        }
        else
        {
            DeleteNonDirectory(marker);
        }

        if (keepTimes)
        {
            // The mark is metadata of the directory, not a change of what it lists.
            SetHostTimes(hostDirectory, HostEntryKind.Directory, before.LastAccessTimeUtc, before.LastWriteTimeUtc);
        }
    }

    /// <summary>
    /// Removes the OCI whiteout of a name, if there is one: the name is being given an object, or
    /// deleted from this layer altogether.
    /// </summary>
    /// <returns>Whether there was one.</returns>
    private protected bool RemoveWhiteoutOf(string path)
    {
        if (!IsOci)
        {
            return false;
        }

        int slash = path.LastIndexOf('/');
        if (KnownWithoutWhiteout(slash == 0 ? "/" : path.AsSpan(0, slash), path.AsSpan(slash + 1)))
        {
            return false;
        }

        string whiteout = WhiteoutHostPath(path);
        if (!Stat(whiteout).Exists)
        {
            return false;
        }

        DeleteNonDirectory(whiteout);
        ChangedWhiteout(path, present: false);
        return true;
    }

    /// <summary>Puts an object at a storage path, replacing whatever object is there.</summary>
    private protected void PutInPlace(string hostSource, in HostEntry source, string hostDestination)
    {
        var existing = Stat(hostDestination);
        if (!existing.Exists)
        {
            MoveNoReplace(hostSource, hostDestination);
        }
        else if (existing.Kind != HostEntryKind.Directory && source.Kind != HostEntryKind.Directory)
        {
            MoveReplacing(hostSource, source, hostDestination);
        }
        else
        {
            // A directory cannot be renamed over in one step unless it is empty: move it aside into
            // the work area first, then delete it there, out of every view. Between the two
            // renames the name is free: an intent record puts the old object back should the
            // process die there.
            string token = NewToken(out string trash);
            string? intent = BeginIntent('R', token, LayerPathOf(hostDestination));
            MoveNoReplace(hostDestination, trash);
            try
            {
                MoveNoReplace(hostSource, hostDestination);
            }
            catch
            {
                MoveNoReplace(trash, hostDestination);
                EndIntent(intent);
                throw;
            }

            EndIntent(intent);
            DeleteTree(trash);
        }
    }

    /// <summary>Removes whatever object is at a storage path (not its whiteout).</summary>
    private void RemoveObject(string hostPath)
    {
        var found = Stat(hostPath);
        if (found.Exists)
        {
            Remove(hostPath, found);
        }
    }

    private void Remove(string hostPath, in HostEntry found)
    {
        if (found.Kind == HostEntryKind.Directory)
        {
            // Out of view in one rename, then deleted at leisure.
            DeleteTree(MoveToTrash(hostPath));
        }
        else
        {
            DeleteNonDirectory(hostPath);
        }
    }

    private (string Host, HostEntry Found) RequireObject(string path)
    {
        string host = HostPath(path);
        var found = StatContained(path, host);
        return found.Exists ? (host, found) : throw new FileNotFoundException($"'{path}' is not in layer '{Name}'.", path);
    }

    /// <summary>Whether a name is known to be free: its directory was listed and does not hold it.</summary>
    private bool KnownFree(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash >= 0 && KnownAbsent(slash == 0 ? "/" : path.AsSpan(0, slash), path.AsSpan(slash + 1));
    }

    /// <summary>Checks a name an object is about to be created at, which must be free.</summary>
    private protected string PrepareNewName(string path)
    {
        string host = PrepareName(path);
        int slash = path.LastIndexOf('/');
        if (!KnownAbsent(slash == 0 ? "/" : path.AsSpan(0, slash), path.AsSpan(slash + 1)) && Stat(host).Exists)
        {
            throw new IOException($"'{path}' already exists in layer '{Name}'.", 17);
        }

        return host;
    }

    /// <summary>Checks a name an object is about to be put at: a storable name in an existing directory.</summary>
    private protected string PrepareName(string path)
    {
        CheckLayerPath(path);
        RequireUpper();
        RequireNotRoot(path, "replace");
        string name = PosixPath.NameOf(path);
        if (IsReserved(name))
        {
            throw new IOException(
                $"The name '{name}' of '{path}' cannot be stored in layer '{Name}': its whiteout form ({WhiteoutForm}) reserves names starting with '{OciWhiteout.Prefix}'.",
                22);
        }

        if (!ParentsAreDirectories(path))
        {
            throw new DirectoryNotFoundException($"The parent of '{path}' is not a directory of layer '{Name}'.");
        }

        return HostPath(path);
    }

    private void RequireNotRoot(string path, string what)
    {
        if (path == "/")
        {
            throw new IOException($"Cannot {what} the root of layer '{Name}'.", 16);
        }
    }

    private void RequireUpper()
    {
        if (WhyNotUpper is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
    }
}
