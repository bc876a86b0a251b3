using System.Text;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Union;

/// <content>
/// Reading a whole file in one call (File.ReadAllBytes): the open of a read-only open(2), then the
/// data straight from the layer that holds the file, with no stream between.
/// </content>
internal sealed partial class UnionEngine
{
    /// <summary>
    /// open(2) read-only with the FileShare lock <paramref name="share"/>, read to the end, close.
    /// The file is found and opened under the shared lock (from the lookup cache when it can be);
    /// a host file's data is then read outside the lock, as a stream's reads are.
    /// </summary>
    /// <param name="path">The path to read.</param>
    /// <param name="share">The lock the open holds while it reads.</param>
    /// <param name="data">The file's bytes.</param>
    /// <returns>The errno of the open: ENOENT, EISDIR, ELOOP, ENOTDIR, EWOULDBLOCK, ….</returns>
    /// <exception cref="IOException">The file is 2 GiB or longer (as System.IO), or the layer failed.</exception>
    public Errno ReadAll(UnionPath path, ShareLock share, out byte[]? data)
    {
        if (TryReadUpperFile(path, share, out data))
        {
            return Errno.None;
        }

        ShareLease? lease = null;
        SafeFileHandle? handle = null;
        Stream? stream = null;
        long length = -1;
        try
        {
            using (Read())
            {
                var error = FindForReading(path, share, out var node, out lease);
                if (error != Errno.None)
                {
                    return error;
                }

                string pathInLayer = node.InUpper ? node.Path : node.PathInLower;
                if (CapabilitiesOf(node).WholeFiles is { } wholeFiles)
                {
                    // Opened under the lock (the file the lookup found); read after it is released.
                    var opened = wholeFiles.OpenWholeFile(pathInLayer, asLower: !node.InUpper);
                    if (opened.Data is { } bytes)
                    {
                        data = bytes;
                        return Errno.None;
                    }

                    (handle, length, stream) = (opened.Handle, opened.Length, opened.Stream);
                }
                else
                {
                    stream = node.InUpper ? _upper!.OpenFile(pathInLayer, FileAccess.Read) : _lowers[node.Layer].OpenRead(pathInLayer);
                }
            }

            data = handle is not null ? ReadToEnd(handle, length, path) : ReadToEnd(stream!, path);
            return Errno.None;
        }
        finally
        {
            handle?.Dispose();
            stream?.Dispose();
            lease?.Release();
        }
    }

    /// <summary>
    /// The short way for a file of an in-memory upper (<see cref="IDirectFileReads"/>): when every
    /// component of the path is a plain directory of the upper and the last a regular file there,
    /// the merged view's walk would meet only upper objects (an upper directory's children are the
    /// upper's first, whatever the lowers, redirects or opaque marks say), follow no link and hide
    /// nothing, so the upper's own walk is the lookup. The data is copied under the shared lock, so
    /// the FileShare lock ReadAllBytes would hold for that moment is checked around the copy
    /// instead of taken (<see cref="ShareTable.TryBeginUnlockedRead"/>). Anything else (a lower's
    /// file, a link, a whiteout, a name too long, a traced lookup, an exclusive lock held) is left
    /// to the general way, which gives its errno.
    /// </summary>
    private bool TryReadUpperFile(string path, ShareLock share, out byte[]? data)
    {
        data = null;
        if (_upperCapabilities?.DirectReads is not { } direct || LookupsTraced || path[^1] == '/' || !WithinNameLimits(path))
        {
            return false;
        }

        using (Read())
        {
            if (!_shares.TryBeginUnlockedRead(share, out long stamp) || !direct.TryReadFile(path, out var bytes))
            {
                return false;
            }

            if (!_shares.ConfirmUnlockedRead(stamp))
            {
                return false;
            }

            data = bytes;
            return true;
        }
    }

    /// <summary>Whether no component of a path is longer than NAME_MAX bytes and the path shorter than PATH_MAX (Resolve's first checks).</summary>
    private static bool WithinNameLimits(string path)
    {
        if (path.Length <= MaxNameBytes / 3)
        {
            return true;
        }

        if (path.Length >= MaxNameBytes && Encoding.UTF8.GetByteCount(path) >= MaxPathBytes)
        {
            return false;
        }

        foreach (var range in path.AsSpan().Split('/'))
        {
            var part = path.AsSpan(range);
            if (part.Length > MaxNameBytes / 3 && Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The checks of a read-only open(2), under the shared lock: the file found (links followed,
    /// from the lookup cache when it can be), not a directory, and its FileShare lock taken.
    /// </summary>
    private Errno FindForReading(string path, ShareLock share, out MergedNode node, out ShareLease? lease)
    {
        lease = null;
        var error = LookupShared(path, followLinks: true, out node);
        if (error != Errno.None)
        {
            return error;
        }

        if (node.IsDirectory)
        {
            return Errno.EISDIR;
        }

        return _shares.TryAcquire(node.Path, share, out lease) ? Errno.None : Errno.EWOULDBLOCK;
    }

    /// <summary>The data of an open host file, from its start: the length it had when opened, or all there is when it said 0 (as System.IO reads /proc files).</summary>
    private static byte[] ReadToEnd(SafeFileHandle handle, long length, string path)
    {
        if (length == 0)
        {
            using var unknown = new FileStream(handle, FileAccess.Read, 1);
            return ReadToEnd(unknown, path);
        }

        // Every byte is read over before anyone sees the array (a short read hands out only what was read), so it is not zeroed first.
        var bytes = GC.AllocateUninitializedArray<byte>(CheckLength(length, path));
        int total = 0;
        while (total < bytes.Length)
        {
            int read = RandomAccess.Read(handle, bytes.AsSpan(total), total);
            if (read == 0)
            {
                // The file shrank since it was opened: what is there.
                return bytes[..total];
            }

            total += read;
        }

        return bytes;
    }

    /// <summary>The data of a stream from its position to its end.</summary>
    private static byte[] ReadToEnd(Stream stream, string path)
    {
        if (stream.CanSeek)
        {
            var bytes = GC.AllocateUninitializedArray<byte>(CheckLength(stream.Length - stream.Position, path));
            int total = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (total < bytes.Length)
            {
                return bytes[..total];
            }

            int next = stream.ReadByte();
            if (next < 0)
            {
                return bytes;
            }

            // It grew while being read: the rest after what was read.
            using var grown = new MemoryStream();
            grown.Write(bytes);
            grown.WriteByte((byte)next);
            stream.CopyTo(grown);
            return grown.ToArray();
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static int CheckLength(long length, string path) => length <= Array.MaxLength
        ? (int)length
        : throw new IOException($"The file '{path}' is too long ({length} bytes). This operation is currently limited to supporting files less than 2 gigabytes in size.");
}
