using System.Globalization;
using System.Text;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;

namespace Overlay.Tests.Differential;

/// <summary>
/// One operation of a differential sequence: a function of a side's file system and root (plus the
/// side's held read stream, for the operations that keep one open), applied with the same code to
/// the kernel (System.IO on the mount point) and to the library (the overlay at "/"). Paths are
/// relative to the root and may end with '/'. <see cref="Apply"/> returns the outcome as
/// <see cref="Outcome"/> renders it: <c>ok</c>, <c>ok: value</c> for a read, or
/// <c>EX Type hr=N</c>.
/// </summary>
public abstract record DiffOp
{
    /// <summary>Runs the operation on one side; returns what a read returns, or null.</summary>
    protected abstract object? Run(DiffSide side);

    /// <summary>The call, as C# would spell it (paths relative to the root).</summary>
    public abstract string Describe();

    /// <summary>Runs the operation and renders its outcome.</summary>
    public string Apply(DiffSide side)
    {
        ArgumentNullException.ThrowIfNull(side);
        return Outcome.Of(() => Run(side));
    }

    /// <inheritdoc />
    public sealed override string ToString() => Describe();

    /// <summary>A C# string literal.</summary>
    protected static string Q(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>An octal mode literal.</summary>
    protected static string M(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    /// <summary>A time literal.</summary>
    protected static string T(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary><c>File.WriteAllText(path, text)</c>.</summary>
public sealed record WriteAllTextOp(string Path, string Text) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.File.WriteAllText(side.Full(Path), Text);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"File.WriteAllText({Q(Path)}, {Q(Text)})";
}

/// <summary><c>File.AppendAllText(path, text)</c>.</summary>
public sealed record AppendAllTextOp(string Path, string Text) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.File.AppendAllText(side.Full(Path), Text);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"File.AppendAllText({Q(Path)}, {Q(Text)})";
}

/// <summary>
/// <c>FileStream.New(path, mode, access)</c>, then the text written (when the access writes and the
/// text is not empty), then closed: the open family (create, create-exclusive, open-or-create,
/// truncate, append, a read-write open without a write).
/// </summary>
public sealed record OpenOp(string Path, FileMode Mode, FileAccess Access, string Text = "") : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        using var stream = side.FileSystem.FileStream.New(side.Full(Path), Mode, Access);
        if (Text.Length > 0 && (Access & FileAccess.Write) != 0)
        {
            stream.Write(Encoding.UTF8.GetBytes(Text));
        }

        return null;
    }

    /// <inheritdoc />
    public override string Describe() =>
        $"FileStream.New({Q(Path)}, FileMode.{Mode}, FileAccess.{Access})" + (Text.Length > 0 ? $".Write({Q(Text)})" : string.Empty);
}

/// <summary><c>FileStream.New(path, FileMode.Open, FileAccess.Write).SetLength(length)</c>.</summary>
public sealed record SetLengthOp(string Path, long Length) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        using var stream = side.FileSystem.FileStream.New(side.Full(Path), FileMode.Open, FileAccess.Write);
        stream.SetLength(Length);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"FileStream.New({Q(Path)}, FileMode.Open, FileAccess.Write).SetLength({Length})";
}

/// <summary><c>File.ReadAllBytes(path)</c>, shown as <see cref="TreeLines.Content"/>.</summary>
public sealed record ReadAllBytesOp(string Path) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side) => TreeLines.Content(side.FileSystem.File.ReadAllBytes(side.Full(Path)));

    /// <inheritdoc />
    public override string Describe() => $"File.ReadAllBytes({Q(Path)})";
}

/// <summary><c>Directory.CreateDirectory(path)</c>.</summary>
public sealed record CreateDirectoryOp(string Path) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.Directory.CreateDirectory(side.Full(Path));
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"Directory.CreateDirectory({Q(Path)})";
}

