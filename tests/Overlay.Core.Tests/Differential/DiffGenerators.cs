using CsCheck;

namespace Overlay.Tests.Differential;

/// <summary>
/// CsCheck generators of differential cases: 2–3 lowers over a small pool of names (so that layers
/// overlap and operations collide) holding files, directories, opaque directories, symbolic links
/// and whiteouts up to three levels deep, and 1–12 operations over the same names.
/// </summary>
/// <remarks>
/// A lower is generated as one number per possible path (<see cref="AllPaths"/>): 0 is "nothing
/// there", larger numbers pick a kind, a mode and a link target. CsCheck shrinks towards smaller
/// numbers and shorter lists, so a shrunk case has fewer entries and fewer, simpler operations.
/// Link targets are relative and never contain "..": they name a path below the link's own
/// directory (or the directory itself, or a missing name), so wherever a later rename moves the
/// link, it can never reach above the overlay's root. Above its root the kernel mount goes on into
/// the host's directories (".." of the mount point is its parent) while the library's root is its
/// own parent, as "/" is: not a difference of the overlay's semantics. An absolute target differs
/// the same way and is not generated either.
/// </remarks>
public static class DiffGenerators
{
    /// <summary>The names every level is made of.</summary>
    public static readonly string[] Names = ["a", "b", "c"];

    /// <summary>Every path of up to three levels over <see cref="Names"/>, shallowest first.</summary>
    public static readonly string[] AllPaths = BuildPaths();

    /// <summary>Contents written by operations (empty, short, and longer than a quoted dump shows).</summary>
    public static readonly string[] Texts = ["", "x", "hello", "0123456789abcdefghijklmnopqrstuvwxyz"];

    /// <summary>Modes an operation sets.</summary>
    public static readonly UnixFileMode[] OpModes = [.. new[] { 0b110_100_100, 0b110_000_000, 0b111_101_101, 0b111_000_000, 0b100_100_100, 0, 0b111_111_111 }.Select(m => (UnixFileMode)m)];

