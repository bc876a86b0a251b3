namespace Overlay.Paths;

/// <summary>
/// Path arithmetic, POSIX by construction: '/' is the only separator, a path is rooted when it
/// starts with '/', and every other character ('\', ':') belongs to a name, on every operating
/// system. The rules are those of System.IO.Path on Linux, written here so that they do not depend
/// on the host's <see cref="System.IO.Path"/>; the facade's <c>IPath</c> and every internal
/// Combine/ParentOf use them. The engine's and the layers' paths are absolute and normalised once,
/// at the facade (<see cref="GetFullPath(string, string)"/>): "/", "/etc/hosts", no "." or "..",
/// no repeated or trailing '/'.
/// </summary>
internal static class PosixPath
{
    /// <summary>The one separator.</summary>
    public const char Separator = '/';

    // ---- Normalised absolute paths (the engine's and the layers')

    /// <summary>A child's path: the directory's path, '/', the name.</summary>
    public static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>A child's path: the directory's path, '/', the name.</summary>
    public static string Combine(string directory, ReadOnlySpan<char> name) =>
        directory == "/" ? string.Concat("/", name) : string.Concat(directory, "/", name);

    /// <summary>The parent's path ("/" for a child of the root, and for the root).</summary>
    public static string ParentOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The last component's name ("" for the root).</summary>
    public static string NameOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    // ---- The facade's arithmetic (System.IO.Path's rules on Linux)

    /// <summary>Every trailing separator removed, but the root kept: how the facade names an object given with a trailing '/'.</summary>
    public static string TrimEndingSeparators(string path) =>
        path.Length > 1 && path[^1] == Separator ? path.TrimEnd(Separator) is { Length: > 0 } t ? t : "/" : path;

    /// <summary>The directory a full path's object is in ("/" for the root and its children); one trailing separator ignored.</summary>
    public static string DirectoryOf(string path)
    {
        string trimmed = path.Length > 1 && path[^1] == Separator ? path[..^1] : path;
        return GetDirectoryName(trimmed) ?? "/";
    }

    public static bool IsSeparator(char c) => c == Separator;

    public static bool IsPathRooted(ReadOnlySpan<char> path) => path.Length > 0 && path[0] == Separator;

    public static bool EndsInDirectorySeparator(ReadOnlySpan<char> path) => path.Length > 0 && path[^1] == Separator;

    /// <summary>One trailing separator removed, unless the path is the root.</summary>
    public static ReadOnlySpan<char> TrimEndingDirectorySeparator(ReadOnlySpan<char> path) =>
        EndsInDirectorySeparator(path) && path.Length > 1 ? path[..^1] : path;

    /// <summary>The directory part: null for the root or an empty path; repeated separators collapsed.</summary>
    public static string? GetDirectoryName(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        int end = DirectoryNameOffset(path);
        return end >= 0 ? CollapseSeparators(path.AsSpan(0, end)) : null;
    }

    /// <summary>The directory part of a span: empty for the root or an empty path.</summary>
    public static ReadOnlySpan<char> GetDirectoryName(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty)
        {
            return [];
        }

