using System.Diagnostics.CodeAnalysis;
using System.IO.Abstractions;
using Overlay.Paths;

namespace Overlay.MergedView;

/// <summary>
/// <see cref="IPath"/> for an overlay: POSIX paths on every operating system ('/' the only
/// separator; '\' and ':' are name characters, so "C:" is a name and "a\b" one component), with
/// relative paths resolved against the overlay's own current directory rather than the process's.
/// Every member is <see cref="PosixPath"/>'s arithmetic, never the host's System.IO.Path.
/// </summary>
internal sealed class OverlayPath : PathBase
{
    private readonly OverlayFileSystem _fileSystem;
    private readonly PosixIo _io;

    public OverlayPath(OverlayFileSystem fileSystem, PosixIo io)
        : base(fileSystem)
    {
        _fileSystem = fileSystem;
        _io = io;
    }

    // ---- Separators and invalid characters

    /// <inheritdoc />
    public override char AltDirectorySeparatorChar => PosixPath.Separator;

    /// <inheritdoc />
    public override char DirectorySeparatorChar => PosixPath.Separator;

    /// <inheritdoc />
    public override char PathSeparator => ':';

    /// <inheritdoc />
    public override char VolumeSeparatorChar => PosixPath.Separator;

    /// <inheritdoc />
    [Obsolete("This API is obsolete: use GetInvalidPathChars.")]
    public override char[] InvalidPathChars => GetInvalidPathChars();

    /// <inheritdoc />
    public override char[] GetInvalidFileNameChars() => ['\0', '/'];

    /// <inheritdoc />
    public override char[] GetInvalidPathChars() => ['\0'];

    // ---- Full and relative paths