    /// <summary>Times an operation sets.</summary>
    public static readonly DateTime[] OpTimes =
    [
        new(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        new(2011, 6, 15, 12, 30, 45, DateTimeKind.Utc),
    ];

    private static readonly UnixFileMode[] FileModes = [.. new[] { 0b110_100_100, 0b110_100_100, 0b110_100_100, 0b110_000_000, 0b111_101_101, 0b100_100_100 }.Select(m => (UnixFileMode)m)];
    private static readonly UnixFileMode[] DirectoryModes = [.. new[] { 0b111_101_101, 0b111_101_101, 0b111_101_101, 0b111_000_000, 0b111_101_000, 0b101_101_101 }.Select(m => (UnixFileMode)m)];

    /// <summary>A path of the pool, shallow ones more often.</summary>
    public static readonly Gen<string> PoolPath = Gen.Frequency(
        (4, Gen.OneOf(AllPaths.Where(p => Depth(p) == 1).ToArray())),
        (4, Gen.OneOf(AllPaths.Where(p => Depth(p) == 2).ToArray())),
        (1, Gen.OneOf(AllPaths.Where(p => Depth(p) == 3).ToArray())));

    /// <summary>A path an operation uses: one in ten ends with '/'.</summary>
    public static readonly Gen<string> OpPath = Gen.Select(PoolPath, Gen.Int[0, 9], (path, slash) => slash == 0 ? path + "/" : path);

    private static readonly Gen<string> Text = Gen.OneOf(Texts);

    /// <summary>2–3 lowers.</summary>
    public static readonly Gen<StackSpec> Stack =
        Gen.Int[2, 3].SelectMany(count => Gen.Int[0, 9999].Array[AllPaths.Length].Array[count])
           .Select(codes => new StackSpec([.. codes.Select(DecodeLayer)]));

    /// <summary>One operation.</summary>
    public static readonly Gen<DiffOp> Op = Gen.Frequency(
        (3, Gen.Select(OpPath, Text, (p, t) => (DiffOp)new WriteAllTextOp(p, t))),
        (2, Gen.Select(OpPath, Text, (p, t) => (DiffOp)new AppendAllTextOp(p, t))),
        (2, Gen.Select(OpPath, Gen.OneOf(FileMode.CreateNew, FileMode.Create, FileMode.Open, FileMode.OpenOrCreate, FileMode.Truncate, FileMode.Append), Gen.OneOf(FileAccess.Write, FileAccess.ReadWrite), Text, (p, m, a, t) => (DiffOp)new OpenOp(p, m, m == FileMode.Append ? FileAccess.Write : a, t))),
        (2, Gen.Select(OpPath, Gen.OneOf(0L, 1L, 3L, 30L), (p, n) => (DiffOp)new SetLengthOp(p, n))),
        (1, OpPath.Select(p => (DiffOp)new ReadAllBytesOp(p))),
        (3, OpPath.Select(p => (DiffOp)new CreateDirectoryOp(p))),
        (2, OpPath.Select(p => (DiffOp)new DeleteDirectoryOp(p, false))),
        (2, OpPath.Select(p => (DiffOp)new DeleteDirectoryOp(p, true))),
        (3, OpPath.Select(p => (DiffOp)new DeleteFileOp(p))),
        (2, Gen.Select(OpPath, PoolPath, Gen.Int[0, 4], (p, t, kind) => (DiffOp)new CreateSymbolicLinkOp(p, LinkTarget(kind, t)))),
        (3, Gen.Select(OpPath, OpPath, Gen.Bool, (f, t, o) => (DiffOp)new MoveFileOp(f, t, o))),
        (2, Gen.Select(OpPath, OpPath, (f, t) => (DiffOp)new MoveDirectoryOp(f, t))),
        (2, Gen.Select(OpPath, Gen.OneOf(OpModes), (p, m) => (DiffOp)new SetUnixFileModeOp(p, m))),
        (2, Gen.Select(OpPath, Gen.OneOf(OpTimes), Gen.Int[0, 3], (p, t, a) => (DiffOp)new SetTimeOp(p, t, LastAccess: a == 0))),
        (1, OpPath.Select(p => (DiffOp)new ListOp(p))),
        (1, OpPath.Select(p => (DiffOp)new StatOp(p))),
        (1, OpPath.Select(p => (DiffOp)new HoldReadOp(p))),
        (1, Gen.Select(Gen.Int[1, 8], Gen.Bool, (n, start) => (DiffOp)new ReadHeldOp(n, start))));

    /// <summary>A case: lowers and 1–12 operations.</summary>
    public static readonly Gen<DiffCase> Case = Gen.Select(Stack, Op.List[1, 12], (stack, ops) => new DiffCase(stack, ops));

    /// <summary>
    /// A link target relative to the link's own directory without "..": a missing name for
    /// <paramref name="kind"/> 0, the directory itself for 1, else <paramref name="path"/> (a pool
    /// path of one or two levels, which may or may not exist there).
    /// </summary>
    public static string LinkTarget(int kind, string path) => kind switch
    {
        0 => "zz",
        1 => ".",
        _ => path,
    };

    /// <summary>Turns one number per pool path into a valid layer (a child only under a directory of the same layer).</summary>
    public static IReadOnlyList<SpecEntry> DecodeLayer(int[] codes, int layerIndex)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var entries = new List<SpecEntry>();
        var directories = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < AllPaths.Length && i < codes.Length; i++)
        {
            var path = AllPaths[i];
            var slash = path.LastIndexOf('/');
            if (slash >= 0 && !directories.Contains(path[..slash]))
            {
                continue;
            }

            var code = codes[i];
            var detail = code / 100;
            var entry = KindOf(code % 100, Depth(path)) switch
            {
                SpecKind.File => SpecEntry.File(path, $"{layerIndex}:{path}", FileModes[detail % FileModes.Length]),
                SpecKind.Directory => SpecEntry.Dir(path, DirectoryModes[detail % DirectoryModes.Length]),
                SpecKind.OpaqueDirectory => SpecEntry.Opaque(path, DirectoryModes[detail % DirectoryModes.Length]),
                SpecKind.Symlink => SpecEntry.Link(path, LinkTarget(detail % 5, AllPaths[(detail / 5) % 12])),
                SpecKind.Whiteout => SpecEntry.Whiteout(path),
                _ => null,
            };
            if (entry is null)
            {
                continue;
            }

            entries.Add(entry);
            if (entry.IsDirectory)
            {
                directories.Add(path);
            }
        }

        return entries;
    }

    /// <summary>The kind a number (0–99) picks at a depth; null for nothing. Directories are likelier near the root.</summary>
    private static SpecKind? KindOf(int percent, int depth)
    {
        // Cumulative thresholds: nothing, file, directory, opaque directory, link, whiteout.
        int[] thresholds = depth switch
        {
            1 => [25, 40, 75, 83, 91, 100],
            2 => [40, 62, 78, 84, 92, 100],
            _ => [50, 75, 83, 88, 94, 100],
        };
        SpecKind?[] kinds = [null, SpecKind.File, SpecKind.Directory, SpecKind.OpaqueDirectory, SpecKind.Symlink, SpecKind.Whiteout];
        for (var k = 0; k < thresholds.Length; k++)
        {
            if (percent < thresholds[k])
            {
                return kinds[k];
            }
        }

        return null;
    }

    private static int Depth(string path) => path.Count(c => c == '/') + 1;

    private static string[] BuildPaths()
    {
        var level1 = Names;
        var level2 = level1.SelectMany(p => Names.Select(n => p + "/" + n)).ToArray();
        var level3 = level2.SelectMany(p => Names.Select(n => p + "/" + n)).ToArray();
        return [.. level1, .. level2, .. level3];
    }
}
