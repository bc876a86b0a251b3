using System.IO.Enumeration;
using Overlay.Paths;
using Overlay.Union;

namespace Overlay.MergedView;

/// <summary>
/// Directory.Enumerate* and DirectoryInfo.Enumerate*: System.IO's enumeration on Linux (patterns,
/// options, recursion, links to directories, "." and ".."), walking the merged tree through the
/// door's listing of one directory at a time (<see cref="PosixIo.ReadDirectory"/>).
/// </summary>
/// <param name="io">The door to the engine.</param>
internal sealed class PosixEnumeration(PosixIo io)
{
    /// <summary>
    /// Directory.Enumerate*: the merged entries below a directory, filtered as System.IO filters them
    /// (names matched by the pattern, hidden entries skipped unless the options keep them, links to
    /// directories listed and recursed into as directories unless reparse points are skipped, "." and
    /// ".." of each directory when the options ask for them).
    /// </summary>
    public IEnumerable<string> Enumerate(string fullPath, string userPath, string searchPattern, EnumerationOptions options, bool files, bool directories)
    {
        ArgumentNullException.ThrowIfNull(searchPattern);
        ArgumentNullException.ThrowIfNull(options);
        if (searchPattern.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Null character in path.", nameof(searchPattern));
        }

        if (searchPattern.StartsWith('/'))
        {
            throw new ArgumentException("Second path fragment must not be a drive or UNC name.", nameof(searchPattern));
        }

        // As System.IO: a pattern with directories in it ("sub/*.txt", "../*.log") searches the
        // directory it names, and the paths returned keep that part as written.
        string? patternDirectory = PosixPath.GetDirectoryName(searchPattern);
        if (!string.IsNullOrEmpty(patternDirectory))
        {
            userPath = PosixPath.Join(userPath, patternDirectory);
            fullPath = PosixPath.GetFullPath(PosixPath.Join(fullPath, patternDirectory), "/");
            searchPattern = searchPattern[(patternDirectory.Length + 1)..];
        }

        IoErrors.Check(io.ReadDirectory(fullPath, out var top), fullPath, isDirectory: true);
        return Walk(userPath, fullPath, string.Empty, top, NormalizePattern(searchPattern, options), options, files, directories, 0);
    }

    private IEnumerable<string> Walk(string userPath, string fullPath, string relative, List<MergedNode> entries, string pattern, EnumerationOptions options, bool files, bool directories, int depth)
    {
        if (options.ReturnSpecialDirectories && directories)
        {
            // readdir(3) lists both in every directory; System.IO matches them by the pattern only.
            foreach (string special in SpecialDirectories)
            {
                if (Matches(pattern, special, options))
                {
                    yield return PosixPath.Join(userPath, relative.Length == 0 ? special : relative + "/" + special);
                }
            }
        }

        foreach (var entry in entries)
        {
            string name = entry.Entry.Name;
            bool isDirectory = entry.IsDirectory;
            UnixFileMode? targetMode = null;

            // As System.IO: a listed link is stat(2)-ed by the path the walk reached it by, not by
            // where it lives. Below a link to an ancestor that path meets ELOOP once it holds more
            // than 40 links: the link is then no directory, so it is listed as a file and not
            // entered, and the walk ends there without an error.
            if (entry.IsSymbolicLink && io.Stat(PosixPath.Combine(fullPath, name), followLinks: true, out var target) == Errno.None)
            {
                isDirectory = target.IsDirectory;
                targetMode = target.Entry.Mode;
            }

            var attributes = FileStatus.AttributesOf(name, entry.Entry, isDirectory, targetMode);
            if ((attributes & options.AttributesToSkip) != 0)
            {
                continue;
            }

            string relativeName = relative.Length == 0 ? name : relative + "/" + name;
            if (Matches(pattern, name, options) && (isDirectory ? directories : files))
            {
                yield return PosixPath.Join(userPath, relativeName);
            }

            if (options.RecurseSubdirectories && isDirectory && (options.MaxRecursionDepth > depth))
            {
                string childFull = PosixPath.Join(fullPath, name);
                var error = io.ReadDirectory(childFull, out var children);
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

    private static readonly string[] SpecialDirectories = [".", ".."];

    private static bool Matches(string pattern, string name, EnumerationOptions options) =>
        options.MatchType == MatchType.Win32
            ? FileSystemName.MatchesWin32Expression(pattern, name, IgnoreCase(options))
            : FileSystemName.MatchesSimpleExpression(pattern, name, IgnoreCase(options));

    private static bool IgnoreCase(EnumerationOptions options) => options.MatchCasing == MatchCasing.CaseInsensitive;

    private static string NormalizePattern(string pattern, EnumerationOptions options)
    {
        if (options.MatchType != MatchType.Win32 || pattern == "*")
        {
            return pattern;
        }

        // System.IO's Win32 rules: "", "." and "*.*" match everything; otherwise the characters that
        // are wildcards only in DOS semantics ('\\', '"', '<', '>') are escaped, then '?', '*' and
        // '.' are translated to their DOS forms (so "??.txt" matches "a.txt").
        if (pattern.Length == 0 || pattern == "." || pattern == "*.*")
        {
            return "*";
        }

        if (pattern.AsSpan().IndexOfAny("\\\"<>") >= 0)
        {
            pattern = pattern.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace(">", "\\>", StringComparison.Ordinal)
                .Replace("<", "\\<", StringComparison.Ordinal);
        }

        return FileSystemName.TranslateWin32Expression(pattern);
    }
}