/// <summary><c>Directory.Delete(path, recursive)</c>.</summary>
public sealed record DeleteDirectoryOp(string Path, bool Recursive) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.Directory.Delete(side.Full(Path), Recursive);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"Directory.Delete({Q(Path)}, recursive: {(Recursive ? "true" : "false")})";
}

/// <summary><c>File.Delete(path)</c>.</summary>
public sealed record DeleteFileOp(string Path) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.File.Delete(side.Full(Path));
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"File.Delete({Q(Path)})";
}

/// <summary><c>File.CreateSymbolicLink(path, target)</c> (the target relative, as stored).</summary>
public sealed record CreateSymbolicLinkOp(string Path, string Target) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.File.CreateSymbolicLink(side.Full(Path), Target);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"File.CreateSymbolicLink({Q(Path)}, {Q(Target)})";
}

/// <summary><c>File.Move(from, to, overwrite)</c>.</summary>
public sealed record MoveFileOp(string From, string To, bool Overwrite) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.File.Move(side.Full(From), side.Full(To), Overwrite);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"File.Move({Q(From)}, {Q(To)}, overwrite: {(Overwrite ? "true" : "false")})";
}

/// <summary><c>Directory.Move(from, to)</c>.</summary>
public sealed record MoveDirectoryOp(string From, string To) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.FileSystem.Directory.Move(side.Full(From), side.Full(To));
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"Directory.Move({Q(From)}, {Q(To)})";
}

/// <summary><c>File.SetUnixFileMode(path, mode)</c>.</summary>
public sealed record SetUnixFileModeOp(string Path, UnixFileMode Mode) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes are not available on Windows.");
        }

        side.FileSystem.File.SetUnixFileMode(side.Full(Path), Mode);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"File.SetUnixFileMode({Q(Path)}, {M(Mode)})";
}

/// <summary><c>File.SetLastWriteTimeUtc(path, time)</c> or <c>File.SetLastAccessTimeUtc(path, time)</c>.</summary>
public sealed record SetTimeOp(string Path, DateTime TimeUtc, bool LastAccess = false) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        if (LastAccess)
        {
            side.FileSystem.File.SetLastAccessTimeUtc(side.Full(Path), TimeUtc);
        }
        else
        {
            side.FileSystem.File.SetLastWriteTimeUtc(side.Full(Path), TimeUtc);
        }

        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"File.SetLast{(LastAccess ? "Access" : "Write")}TimeUtc({Q(Path)}, {T(TimeUtc)})";
}

/// <summary>
/// <c>Directory.EnumerateFileSystemEntries(path)</c>: the names in the order given. A name that can
/// be found neither as a file, a directory nor a link is marked <c>name?real/path</c>, with the path
/// it really has below the root (links in <see cref="Path"/> resolved): a kernel ghost, see
/// <see cref="DifferentialComparer"/>.
/// </summary>
public sealed record ListOp(string Path) : DiffOp
{
    /// <summary>The mark of a listed name that cannot be looked up.</summary>
    public const char GhostMark = '?';

    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        var fs = side.FileSystem;
        var names = new List<string>();
        string? realDirectory = null;
        foreach (var entry in fs.Directory.EnumerateFileSystemEntries(side.Full(Path)))
        {
            var name = fs.Path.GetFileName(entry);
            var found = fs.FileInfo.New(entry).LinkTarget is not null || fs.Directory.Exists(entry) || fs.File.Exists(entry);
            if (found)
            {
                names.Add(name);
                continue;
            }

            realDirectory ??= Resolve(side, Path);
            names.Add(name + GhostMark + (realDirectory.Length == 0 ? name : realDirectory + "/" + name));
        }