        int end = DirectoryNameOffset(path);
        return end >= 0 ? path[..end] : [];
    }

    public static string GetFileName(string path) => path[(path.LastIndexOf(Separator) + 1)..];

    public static ReadOnlySpan<char> GetFileName(ReadOnlySpan<char> path) => path[(path.LastIndexOf(Separator) + 1)..];

    public static ReadOnlySpan<char> GetFileNameWithoutExtension(ReadOnlySpan<char> path)
    {
        var name = GetFileName(path);
        int dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[..dot];
    }

    /// <summary>From the last '.' of the last component, when it is not the last character; otherwise empty.</summary>
    public static ReadOnlySpan<char> GetExtension(ReadOnlySpan<char> path)
    {
        for (int i = path.Length - 1; i >= 0; i--)
        {
            if (path[i] == '.')
            {
                return i != path.Length - 1 ? path[i..] : [];
            }

            if (path[i] == Separator)
            {
                break;
            }
        }

        return [];
    }

    public static bool HasExtension(ReadOnlySpan<char> path) => !GetExtension(path).IsEmpty;

    public static string ChangeExtension(string path, string? extension)
    {
        int end = path.Length;
        for (int i = path.Length - 1; i >= 0; i--)
        {
            if (path[i] == '.')
            {
                end = i;
                break;
            }

            if (path[i] == Separator)
            {
                break;
            }
        }

        string stem = path[..end];
        return extension is null ? stem
            : extension.StartsWith('.') ? stem + extension
            : stem + "." + extension;
    }

    /// <summary>Path.Combine of two: the second when it is rooted.</summary>
    public static string Combine2(string first, string second) =>
        second.Length == 0 ? first
        : first.Length == 0 || IsPathRooted(second) ? second
        : EndsInDirectorySeparator(first) ? first + second
        : first + "/" + second;

    /// <summary>Path.Combine of many: from the last rooted one, separators added where missing, empty ones skipped.</summary>
    public static string Combine(params ReadOnlySpan<string> paths)
    {
        int start = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(paths[i], nameof(paths));
            if (IsPathRooted(paths[i]))
            {
                start = i;
            }
        }

        var result = new System.Text.StringBuilder();
        for (int i = start; i < paths.Length; i++)
        {
            if (paths[i].Length == 0)
            {
                continue;
            }

            if (result.Length > 0 && result[^1] != Separator)
            {
                result.Append(Separator);
            }

            result.Append(paths[i]);
        }

        return result.ToString();
    }

    /// <summary>Path.Join: the parts concatenated, a separator added between two when neither has one there; empty parts skipped.</summary>
    public static string Join(params ReadOnlySpan<string?> paths)
    {
        var result = new System.Text.StringBuilder();
        foreach (var part in paths)
        {
            if (string.IsNullOrEmpty(part))
            {
                continue;
            }

            if (result.Length > 0 && result[^1] != Separator && part[0] != Separator)
            {
                result.Append(Separator);
            }

            result.Append(part);
        }

        return result.ToString();
    }

    /// <summary>Path.TryJoin: <see cref="Join"/> into a buffer; false, with nothing written, when it does not fit.</summary>
    public static bool TryJoin(ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third, Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        string joined = Join(first.ToString(), second.ToString(), third.ToString());
        if (joined.Length > destination.Length)
        {
            return false;
        }

        joined.AsSpan().CopyTo(destination);
        charsWritten = joined.Length;
        return true;
    }

    /// <summary>
    /// Path.GetFullPath(path, basePath): <paramref name="path"/> made absolute against
    /// <paramref name="basePath"/> when it is not rooted, then normalised: repeated separators, "."
    /// and ".." removed (".." never climbs above the root); a trailing separator is kept.
    /// </summary>
    public static string GetFullPath(string path, string basePath)
    {
        string combined = IsPathRooted(path) ? path : Combine2(basePath, path);
        if (!HasRelativeSegments(combined))
        {
            // The usual case: already normal, returned as it is (a warm lookup allocates nothing).
            return combined;
        }

        string normalised = RemoveRelativeSegments(combined);
        return normalised.Length == 0 ? "/" : normalised;
    }

    /// <summary>Path.GetRelativePath between two full paths: ".." for each level up, then the rest of the path.</summary>
    public static string GetRelativePath(string relativeTo, string path)
    {
        int common = CommonPathLength(relativeTo, path);
        if (common == 0)
        {
            return path;
        }

        int relativeToLength = relativeTo.Length - (EndsInDirectorySeparator(relativeTo) ? 1 : 0);
        bool pathEndsInSeparator = EndsInDirectorySeparator(path);
        int pathLength = path.Length - (pathEndsInSeparator ? 1 : 0);
        if (relativeToLength == pathLength && common >= relativeToLength)
        {
            return ".";
        }

        var result = new System.Text.StringBuilder();
        if (common < relativeToLength)
        {
            result.Append("..");
            for (int i = common + 1; i < relativeToLength; i++)
            {
                if (relativeTo[i] == Separator)
                {
                    result.Append("/..");
                }
            }
        }
        else if (path[common] == Separator)
        {
            common++;
        }

        int difference = pathLength - common + (pathEndsInSeparator ? 1 : 0);
        if (difference > 0)
        {
            if (result.Length > 0)
            {
                result.Append(Separator);
            }

            result.Append(path.AsSpan(common, difference));
        }

        return result.ToString();
    }

    private static int DirectoryNameOffset(ReadOnlySpan<char> path)
    {
        int root = IsPathRooted(path) ? 1 : 0;
        int end = path.Length;
        if (end <= root)
        {
            return -1;
        }

        while (end > root && path[--end] != Separator)
        {
        }

        while (end > root && path[end - 1] == Separator)
        {
            end--;
        }

        return end;
    }

    private static string CollapseSeparators(ReadOnlySpan<char> path)
    {
        if (path.IndexOf("//") < 0)
        {
            return path.ToString();
        }

        var result = new System.Text.StringBuilder(path.Length);
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == Separator && i + 1 < path.Length && path[i + 1] == Separator)
            {
                continue;
            }

            result.Append(path[i]);
        }

        return result.ToString();
    }

    /// <summary>Whether a rooted path has a repeated separator, or a "." or ".." component.</summary>
    private static bool HasRelativeSegments(string path)
    {
        for (int i = path.IndexOf(Separator); i >= 0 && i + 1 < path.Length; i = path.IndexOf(Separator, i + 1))
        {
            char next = path[i + 1];
            if (next == Separator)
            {
                return true;
            }

            if (next == '.' && (i + 2 == path.Length || path[i + 2] == Separator || (path[i + 2] == '.' && (i + 3 == path.Length || path[i + 3] == Separator))))
            {
                return true;
            }
        }

        return false;
    }

    // System.IO's RemoveRelativeSegments for a rooted path on Linux (root length 1).
    private static string RemoveRelativeSegments(string path)
    {
        const int Skip = 0; // the root's separator is the first one copied
        var result = new System.Text.StringBuilder(path.Length);
        for (int i = Skip; i < path.Length; i++)
        {
            char c = path[i];
            if (c == Separator && i + 1 < path.Length)
            {
                if (path[i + 1] == Separator)
                {
                    continue;
                }

                if ((i + 2 == path.Length || path[i + 2] == Separator) && path[i + 1] == '.')
                {
                    i++;
                    continue;
                }

                if (i + 2 < path.Length && (i + 3 == path.Length || path[i + 3] == Separator) && path[i + 1] == '.' && path[i + 2] == '.')
                {
                    int s;
                    for (s = result.Length - 1; s >= Skip; s--)
                    {
                        if (result[s] == Separator)
                        {
                            result.Length = (i + 3 >= path.Length && s == Skip) ? s + 1 : s;
                            break;
                        }
                    }

                    if (s < Skip)
                    {
                        result.Length = Skip;
                    }

                    i += 2;
                    continue;
                }
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private static int CommonPathLength(string first, string second)
    {
        int common = 0;
        int max = Math.Min(first.Length, second.Length);
        while (common < max && first[common] == second[common])
        {
            common++;
        }

        if (common == 0)
        {
            return 0;
        }

        if (common == first.Length && (common == second.Length || second[common] == Separator))
        {
            return common;
        }

        if (common == second.Length && first[common] == Separator)
        {
            return common;
        }

        while (common > 0 && first[common - 1] != Separator)
        {
            common--;
        }

        return common;
    }
}
