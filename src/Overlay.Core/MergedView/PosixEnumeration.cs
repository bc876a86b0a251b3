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

        IoErrors.Check(io.ListDirectory(fullPath, out var top), fullPath, isDirectory: true);
        return Walk(userPath, fullPath, top, NormalizePattern(searchPattern, options), options, files, directories);
    }

    /// <summary>
    /// The walk, depth first, each directory's entry before its content: one iterator over a stack
    /// of the directories being listed, each child directory listed from the node its parent's
    /// listing holds (a link to a directory from the path it was reached by).
    /// </summary>
    private IEnumerable<string> Walk(string userPath, string fullPath, DirectoryListing top, string pattern, EnumerationOptions options, bool files, bool directories)
    {
        bool matchAll = pattern == "*";
        bool specials = options.ReturnSpecialDirectories && directories;
        var stack = new Stack<Frame>();
        string userPrefix = userPath.Length == 0 ? string.Empty : userPath[^1] == '/' ? userPath : userPath + "/";
        stack.Push(new Frame(top, fullPath, userPrefix, 0));
        if (specials)
        {
            foreach (string special in SpecialDirectories)
            {
                if (Matches(pattern, special, options))
                {
                    yield return userPrefix + special;
                }
            }
        }

        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            var entries = frame.Listing.Entries;
            if (frame.Next >= entries.Length)
            {
                stack.Pop();
                continue;
            }

            // A frame is a class: moving it on here is seen by the next turn.
            var entry = entries[frame.Next++];
            string name = entry.Entry.Name;
            bool isDirectory = entry.IsDirectory;
            UnixFileMode? targetMode = null;

            // As System.IO: a listed link is stat(2)-ed by the path the walk reached it by, not by
            // where it lives. Below a link to an ancestor that path meets ELOOP once it holds more
            // than 40 links: the link is then no directory, so it is listed as a file and not
            // entered, and the walk ends there without an error.
            if (entry.IsSymbolicLink && io.Stat(ChildPath(frame.FullPath, name), followLinks: true, out var target) == Errno.None)
            {
                isDirectory = target.IsDirectory;
                targetMode = target.Entry.Mode;
            }

            if (options.AttributesToSkip != 0 && (FileStatus.AttributesOf(name, entry.Entry, isDirectory, targetMode) & options.AttributesToSkip) != 0)
            {
                continue;
            }

            if ((isDirectory ? directories : files) && (matchAll || Matches(pattern, name, options)))
            {
                yield return frame.UserPrefix + name;
            }

            if (!options.RecurseSubdirectories || !isDirectory || options.MaxRecursionDepth <= frame.Depth)
            {
                continue;
            }

            string childFull = ChildPath(frame.FullPath, name);
            var error = entry.IsDirectory
                ? io.ListChild(frame.Listing, entry, childFull, out var children)
                : io.ListDirectory(childFull, out children);
            if (error != Errno.None)
            {
                if (options.IgnoreInaccessible)
                {
                    continue;
                }

                throw IoErrors.For(error, childFull, isDirectory: true);
            }

            string childPrefix = frame.UserPrefix + name + "/";
            stack.Push(new Frame(children, childFull, childPrefix, frame.Depth + 1));
            if (specials)
            {
                foreach (string special in SpecialDirectories)
                {
                    if (Matches(pattern, special, options))
                    {
                        yield return childPrefix + special;
                    }
                }
            }
        }
    }

    private static string ChildPath(string directory, string name) =>
        directory.Length > 0 && directory[^1] == '/' ? directory + name : directory + "/" + name;

    /// <summary>One directory of the walk: its listing, how far it is read, its paths.</summary>
    private sealed class Frame(DirectoryListing listing, string fullPath, string userPrefix, int depth)
    {
        public DirectoryListing Listing { get; } = listing;

        public string FullPath { get; } = fullPath;

        public string UserPrefix { get; } = userPrefix;

        public int Depth { get; } = depth;

        public int Next { get; set; }
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
