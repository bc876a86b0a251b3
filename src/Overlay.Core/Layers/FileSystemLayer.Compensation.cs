using Overlay.Layers.Host;
using Overlay.Paths;

namespace Overlay.Layers;

/// <content>
/// What a POSIX file system does by itself and some <see cref="System.IO.Abstractions.IFileSystem"/>
/// implementations do not (an in-memory test double, typically): a directory's mtime moves when its
/// content changes, creating a directory leaves its parents' modes and times alone, a rename keeps
/// the object's mode, truncating a file stamps its mtime. A layer over such a storage keeps these
/// rules itself, so the merged view is the same on every storage.
/// </content>
public partial class FileSystemLayer
{
    /// <summary>
    /// Whether the storage keeps the POSIX rules above by itself (the real disk through native
    /// calls does); when it does, the layer does not repeat the work.
    /// </summary>
    private protected virtual bool StorageIsPosix => false;

    /// <summary>Records the mode and times of every directory from the layer's root down to a path's parent.</summary>
    private protected KeptDirectories KeepParents(string path)
    {
        if (StorageIsPosix)
        {
            return default;
        }

        var kept = new List<(string Host, HostEntry Entry)>();
        string directory = PosixPath.ParentOf(path);
        while (true)
        {
            string host = HostPath(directory);
            var entry = Stat(host);
            if (entry.Kind == HostEntryKind.Directory)
            {
                kept.Add((host, entry));
            }

            if (directory == "/")
            {
                break;
            }

            directory = PosixPath.ParentOf(directory);
        }

        return new KeptDirectories(this, kept);
    }

    /// <summary>Stamps a directory's mtime with the time now: its content changed.</summary>
    private protected void StampChanged(string directory)
    {
        if (StorageIsPosix)
        {
            return;
        }

        string host = HostPath(directory);
        if (Stat(host).Kind == HostEntryKind.Directory)
        {
            SetHostTimes(host, HostEntryKind.Directory, null, DateTime.UtcNow);
        }
    }

    /// <summary>Gives a moved object back the mode and times it had before the move.</summary>
    private protected void RestoreMoved(string hostPath, in HostEntry before)
    {
        if (StorageIsPosix || !before.Exists)
        {
            return;
        }

        if (before.Kind != HostEntryKind.SymbolicLink)
        {
            SetMode(hostPath, before.Mode);
        }

        SetHostTimes(hostPath, before.Kind, before.LastAccessTimeUtc, before.LastWriteTimeUtc);
    }

    /// <summary>Wraps a writable stream of the storage so that a truncation stamps the file's mtime.</summary>
    private protected Stream StampingTruncation(Stream stream, string hostPath) =>
        StorageIsPosix || !stream.CanWrite ? stream : new TruncationStampingStream(stream, () => SetHostTimes(hostPath, HostEntryKind.File, null, DateTime.UtcNow));

    /// <summary>Directories whose mode and times are put back after a change that should not touch them.</summary>
    private protected readonly struct KeptDirectories(FileSystemLayer layer, List<(string Host, HostEntry Entry)>? kept)
    {
        /// <summary>Puts back every recorded mode and time that changed.</summary>
        public void Restore()
        {
            if (kept is null)
            {
                return;
            }

            foreach (var (host, before) in kept)
            {
                var now = layer.Stat(host);
                if (now.Kind != HostEntryKind.Directory)
                {
                    continue;
                }

                if (now.Mode != before.Mode)
                {
                    layer.SetMode(host, before.Mode);
                }

                if (now.LastWriteTimeUtc != before.LastWriteTimeUtc || now.LastAccessTimeUtc != before.LastAccessTimeUtc)
                {
                    layer.SetHostTimes(host, HostEntryKind.Directory, before.LastAccessTimeUtc, before.LastWriteTimeUtc);
                }
            }
        }
    }
}
