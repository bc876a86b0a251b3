using System.IO.Enumeration;
using Overlay.Layers;
using Overlay.Union;

namespace Overlay.FileSystem;

/// <summary>
/// What .NET's System.IO does on Linux, expressed over the union engine instead of syscalls: the
/// same checks in the same order, and the same errno-to-exception rules. Every facade member goes
/// through here, so the overlay fails exactly where and how a kernel mount would.
/// </summary>
internal sealed class PosixIo
{
    private const UnixFileMode DefaultCreateMode = (UnixFileMode)0b110_110_110; // 0666, before the umask
    private const UnixFileMode DirectoryCreateMode = (UnixFileMode)0b111_111_111; // 0777, before the umask

    private readonly UnionEngine _engine;

    public PosixIo(UnionEngine engine)
    {
        _engine = engine;
    }

    public UnionEngine Engine => _engine;

    // ---- Status

    /// <summary>lstat(2), then stat(2) when the object is a link: what FileSystemInfo caches.</summary>
    public FileStatus Status(string fullPath)
    {
        string trimmed = TrimEndingSeparator(fullPath);
        if (_engine.Stat(trimmed, followLinks: false, out var node) != Errno.None)
        {
            return default;
        }

        bool isDirectory = node.IsDirectory;
        if (node.IsSymbolicLink && _engine.Stat(trimmed, followLinks: true, out var target) == Errno.None)
        {
            isDirectory = target.IsDirectory;
        }

        return new FileStatus(true, isDirectory, node);
    }

    /// <summary>System.IO's internal FileExists: a trailing separator is trimmed; a dangling link counts as a file.</summary>
    public bool FileExists(string fullPath)
    {
        var status = Status(fullPath);
        return status.Exists && !status.IsDirectory;
    }

    /// <summary>System.IO's internal DirectoryExists: links are followed.</summary>
    public bool DirectoryExists(string fullPath)
    {
        var status = Status(fullPath);
        return status.Exists && status.IsDirectory;
    }

    public void ThrowNotFound(string fullPath)
    {
        bool isDirectory = !DirectoryExists(GetDirectoryName(fullPath));
        throw IoErrors.For(Errno.ENOENT, fullPath, isDirectory);
    }

    // ---- Files

    /// <summary>FileStream's open: argument checks, open(2) flags, errno mapping, and the check that a directory was not opened.</summary>
    public Stream Open(string fullPath, FileMode mode, FileAccess access, FileShare share, FileOptions options, UnixFileMode? createMode)
    {
        ValidateOpen(mode, access, share, options, createMode);
        var flags = access switch
        {
            FileAccess.Read => OpenFlags.Read,
            FileAccess.Write => OpenFlags.Write,
            _ => OpenFlags.ReadWrite,
        };
        flags |= mode switch
        {
            FileMode.CreateNew => OpenFlags.Create | OpenFlags.Exclusive,
            FileMode.Create => OpenFlags.Create | OpenFlags.Truncate,
            FileMode.OpenOrCreate or FileMode.Append => OpenFlags.Create,
            FileMode.Truncate => OpenFlags.Truncate,
            _ => OpenFlags.None,
        };

        var error = _engine.Open(fullPath, flags, createMode ?? DefaultCreateMode, out var stream);
        if (error != Errno.None)
        {
            // A missing name is blamed on its directory when creating, or when the directory is missing too.
            bool isDirectory = error == Errno.ENOENT &&
                ((flags & OpenFlags.Create) != 0 || !DirectoryExists(GetDirectoryName(TrimEndingSeparator(fullPath))));
            throw IoErrors.For(error == Errno.EISDIR ? Errno.EACCES : error, fullPath, isDirectory);
        }

        if (mode == FileMode.Append)
        {
            stream!.Seek(0, SeekOrigin.End);
        }

        return stream!;
    }

