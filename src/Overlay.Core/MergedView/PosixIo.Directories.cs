using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using Overlay.Layers;
using Overlay.Union;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <content>Directories: mkdir with its parents, rmdir (recursive or not), and the directory move.</content>
internal sealed partial class PosixIo
{
    // ---- Directories

    /// <summary>
    /// Directory.CreateDirectory: mkdir(2) with <paramref name="mode"/> (0777 when omitted; less the
    /// umask), its missing parents first with 0777; an existing directory is fine.
    /// </summary>
    public void CreateDirectory(string fullPath, UnixFileMode mode = DirectoryCreateMode)
    {
        if (fullPath.Length == 1)
        {
            return;
        }

        var error = _engine.CreateDirectory(fullPath, mode);
        if (error == Errno.None || (error == Errno.EEXIST && DirectoryExists(fullPath)))
        {
            return;
        }

        if (error != Errno.ENOENT)
        {
            throw IoErrors.For(error, fullPath, isDirectory: true);
        }

        // Create the missing parents top-down, then the directory itself.
        string trimmed = PosixPath.TrimEndingSeparators(fullPath);
        var missing = new Stack<string>();
        missing.Push(trimmed);
        for (string parent = PosixPath.DirectoryOf(trimmed); parent.Length > 1; parent = PosixPath.DirectoryOf(parent))
        {
            var parentError = _engine.CreateDirectory(parent, DirectoryCreateMode);
            if (parentError == Errno.None || parentError == Errno.EEXIST)
            {
                break;
            }

            if (parentError != Errno.ENOENT)
            {
                throw IoErrors.For(parentError, parent, isDirectory: true);
            }

            missing.Push(parent);
        }

        while (missing.TryPop(out var path))
        {
            var created = _engine.CreateDirectory(path, missing.Count == 0 ? mode : DirectoryCreateMode);
            if (created == Errno.EEXIST && (missing.Count > 0 || DirectoryExists(path)))
            {
                continue;
            }

            if (created != Errno.None)
            {
                throw IoErrors.For(created, path, isDirectory: true);
            }
        }
    }

    /// <summary>
    /// Directory.Delete: rmdir(2) first; a non-empty directory is emptied first when recursive
    /// (links are unlinked, never followed); a link to a directory named without a trailing
    /// separator is unlinked.
    /// </summary>
    public void RemoveDirectory(string fullPath, bool recursive)
    {
        if (!RemoveEmptyDirectory(fullPath, topLevel: true, throwWhenNotEmpty: !recursive))
        {
            RemoveDirectoryRecursive(PosixPath.TrimEndingSeparators(fullPath));
        }
    }

    private bool RemoveEmptyDirectory(string fullPath, bool topLevel, bool throwWhenNotEmpty)
    {
        var error = _engine.DeleteDirectory(fullPath);
        switch (error)
        {
            case Errno.None:
                return true;
            case Errno.ENOTEMPTY when !throwWhenNotEmpty:
                return false;
            case Errno.ENOENT when !topLevel:
                return true;
            case Errno.ENOTDIR when topLevel && fullPath[^1] != '/':
                var status = Status(fullPath);
                if (status is { Exists: true, IsDirectory: true } && status.Node.IsSymbolicLink)
                {
                    DeleteFile(fullPath);
                    return true;
                }

                break;
        }

        if (DirectoryExists(fullPath))
        {
            throw error is Errno.EACCES or Errno.EPERM or Errno.EROFS
                ? IoErrors.Plain($"Access to the path '{fullPath}' is denied: {IoErrors.Describe(error)}.")
                : IoErrors.For(error, fullPath, isDirectory: true);
        }

        throw IoErrors.For(error, fullPath, isDirectory: true);
    }

    private void RemoveDirectoryRecursive(string fullPath)
    {
        Exception? first = null;
        IoErrors.Check(_engine.ReadDirectory(fullPath, out var entries), fullPath, isDirectory: true);
        foreach (var entry in entries)
        {
            string child = entry.Path;
            try
            {
                if (entry.IsDirectory)
                {
                    if (!RemoveEmptyDirectory(child, topLevel: false, throwWhenNotEmpty: false))
                    {
                        RemoveDirectoryRecursive(child);
                    }
                }
                else
                {
                    DeleteFile(child);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            throw first;
        }

        RemoveEmptyDirectory(fullPath, topLevel: false, throwWhenNotEmpty: true);
    }

    /// <summary>
    /// Directory.Move: System.IO's checks (same path; an existing destination, found by lstat(2)
    /// without its trailing separator, is refused after checking that the source exists and is not
    /// a file named with a trailing separator), then rename(2) to the destination without its
    /// trailing separator, whose errors come first otherwise.
    /// </summary>
    public void MoveDirectory(string sourceFullPath, string destinationFullPath)
    {
        string source = PosixPath.TrimEndingSeparators(sourceFullPath);
        string destination = PosixPath.TrimEndingSeparators(destinationFullPath);
        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            throw IoErrors.Plain($"Source and destination path must be different: '{sourceFullPath}'.");
        }

        if (_engine.Stat(destination, followLinks: false, out var destinationNode) == Errno.None)
        {
            if (_engine.Stat(source, followLinks: false, out var sourceNode) != Errno.None)
            {
                throw IoErrors.For(Errno.ENOENT, sourceFullPath, isDirectory: true);
            }

            if (sourceNode.Path == destinationNode.Path)
            {
                throw IoErrors.Plain($"Source and destination path must be different: '{sourceFullPath}'.");
            }

            if (!sourceNode.IsDirectory && sourceFullPath.Length > source.Length)
            {
                throw IoErrors.Plain($"Could not find a part of the path '{sourceFullPath}'.");
            }

            throw IoErrors.Plain($"Cannot create '{destinationFullPath}' because a file or directory with the same name already exists.");
        }

        var error = _engine.Rename(sourceFullPath, destination, noReplace: false);
        switch (error)
        {
            case Errno.None:
                return;
            case Errno.EACCES:
                throw new IOException($"Access to the path '{sourceFullPath}' is denied.", (int)error);
            case Errno.ENOENT:
                throw IoErrors.For(error, sourceFullPath, isDirectory: true);
            case Errno.ENOTDIR:
                // The source exists and is not a directory.
                throw IoErrors.Plain($"Could not find a part of the path '{sourceFullPath}'.");
            default:
                throw IoErrors.For(error, $"{sourceFullPath}' -> '{destinationFullPath}", isDirectory: true);
        }
    }

    /// <summary>The names in a directory, for the recursive delete.</summary>
    private List<string> ListNames(string fullPath)
    {
        IoErrors.Check(_engine.ReadDirectory(fullPath, out var entries), fullPath, isDirectory: true);
        return entries.ConvertAll(e => e.Entry.Name);
    }
}
