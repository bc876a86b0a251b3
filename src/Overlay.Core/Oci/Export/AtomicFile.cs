namespace Overlay.Oci.Export;

/// <summary>
/// Writes a file under a temporary name beside its destination and renames it into place only when
/// the writing succeeded: a cancelled or failed export leaves no partial file behind.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a fresh temporary file, then renames it to <paramref name="path"/>.</summary>
    public static T Write<T>(string path, Func<FileStream, T> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"'{path}' has no parent directory.", nameof(path));
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Could not find a part of the path '{full}'.");
        }

        var temp = TempName(full);
        try
        {
            T result;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                result = write(stream);
                stream.Flush(flushToDisk: false);
            }

            File.Move(temp, full, overwrite: true);
            return result;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A temporary name in the destination's directory, hidden, unique, recognisable.</summary>
    public static string TempName(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, "." + Path.GetFileName(fullPath) + ".partial-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Deletes a file or directory tree left by a failed write, ignoring what cannot be deleted.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