    private static void ValidateOpen(FileMode mode, FileAccess access, FileShare share, FileOptions options, UnixFileMode? createMode)
    {
        if (mode is < FileMode.CreateNew or > FileMode.Append)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), "Enum value was out of legal range.");
        }

        if (access is < FileAccess.Read or > FileAccess.ReadWrite)
        {
            throw new ArgumentOutOfRangeException(nameof(access), "Enum value was out of legal range.");
        }

        if ((share & ~(FileShare.ReadWrite | FileShare.Delete | FileShare.Inheritable)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(share), "Enum value was out of legal range.");
        }

        if ((access & FileAccess.Write) == 0 && mode is FileMode.Truncate or FileMode.CreateNew or FileMode.Create or FileMode.Append)
        {
            throw new ArgumentException($"Combining FileMode: {mode} with FileAccess: {access} is invalid.", nameof(access));
        }

        if (mode == FileMode.Append && (access & FileAccess.Read) != 0)
        {
            throw new ArgumentException("Append access can be requested only in write-only mode.", nameof(access));
        }

        if (createMode is not null && mode is FileMode.Open or FileMode.Truncate)
        {
            throw new ArgumentException("UnixCreateMode can only be used with file modes that can create a new file.", nameof(createMode));
        }

        _ = options;
    }

    /// <summary>File.Delete: unlink(2); a missing file is fine when its directory exists.</summary>
    public void DeleteFile(string fullPath)
    {
        var error = _engine.DeleteFile(fullPath);
        switch (error)
        {
            case Errno.None:
                return;
            case Errno.ENOENT:
                string directory = GetDirectoryName(fullPath);
                if (directory.Length > 0 && !DirectoryExists(directory))
                {
                    throw IoErrors.For(error, fullPath, isDirectory: true);
                }

                return;
            case Errno.EROFS:
                if (!FileExists(fullPath) && Status(fullPath) is { Exists: false })
                {
                    return;
                }

                throw IoErrors.For(error, fullPath);
            case Errno.EISDIR:
                throw IoErrors.For(Errno.EACCES, fullPath);
            default:
                throw IoErrors.For(error, fullPath);
        }
    }

    /// <summary>File.Copy: the source opened read-only, the destination created with the source's mode.</summary>
    public void CopyFile(string sourceFullPath, string destinationFullPath, bool overwrite)
    {
        using var source = Open(sourceFullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.None, null);
        _engine.Stat(TrimEndingSeparator(sourceFullPath), followLinks: true, out var sourceNode);
        Stream destination;
        try
        {
            destination = Open(destinationFullPath, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, sourceNode.Entry.Mode);
        }
        catch (IOException e) when (e.HResult == (int)Errno.EEXIST && DirectoryExists(destinationFullPath))
        {
            throw IoErrors.Plain($"The target file '{destinationFullPath}' is a directory, not a file.");
        }

        using (destination)
        {
            source.CopyTo(destination);
        }
    }

    /// <summary>File.Move: rename(2) when overwriting; otherwise a move that never replaces the destination.</summary>
    public void MoveFile(string sourceFullPath, string destinationFullPath, bool overwrite)
    {
        if (!FileExists(sourceFullPath))
        {
            throw new FileNotFoundException($"Could not find file '{sourceFullPath}'.", sourceFullPath);
        }

        var error = _engine.Rename(sourceFullPath, destinationFullPath, noReplace: !overwrite);
        if (error == Errno.None)
        {
            return;
        }

        if (!overwrite && error == Errno.EEXIST)
        {
            throw IoErrors.For(error, destinationFullPath);
        }

        bool isDirectory = error == Errno.ENOENT && !DirectoryExists(GetDirectoryName(destinationFullPath));
        throw IoErrors.For(error, overwrite || isDirectory ? destinationFullPath : sourceFullPath, isDirectory);
    }

    /// <summary>File.Replace: the checks Windows makes, then one rename(2).</summary>
    public void ReplaceFile(string sourceFullPath, string destinationFullPath, string? backupFullPath)
    {
        if (_engine.Stat(sourceFullPath, followLinks: false, out var source) is var error && error != Errno.None)
        {
            throw IoErrors.For(error, sourceFullPath);
        }

        if (source.IsDirectory)
        {
            throw new UnauthorizedAccessException($"Access to the path '{sourceFullPath}' is denied: it is a directory, not a file.");
        }

        if (_engine.Stat(destinationFullPath, followLinks: false, out var destination) == Errno.None)
        {
            if (destination.IsDirectory)
            {
                throw new UnauthorizedAccessException($"Access to the path '{destinationFullPath}' is denied: it is a directory, not a file.");
            }

            if (destination.Path == source.Path)
            {
                throw IoErrors.Plain($"The source '{sourceFullPath}' and destination '{destinationFullPath}' are the same file.");
            }
        }

        if (backupFullPath is not null)
        {
            var unlink = _engine.DeleteFile(backupFullPath);
            if (unlink is not Errno.None and not Errno.ENOENT)
            {
                throw IoErrors.For(unlink, backupFullPath);
            }

            CopyFile(destinationFullPath, backupFullPath, overwrite: false);
        }
        else if (_engine.Stat(destinationFullPath, followLinks: true, out _) == Errno.ENOENT)
        {
            throw IoErrors.For(Errno.ENOENT, destinationFullPath);
        }

        IoErrors.Check(_engine.Rename(sourceFullPath, destinationFullPath, noReplace: false), sourceFullPath);
    }

    // ---- Metadata

    public void SetUnixFileMode(string fullPath, UnixFileMode mode)
    {
        if (((int)mode & ~0xFFF) != 0)
        {
            throw new ArgumentException("Invalid UnixFileMode value.", nameof(mode));
        }

        // chmod(2) follows links: Linux has no link permissions.
        IoErrors.Check(_engine.SetUnixFileMode(fullPath, mode), fullPath);
    }

    public UnixFileMode GetUnixFileMode(string fullPath)
    {
        var status = Status(fullPath);
        if (!status.Exists)
        {
            ThrowNotFound(fullPath);
        }

        return status.Node.Entry.Mode;
    }

    /// <summary>utimensat(2) after System.IO's existence check; a <see langword="null"/> time keeps its value.</summary>
    public void SetTimes(string fullPath, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        if (!Status(fullPath).Exists)
        {
            ThrowNotFound(fullPath);
        }

        IoErrors.Check(_engine.SetTimes(fullPath, lastAccessTimeUtc, lastWriteTimeUtc), fullPath);
    }

    // ---- Directories

    /// <summary>Directory.CreateDirectory: mkdir(2) with 0777 (less the umask), parents first; an existing directory is fine.</summary>
    public void CreateDirectory(string fullPath)
    {
        if (fullPath.Length == 1)
        {
            return;
        }

        var error = _engine.CreateDirectory(fullPath, DirectoryCreateMode);
        if (error == Errno.None || (error == Errno.EEXIST && DirectoryExists(fullPath)))
        {
            return;
        }

        if (error != Errno.ENOENT)
        {
            throw IoErrors.For(error, fullPath, isDirectory: true);
        }

        // Create the missing parents top-down, then the directory itself.
        string trimmed = TrimEndingSeparator(fullPath);
        var missing = new Stack<string>();
        missing.Push(trimmed);
        for (string parent = GetDirectoryName(trimmed); parent.Length > 1; parent = GetDirectoryName(parent))
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
            var created = _engine.CreateDirectory(path, DirectoryCreateMode);
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

    /// <summary>Directory.Delete: rmdir(2), after deleting the content when recursive; a link to a directory is unlinked, not followed.</summary>
    public void RemoveDirectory(string fullPath, bool recursive)
    {
        if (!DirectoryExists(fullPath))
        {
            throw IoErrors.For(Errno.ENOENT, fullPath, isDirectory: true);
        }

        RemoveDirectory(fullPath, recursive, topLevel: true);
    }

    private void RemoveDirectory(string fullPath, bool recursive, bool topLevel)
    {
        if (Status(fullPath).Node.IsSymbolicLink)
        {
            DeleteFile(fullPath);
            return;
        }

        if (recursive)
        {
            // System.IO goes on past a child it cannot delete; the rmdir below then reports the directory.
            try
            {
                foreach (var child in ListNames(fullPath))
                {
                    string childPath = System.IO.Path.Join(fullPath, child);
                    try
                    {
                        if (DirectoryExists(childPath))
                        {
                            RemoveDirectory(childPath, recursive, topLevel: false);
                        }
                        else
                        {
                            DeleteFile(childPath);
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
            catch (IOException)
            {
            }
        }

        var error = _engine.DeleteDirectory(fullPath);
        switch (error)
        {
            case Errno.None:
                return;
            case Errno.EACCES or Errno.EPERM or Errno.EROFS or Errno.EISDIR:
                throw IoErrors.Plain($"Access to the path '{fullPath}' is denied: {IoErrors.Describe(error)}.");
            case Errno.ENOENT when !topLevel:
                return;
            default:
                throw IoErrors.For(error, fullPath, isDirectory: true);
        }
    }

    /// <summary>Directory.Move: System.IO's checks, then rename(2) of the paths as given.</summary>
    public void MoveDirectory(string sourceFullPath, string destinationFullPath)
    {
        string source = TrimEndingSeparator(sourceFullPath);
        string destination = TrimEndingSeparator(destinationFullPath);
        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            throw IoErrors.Plain($"Source and destination path must be different: '{sourceFullPath}'.");
        }

        var error = _engine.Stat(source, followLinks: false, out var sourceNode);
        if (error != Errno.None)
        {
            throw IoErrors.For(error, sourceFullPath, isDirectory: true);
        }

        if (!sourceNode.IsDirectory && sourceFullPath.Length > source.Length)
        {
            throw IoErrors.Plain($"Could not find a part of the path '{sourceFullPath}'.");
        }

        if (_engine.Stat(destination, followLinks: false, out _) == Errno.None)
        {
            throw IoErrors.Plain($"Cannot create '{destinationFullPath}' because a file or directory with the same name already exists.");
        }

        error = _engine.Rename(sourceFullPath, destinationFullPath, noReplace: false);
        switch (error)
        {
            case Errno.None:
                return;
            case Errno.EACCES:
                throw new IOException($"Access to the path '{sourceFullPath}' is denied.", (int)error);
            default:
                throw IoErrors.For(error, error is Errno.ENOENT or Errno.ENOTDIR ? sourceFullPath : $"{sourceFullPath}' -> '{destinationFullPath}", isDirectory: true);
        }
    }

    /// <summary>The names in a directory, for the recursive delete.</summary>
    private List<string> ListNames(string fullPath)
    {
        IoErrors.Check(_engine.ReadDirectory(fullPath, out var entries), fullPath, isDirectory: true);
        return entries.ConvertAll(e => e.Entry.Name);
    }

    // ---- Enumeration

    /// <summary>
    /// Directory.Enumerate*: the merged entries below a directory, filtered as System.IO filters them
    /// (names matched by the pattern, hidden entries skipped unless the options keep them, links to
    /// directories listed as directories but never recursed into).
    /// </summary>
    public IEnumerable<string> Enumerate(string fullPath, string userPath, string searchPattern, EnumerationOptions options, bool files, bool directories)
    {
        ArgumentNullException.ThrowIfNull(searchPattern);
        IoErrors.Check(_engine.ReadDirectory(fullPath, out var top), fullPath, isDirectory: true);
        return Walk(userPath, fullPath, string.Empty, top, NormalizePattern(searchPattern, options), options, files, directories, 0);
    }

    private IEnumerable<string> Walk(string userPath, string fullPath, string relative, List<MergedNode> entries, string pattern, EnumerationOptions options, bool files, bool directories, int depth)
    {
        foreach (var entry in entries)
        {
            string name = entry.Entry.Name;
            bool isDirectory = entry.IsDirectory;
            if (entry.IsSymbolicLink && _engine.Stat(entry.Path, followLinks: true, out var target) == Errno.None)
            {
                isDirectory = target.IsDirectory;
            }

            var attributes = FileStatus.AttributesOf(name, entry.Entry, isDirectory);
            if ((attributes & options.AttributesToSkip) != 0)
            {
                continue;
            }

            string relativeName = relative.Length == 0 ? name : relative + "/" + name;
            bool matches = options.MatchType == MatchType.Win32
                ? FileSystemName.MatchesWin32Expression(pattern, name, IgnoreCase(options))
                : FileSystemName.MatchesSimpleExpression(pattern, name, IgnoreCase(options));
            if (matches && (isDirectory ? directories : files))
            {
                yield return System.IO.Path.Join(userPath, relativeName);
            }

            if (options.RecurseSubdirectories && entry.IsDirectory && (options.MaxRecursionDepth > depth))
            {
                string childFull = System.IO.Path.Join(fullPath, name);
                var error = _engine.ReadDirectory(childFull, out var children);
                if (error != Errno.None)
                {
                    if (options.IgnoreInaccessible)
                    {
                        continue;
                    }

                    throw IoErrors.For(error, childFull, isDirectory: true);
                }

                foreach (var item in Walk(userPath, childFull, relativeName, children, pattern, options, files, directories, depth + 1))
                {
                    yield return item;
                }
            }
        }
    }

    private static bool IgnoreCase(EnumerationOptions options) => options.MatchCasing == MatchCasing.CaseInsensitive;

    private static string NormalizePattern(string pattern, EnumerationOptions options)
    {
        // System.IO's legacy rules: "*.*" and "*" match everything, "" matches nothing useful but is
        // allowed, and a pattern may not climb out of the directory.
        if (pattern.Contains("..", StringComparison.Ordinal) && pattern.Split('/').Contains(".."))
        {
            throw new ArgumentException($"Search pattern '{pattern}' cannot contain \"..\" to move up directories.", nameof(pattern));
        }

        if (options.MatchType == MatchType.Win32 && (pattern == "*.*" || pattern.Length == 0))
        {
            return "*";
        }

        return pattern;
    }

    // ---- Paths

    public static string TrimEndingSeparator(string path) =>
        path.Length > 1 && path[^1] == '/' ? path.TrimEnd('/') is { Length: > 0 } t ? t : "/" : path;

    public static string GetDirectoryName(string path)
    {
        string trimmed = path.Length > 1 && path[^1] == '/' ? path[..^1] : path;
        return System.IO.Path.GetDirectoryName(trimmed) ?? "/";
    }
}