        return "[" + string.Join(",", names) + "]";
    }

    /// <inheritdoc />
    public override string Describe() => $"Directory.EnumerateFileSystemEntries({Q(Path)})";

    /// <summary>A path below the root with every symbolic link in it resolved (relative targets only, as the generators make).</summary>
    private static string Resolve(DiffSide side, string relative)
    {
        var pending = new List<string>(relative.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var resolved = new List<string>();
        for (var hops = 0; pending.Count > 0 && hops < 64; hops++)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var target = side.FileSystem.FileInfo.New(side.Full(string.Join('/', resolved.Append(part)))).LinkTarget;
            if (target is null || target.StartsWith('/'))
            {
                resolved.Add(part);
                continue;
            }

            pending.InsertRange(0, target.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }

        return string.Join('/', resolved);
    }
}

/// <summary>
/// What a program learns about a name without changing it: <c>FileInfo.LinkTarget</c>,
/// <c>File.Exists</c>, <c>Directory.Exists</c>, the mode (links followed) and a file's length.
/// </summary>
public sealed record StatOp(string Path) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        var fs = side.FileSystem;
        var full = side.Full(Path);
        var link = fs.FileInfo.New(full).LinkTarget;
        var parts = new List<string> { link is null ? "nolink" : "link->" + link };
        if (fs.Directory.Exists(full))
        {
            parts.Add("dir " + TreeSnapshot.Mode(fs, full));
        }
        else if (fs.File.Exists(full))
        {
            parts.Add("file " + TreeSnapshot.Mode(fs, full) + " len=" + fs.FileInfo.New(full).Length.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            parts.Add("missing");
        }

        return string.Join(" ", parts);
    }

    /// <inheritdoc />
    public override string Describe() => $"Stat({Q(Path)})";
}

/// <summary><c>File.ResolveLinkTarget(path, returnFinalTarget)</c>: the target's path relative to the root, or null.</summary>
public sealed record ResolveLinkOp(string Path, bool Final) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        var target = side.FileSystem.File.ResolveLinkTarget(side.Full(Path), Final);
        if (target is null)
        {
            return "null";
        }

        var root = side.Root.TrimEnd('/') + "/";
        var full = target.FullName;
        return (full.StartsWith(root, StringComparison.Ordinal) ? "/" + full[root.Length..] : "outside:" + full)
            + (target.Exists ? " exists" : " missing");
    }

    /// <inheritdoc />
    public override string Describe() => $"File.ResolveLinkTarget({Q(Path)}, returnFinalTarget: {(Final ? "true" : "false")})";
}

/// <summary>
/// Opens a read stream that stays open for later steps (closing the one held before):
/// <c>FileStream.New(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1)</c>.
/// Unbuffered, so every read reaches the file descriptor: what the kernel's fd gives is compared,
/// not .NET's buffer (see <c>docs/differences-from-kernel.md#buffering</c>).
/// </summary>
public sealed record HoldReadOp(string Path) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        side.Held?.Dispose();
        side.Held = null;
        side.Held = side.FileSystem.FileStream.New(side.Full(Path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        return null;
    }

    /// <inheritdoc />
    public override string Describe() => $"held = FileStream.New({Q(Path)}, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1)";
}

/// <summary>
/// Reads up to <see cref="Count"/> bytes from the held stream (from the start when
/// <see cref="FromStart"/>): the bytes, then the position and the length the stream reports.
/// </summary>
public sealed record ReadHeldOp(int Count, bool FromStart = false) : DiffOp
{
    /// <inheritdoc />
    protected override object? Run(DiffSide side)
    {
        if (side.Held is not { } stream)
        {
            return "no stream";
        }

        if (FromStart)
        {
            stream.Position = 0;
        }

        var buffer = new byte[Count];
        var total = 0;
        while (total < Count)
        {
            var read = stream.Read(buffer, total, Count - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return $"{Encoding.UTF8.GetString(buffer, 0, total)} pos={stream.Position} len={stream.Length}";
    }

    /// <inheritdoc />
    public override string Describe() => (FromStart ? "held.Position = 0; " : string.Empty) + $"held.Read({Count})";
}