    /// <inheritdoc />
    public override string GetFullPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            throw new ArgumentException("The path is empty.", nameof(path));
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Null character in path.", nameof(path));
        }

        return PosixPath.GetFullPath(path, _fileSystem.CurrentDirectory);
    }

    /// <inheritdoc />
    public override string GetFullPath(string path, string basePath)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(basePath);
        if (!PosixPath.IsPathRooted(basePath))
        {
            throw new ArgumentException("Basepath argument is not fully qualified.", nameof(basePath));
        }

        if (basePath.Contains('\0', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Null character in path.", path.Contains('\0', StringComparison.Ordinal) ? nameof(path) : nameof(basePath));
        }

        return PosixPath.GetFullPath(path, basePath);
    }

    /// <inheritdoc />
    public override string GetRelativePath(string relativeTo, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativeTo);
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Relative inputs are relative to the overlay's current directory, not the process's.
        return PosixPath.GetRelativePath(GetFullPath(relativeTo), GetFullPath(path));
    }

    /// <inheritdoc />
    public override bool IsPathFullyQualified(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return PosixPath.IsPathRooted(path);
    }

    /// <inheritdoc />
    public override bool IsPathFullyQualified(ReadOnlySpan<char> path) => PosixPath.IsPathRooted(path);

    /// <inheritdoc />
    public override bool IsPathRooted(string? path) => path is not null && PosixPath.IsPathRooted(path);

    /// <inheritdoc />
    public override bool IsPathRooted(ReadOnlySpan<char> path) => PosixPath.IsPathRooted(path);

    /// <inheritdoc />
    public override string? GetPathRoot(string? path) => string.IsNullOrEmpty(path) ? null : PosixPath.IsPathRooted(path) ? "/" : string.Empty;

    /// <inheritdoc />
    public override ReadOnlySpan<char> GetPathRoot(ReadOnlySpan<char> path) => PosixPath.IsPathRooted(path) ? "/" : [];

    // ---- Components

    /// <inheritdoc />
    public override string? GetDirectoryName(string? path) => PosixPath.GetDirectoryName(path);

    /// <inheritdoc />
    public override ReadOnlySpan<char> GetDirectoryName(ReadOnlySpan<char> path) => PosixPath.GetDirectoryName(path);

    /// <inheritdoc />
    [return: NotNullIfNotNull(nameof(path))]
    public override string? GetFileName(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var name = PosixPath.GetFileName(path);
        return name.Length == path.Length ? path : name.ToString();
    }

    /// <inheritdoc />
    public override ReadOnlySpan<char> GetFileName(ReadOnlySpan<char> path) => PosixPath.GetFileName(path);

    /// <inheritdoc />
    [return: NotNullIfNotNull(nameof(path))]
    public override string? GetFileNameWithoutExtension(string? path) => path is null ? null : PosixPath.GetFileNameWithoutExtension(path).ToString();

    /// <inheritdoc />
    public override ReadOnlySpan<char> GetFileNameWithoutExtension(ReadOnlySpan<char> path) => PosixPath.GetFileNameWithoutExtension(path);

    /// <inheritdoc />
    [return: NotNullIfNotNull(nameof(path))]
    public override string? GetExtension(string? path) => path is null ? null : PosixPath.GetExtension(path).ToString();

    /// <inheritdoc />
    public override ReadOnlySpan<char> GetExtension(ReadOnlySpan<char> path) => PosixPath.GetExtension(path);

    /// <inheritdoc />
    public override bool HasExtension([NotNullWhen(true)] string? path) => path is not null && PosixPath.HasExtension(path);

    /// <inheritdoc />
    public override bool HasExtension(ReadOnlySpan<char> path) => PosixPath.HasExtension(path);

    /// <inheritdoc />
    [return: NotNullIfNotNull(nameof(path))]
    public override string? ChangeExtension(string? path, string? extension) => path is null ? null : PosixPath.ChangeExtension(path, extension);

    /// <inheritdoc />
    public override bool EndsInDirectorySeparator(string path) => path is not null && PosixPath.EndsInDirectorySeparator(path);

    /// <inheritdoc />
    public override bool EndsInDirectorySeparator(ReadOnlySpan<char> path) => PosixPath.EndsInDirectorySeparator(path);

    /// <inheritdoc />
    public override string TrimEndingDirectorySeparator(string path)
    {
        var trimmed = PosixPath.TrimEndingDirectorySeparator(path);
        return trimmed.Length == path.Length ? path : trimmed.ToString();
    }

    /// <inheritdoc />
    public override ReadOnlySpan<char> TrimEndingDirectorySeparator(ReadOnlySpan<char> path) => PosixPath.TrimEndingDirectorySeparator(path);

    // ---- Combining

    /// <inheritdoc />
    public override string Combine(string path1, string path2)
    {
        ArgumentNullException.ThrowIfNull(path1);
        ArgumentNullException.ThrowIfNull(path2);
        return PosixPath.Combine2(path1, path2);
    }

    /// <inheritdoc />
    public override string Combine(string path1, string path2, string path3)
    {
        ArgumentNullException.ThrowIfNull(path1);
        ArgumentNullException.ThrowIfNull(path2);
        ArgumentNullException.ThrowIfNull(path3);
        return PosixPath.Combine([path1, path2, path3]);
    }

    /// <inheritdoc />
    public override string Combine(string path1, string path2, string path3, string path4)
    {
        ArgumentNullException.ThrowIfNull(path1);
        ArgumentNullException.ThrowIfNull(path2);
        ArgumentNullException.ThrowIfNull(path3);
        ArgumentNullException.ThrowIfNull(path4);
        return PosixPath.Combine([path1, path2, path3, path4]);
    }

    /// <inheritdoc />
    public override string Combine(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return PosixPath.Combine(paths);
    }

    /// <inheritdoc />
    public override string Combine(params ReadOnlySpan<string> paths) => PosixPath.Combine(paths);

    /// <inheritdoc />
    public override string Join(params ReadOnlySpan<string?> paths) => PosixPath.Join(paths);

    /// <inheritdoc />
    public override string Join(string? path1, string? path2) => PosixPath.Join(path1, path2);

    /// <inheritdoc />
    public override string Join(string? path1, string? path2, string? path3) => PosixPath.Join(path1, path2, path3);

    /// <inheritdoc />
    public override string Join(string? path1, string? path2, string? path3, string? path4) => PosixPath.Join(path1, path2, path3, path4);

    /// <inheritdoc />
    public override string Join(params string?[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return PosixPath.Join(paths);
    }

    /// <inheritdoc />
    public override string Join(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2) => PosixPath.Join(path1.ToString(), path2.ToString());

    /// <inheritdoc />
    public override string Join(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, ReadOnlySpan<char> path3) =>
        PosixPath.Join(path1.ToString(), path2.ToString(), path3.ToString());

    /// <inheritdoc />
    public override string Join(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, ReadOnlySpan<char> path3, ReadOnlySpan<char> path4) =>
        PosixPath.Join(path1.ToString(), path2.ToString(), path3.ToString(), path4.ToString());

    /// <inheritdoc />
    public override bool TryJoin(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, Span<char> destination, out int charsWritten) =>
        PosixPath.TryJoin(path1, path2, [], destination, out charsWritten);

    /// <inheritdoc />
    public override bool TryJoin(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, ReadOnlySpan<char> path3, Span<char> destination, out int charsWritten) =>
        PosixPath.TryJoin(path1, path2, path3, destination, out charsWritten);

    // ---- The overlay's own

    /// <inheritdoc />
    public override bool Exists([NotNullWhen(true)] string? path) =>
        !string.IsNullOrEmpty(path) && (_fileSystem.File.Exists(path) || _fileSystem.Directory.Exists(path));

    /// <inheritdoc />
    public override string GetRandomFileName() => System.IO.Path.GetRandomFileName();

    /// <inheritdoc />
    public override string GetTempPath() => "/tmp/";

    /// <inheritdoc />
    public override string GetTempFileName()
    {
        _fileSystem.Directory.CreateDirectory("/tmp");
        while (true)
        {
            // mkstemps(3)'s template, tmpXXXXXX.tmp, and its mode, 0600.
            string path = "/tmp/tmp" + GetRandomFileName()[..6] + ".tmp";
            try
            {
                using (_io.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.None, UnixFileMode.UserRead | UnixFileMode.UserWrite))
                {
                }

                return path;
            }
            catch (IOException e) when (e.HResult == 17)
            {
                // Taken: try another name, as the BCL does.
            }
        }
    }
}
