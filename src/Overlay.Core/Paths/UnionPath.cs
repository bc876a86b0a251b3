namespace Overlay.Paths;

/// <summary>
/// A path of the merged namespace as the engine takes it: absolute, '/'-separated, with no
/// repeated separator and no "." or ".." component, by construction. It is made once, where a
/// path enters the library (the facade's <c>GetFullPath</c>, a mount's lookup, a command line's
/// argument); a string that is already normal (the usual case) is checked in one pass and kept
/// without a copy. One trailing '/' may remain: the caller's "this must be a directory", as POSIX
/// reads "name/". The links met while resolving it are followed by the engine, which handles their
/// targets' "." and ".." physically, as the kernel does.
/// </summary>
internal readonly struct UnionPath : IEquatable<UnionPath>
{
    private readonly string? _value;

    private UnionPath(string value) => _value = value;

    /// <summary>The root, "/".</summary>
    public static UnionPath Root => new("/");

    /// <summary>The path's text ("/" for a default value).</summary>
    public string Value => _value ?? "/";

    /// <summary>Whether this is the root.</summary>
    public bool IsRoot => Value.Length == 1;

    /// <summary>Whether the path ends in '/' (and is not the root): its object must be a directory.</summary>
    public bool EndsInSeparator => Value.Length > 1 && Value[^1] == PosixPath.Separator;

    /// <summary>The object's path: a trailing '/' dropped.</summary>
    public UnionPath Trimmed => EndsInSeparator ? new(Value[..^1]) : this;

    /// <summary>The parent directory's path ("/" for the root and its children).</summary>
    public UnionPath Parent => new(PosixPath.ParentOf(Trimmed.Value));

    /// <summary>The last component's name ("" for the root).</summary>
    public string Name => PosixPath.NameOf(Trimmed.Value);

    /// <summary>Normalises a path: absolute against the root when it is not, repeated separators, "." and ".." removed (".." never climbs above the root).</summary>
    public static UnionPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new(path.Length == 0 ? "/" : PosixPath.GetFullPath(path, "/"));
    }

    /// <summary>A child's path. The name is one component: it must not be empty, ".", ".." or hold a '/'.</summary>
    public UnionPath Child(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains(PosixPath.Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not one name of a path.", nameof(name));
        }

        return new(PosixPath.Combine(Trimmed.Value, name));
    }

    /// <summary>The names from the root down ("/a/b/" gives "a", "b"; the root gives none).</summary>
    public IEnumerable<string> Names()
    {
        string value = Trimmed.Value;
        int start = 1;
        while (start < value.Length)
        {
            int slash = value.IndexOf(PosixPath.Separator, start);
            int end = slash < 0 ? value.Length : slash;
            yield return value[start..end];
            start = end + 1;
        }
    }

    /// <summary>A string made a union path, normalised where it is not yet.</summary>
    public static implicit operator UnionPath(string path) => Parse(path);

    /// <summary>The path's text.</summary>
    public static implicit operator string(UnionPath path) => path.Value;

    /// <inheritdoc />
    public bool Equals(UnionPath other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is UnionPath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
