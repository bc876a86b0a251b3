using Overlay.Tests.Support;

namespace Overlay.Tests.Differential;

/// <summary>
/// The scenario catalogue (the families of Union/*ScenarioTests.cs: open, truncate, unlink, rmdir,
/// mkdir, rename of files and directories, readlink, ...) as operation sequences over the
/// <see cref="StandardLowers"/>, each compared with the kernel after every step. Every family runs
/// over every kind of name the standard lower has (lower files in either layer, a read-only file, a
/// new and a copied-up file, missing names and parents, whited-out and opaque-hidden names, links
/// one and two levels deep, dangling and to a directory, merged, empty, opaque and new
/// directories), and again with a trailing '/'.
/// </summary>
public static class DifferentialCatalogue
{
    /// <summary>The standard lowers (top, bottom) as specs, with their modes and times.</summary>
    public static readonly StackSpec StandardStack = new(
    [
        StackSpec.FromLayer(StandardLowers.BuildTop()),
        StackSpec.FromLayer(StandardLowers.BuildBottom()),
    ]);

    /// <summary>Every kind of name: a label, the path, and what makes it (when the lowers alone do not).</summary>
    public static readonly (string Label, string Path, DiffOp[] Setup)[] Names =
    [
        ("lower-file", "a/foo", []),
        ("top-lower-file", "a/bar", []),
        ("read-only-file", "ro", []),
        ("new-file", "a/new", [new WriteAllTextOp("a/new", "new-content")]),
        ("copied-up-file", "file", [new AppendAllTextOp("file", "+")]),
        ("missing", "a/missing", []),
        ("missing-parent", "nodir/x", []),
        ("whited-out", "a/hidden", []),
        ("opaque-hidden", "opq/old", []),
        ("link", "a/direct_sym", []),
        ("link-two-levels", "a/indirect_sym", []),
        ("dangling-link", "a/dangling_sym", []),
        ("directory-link", "a/dir_sym", []),
        ("merged-dir", "a/sub", []),
        ("empty-lower-dir", "a/emptysub", []),
        ("opaque-dir", "opq", []),
        ("new-dir", "a/newdir", [new CreateDirectoryOp("a/newdir")]),
        ("deep-merged-dir", "tree", []),
    ];

    /// <summary>Every case by name.</summary>
    public static readonly IReadOnlyDictionary<string, DiffOp[]> Cases = Build();

    private static Dictionary<string, DiffOp[]> Build()
    {
        var cases = new Dictionary<string, DiffOp[]>(StringComparer.Ordinal);
        void Add(string name, IEnumerable<DiffOp> ops) => cases.Add(name, [.. ops]);

        foreach (var (label, path, setup, slash) in EveryName())
        {
            var p = path + slash;
            var tag = label + (slash.Length > 0 ? "-slash" : string.Empty);
            DiffOp[] after = [new StatOp(path), new ReadAllBytesOp(path)];

            // open: read, write, append, read-write without a write, truncate, create,
            // create-exclusive, open-or-create, append mode.
            Add($"open/read/{tag}", [.. setup, new ReadAllBytesOp(p), .. after]);
            Add($"open/write/{tag}", [.. setup, new WriteAllTextOp(p, "written"), .. after]);
            Add($"open/append/{tag}", [.. setup, new AppendAllTextOp(p, "+appended"), .. after]);
            Add($"open/read-write-no-write/{tag}", [.. setup, new OpenOp(p, FileMode.Open, FileAccess.ReadWrite), .. after]);
            Add($"open/truncate-mode/{tag}", [.. setup, new OpenOp(p, FileMode.Truncate, FileAccess.Write), .. after]);
            Add($"open/create/{tag}", [.. setup, new OpenOp(p, FileMode.Create, FileAccess.Write, "created"), .. after]);
            Add($"open/create-new/{tag}", [.. setup, new OpenOp(p, FileMode.CreateNew, FileAccess.Write, "exclusive"), .. after]);
            Add($"open/open-or-create/{tag}", [.. setup, new OpenOp(p, FileMode.OpenOrCreate, FileAccess.ReadWrite, "ooc"), .. after]);
            Add($"open/append-mode/{tag}", [.. setup, new OpenOp(p, FileMode.Append, FileAccess.Write, "+a"), .. after]);

            // mkdir over every kind of name, then a child inside.
            Add($"mkdir/{tag}", [.. setup, new CreateDirectoryOp(p), new StatOp(path), new WriteAllTextOp(path + "/child", "c"), new ListOp(path)]);

            // readlink and link resolution on every kind of name.
            Add($"readlink/{tag}", [.. setup, new StatOp(p), new ResolveLinkOp(p, false), new ResolveLinkOp(p, true)]);

            // unlink twice (the second is silent or fails as on the kernel).
            Add($"unlink/{tag}", [.. setup, new DeleteFileOp(p), new DeleteFileOp(p), new StatOp(path)]);

            // rmdir, plain and recursive, then mkdir again (opaque over a deleted lower directory).
            Add($"rmdir/{tag}", [.. setup, new DeleteDirectoryOp(p, false), new StatOp(path), new CreateDirectoryOp(path), new ListOp(path)]);
            Add($"rmdir-recursive/{tag}", [.. setup, new DeleteDirectoryOp(p, true), new StatOp(path), new CreateDirectoryOp(path), new WriteAllTextOp(path + "/again", "again"), new ListOp(path)]);

            // copy-up triggers that change metadata only.
            Add($"chmod/{tag}", [.. setup, new SetUnixFileModeOp(p, (UnixFileMode)0b111_000_000), .. after]);
            Add($"set-mtime/{tag}", [.. setup, new SetTimeOp(p, new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc)), .. after]);
            Add($"set-atime/{tag}", [.. setup, new SetTimeOp(p, new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc), LastAccess: true), .. after]);
        }

        AddFileRenames(Add);
        AddDirectoryRenames(Add);
        AddTruncates(Add);
        AddRecursiveDeletes(Add);
        AddChainsAndRings(Add);
        return cases;
    }

    private static IEnumerable<(string Label, string Path, DiffOp[] Setup, string Slash)> EveryName()
    {
        foreach (var (label, path, setup) in Names)
        {
            yield return (label, path, setup, string.Empty);
            yield return (label, path, setup, "/");
        }
    }

    /// <summary>Files renamed in every combination (over a file, a directory, itself, its parent, …), then the old name unlinked.</summary>
    private static void AddFileRenames(Action<string, IEnumerable<DiffOp>> add)
    {
        (string Label, string Path, DiffOp[] Setup)[] sources =
        [
            ("lower-file", "a/foo", []),
            ("top-lower-file", "a/bar", []),
            ("read-only-file", "ro", []),
            ("new-file", "a/new", [new WriteAllTextOp("a/new", "new-content")]),
            ("copied-up-file", "file", [new AppendAllTextOp("file", "+")]),
            ("link", "a/direct_sym", []),
            ("dangling-link", "a/dangling_sym", []),
            ("directory-link", "a/dir_sym", []),
            ("missing", "a/missing", []),
            ("directory", "a/sub", []),
            ("lower-file-slash", "a/foo/", []),
        ];
        (string Label, string Path)[] destinations =
        [
            ("new-name", "a/moved"),
            ("other-dir", "empty/moved"),
            ("root", "moved"),
            ("lower-file", "a/bar"),
            ("other-layer-file", "a/foo"),
            ("read-only-file", "ro"),
            ("empty-dir", "a/emptysub"),
            ("populated-dir", "a/sub"),
            ("itself", "="),
            ("parent", ".."),
            ("missing-parent", "nodir/x"),
            ("link", "a/direct_sym"),
            ("dangling-link", "a/dangling_sym"),
            ("whited-out", "a/hidden"),
            ("opaque-hidden", "opq/old"),
            ("trailing-slash", "a/x/"),
        ];
        foreach (var (sourceLabel, source, setup) in sources)
        {
            foreach (var (destinationLabel, spelled) in destinations)
            {
                var trimmed = source.TrimEnd('/');
                var destination = spelled switch
                {
                    "=" => source,
                    ".." => trimmed.Contains('/', StringComparison.Ordinal) ? trimmed[..trimmed.LastIndexOf('/')] : "a",
                    _ => spelled,
                };
                foreach (var overwrite in new[] { false, true })
                {
                    add(
                        $"rename-file/{sourceLabel}/over-{destinationLabel}/{(overwrite ? "overwrite" : "no-overwrite")}",
                        [.. setup, new MoveFileOp(source, destination, overwrite), new DeleteFileOp(trimmed), new StatOp(destination.TrimEnd('/')), new ReadAllBytesOp(destination.TrimEnd('/'))]);
                }
            }
        }
    }

    /// <summary>Lower directories (EXDEV on the kernel with redirect_dir=off) and new ones, over every kind of destination.</summary>
    private static void AddDirectoryRenames(Action<string, IEnumerable<DiffOp>> add)
    {
        (string Label, string Path, DiffOp[] Setup)[] sources =
        [
            ("merged-dir", "a/sub", []),
            ("empty-lower-dir", "a/emptysub", []),
            ("empty-top-dir", "empty", []),
            ("opaque-dir", "opq", []),
            ("deep-merged-dir", "tree", []),
            ("new-empty-dir", "newdir", [new CreateDirectoryOp("newdir")]),
            ("new-populated-dir", "newdir", [new CreateDirectoryOp("newdir/inner"), new WriteAllTextOp("newdir/f", "f")]),
            ("recreated-dir", "a/emptysub", [new DeleteDirectoryOp("a/emptysub", false), new CreateDirectoryOp("a/emptysub"), new WriteAllTextOp("a/emptysub/n", "n")]),
            ("file", "file", []),
            ("missing", "nothere", []),
            ("dir-link", "a/dir_sym", []),
        ];
        (string Label, string Path, DiffOp[] Setup)[] destinations =
        [
            ("new-name", "moved", []),
            ("other-dir", "a/moved", []),
            ("empty-lower-dir", "empty", []),
            ("populated-lower-dir", "a/sub", []),
            ("deleted-empty-lower-dir", "a/emptysub", [new DeleteDirectoryOp("a/emptysub", false)]),
            ("deleted-populated-lower-dir", "tree", [new DeleteDirectoryOp("tree", true)]),
            ("whited-out-name", "a/hidden", []),
            ("opaque-hidden-name", "opq/old", []),
            ("file", "file", []),
            ("own-subtree", "SRC/inside", []),
            ("itself", "SRC", []),
            ("missing-parent", "nodir/x", []),
            ("trailing-slash", "moved/", []),
        ];
        foreach (var (sourceLabel, source, setup) in sources)
        {
            foreach (var (destinationLabel, spelled, destinationSetup) in destinations)
            {
                var destination = spelled.Replace("SRC", source, StringComparison.Ordinal);
                if (destination == source && spelled != "SRC")
                {
                    continue;
                }

                add(
                    $"rename-dir/{sourceLabel}/to-{destinationLabel}",
                    [.. setup, .. destinationSetup, new MoveDirectoryOp(source, destination), new ListOp(destination.TrimEnd('/')), new StatOp(source), new DeleteDirectoryOp(destination.TrimEnd('/'), true)]);
            }
        }
    }

    /// <summary>Truncate to every size, directly, through two levels of links and on a new file.</summary>
    private static void AddTruncates(Action<string, IEnumerable<DiffOp>> add)
    {
        (string Label, string Path, DiffOp[] Setup)[] files =
        [
            ("lower-file", "a/foo", []),
            ("link-two-levels", "a/indirect_sym", []),
            ("read-only-file", "ro", []),
            ("new-file", "a/new", [new WriteAllTextOp("a/new", "new-content")]),
            ("directory", "a/sub", []),
            ("missing", "a/missing", []),
        ];
        foreach (var (label, path, setup) in files)
        {
            foreach (var length in new long[] { 0, 3, 11, 20 })
            {
                add($"truncate/{label}/to-{length}", [.. setup, new SetLengthOp(path, length), new StatOp(path), new ReadAllBytesOp(path), new AppendAllTextOp(path, "!"), new ReadAllBytesOp(path)]);
            }
        }
    }

    /// <summary>Recursive deletes of lower trees, and "rm -rf *" over every file type.</summary>
    private static void AddRecursiveDeletes(Action<string, IEnumerable<DiffOp>> add)
    {
        foreach (var tree in new[] { "a", "tree", "opq", "a/sub", "empty" })
        {
            add($"recursive-delete/{tree}", [new DeleteDirectoryOp(tree, true), new StatOp(tree), new CreateDirectoryOp(tree), new ListOp(tree)]);
            add($"recursive-delete-after-copy-up/{tree}", [new WriteAllTextOp(tree + "/copied", "c"), new DeleteDirectoryOp(tree, true), new StatOp(tree)]);
        }

        // rm -rf * in /a: links unlinked, directories removed recursively, files unlinked; nothing shows.
        DiffOp[] everythingInA =
        [
            new DeleteFileOp("a/bar"), new DeleteFileOp("a/dangling_sym"), new DeleteFileOp("a/dir_sym"), new DeleteFileOp("a/direct_sym"),
            new DeleteDirectoryOp("a/emptysub", true), new DeleteFileOp("a/foo"), new DeleteFileOp("a/indirect_sym"), new DeleteDirectoryOp("a/sub", true),
        ];
        add("rm-rf-star/a", [.. everythingInA, new ListOp("a"), new DeleteDirectoryOp("a", false), new CreateDirectoryOp("a/x"), new ListOp("a")]);
        add("rm-rf-star/root", [
            new DeleteDirectoryOp("a", true), new DeleteDirectoryOp("empty", true), new DeleteFileOp("file"),
            new DeleteDirectoryOp("opq", true), new DeleteFileOp("ro"), new DeleteDirectoryOp("tree", true), new ListOp(string.Empty)]);
        add("rm-children-then-rmdir/a-sub", [new DeleteFileOp("a/sub/leaf"), new DeleteFileOp("a/sub/other"), new DeleteDirectoryOp("a/sub", false), new StatOp("a/sub")]);
        add("rm-children-then-rmdir/tree", [new DeleteFileOp("tree/w"), new DeleteDirectoryOp("tree/x", true), new DeleteDirectoryOp("tree", false), new CreateDirectoryOp("tree"), new ListOp("tree")]);
    }

    /// <summary>Rename chains and rings followed by unlinks.</summary>
    private static void AddChainsAndRings(Action<string, IEnumerable<DiffOp>> add)
    {
        add("chain/lower-file-across-dirs", [
            new MoveFileOp("a/foo", "a/sub/foo1", false), new MoveFileOp("a/sub/foo1", "empty/foo2", false),
            new MoveFileOp("empty/foo2", "foo3", false), new DeleteFileOp("foo3")]);
        add("chain/back-to-first-name", [
            new MoveFileOp("a/foo", "a/tmp", false), new MoveFileOp("a/tmp", "tree/tmp", false), new MoveFileOp("tree/tmp", "a/foo", false)]);
        add("ring/two-files", [
            new MoveFileOp("a/foo", "a/tmp", false), new MoveFileOp("a/bar", "a/foo", false), new MoveFileOp("a/tmp", "a/bar", false),
            new DeleteFileOp("a/foo"), new DeleteFileOp("a/bar")]);
        add("ring/three-files-across-layers", [
            new MoveFileOp("a/foo", "tmp", false), new MoveFileOp("file", "a/foo", true), new MoveFileOp("ro", "file", false),
            new MoveFileOp("tmp", "ro", false), new DeleteFileOp("a/foo"), new DeleteFileOp("file"), new DeleteFileOp("ro")]);
        add("chain/new-file-through-whited-out-names", [
            new WriteAllTextOp("a/n", "n"), new MoveFileOp("a/n", "a/hidden", false), new MoveFileOp("a/hidden", "opq/old", false),
            new DeleteFileOp("opq/old")]);
        add("chain/new-dir-through-merged-dirs", [
            new CreateDirectoryOp("d1/inner"), new MoveDirectoryOp("d1", "a/d1"), new MoveDirectoryOp("a/d1", "tree/d1"),
            new MoveDirectoryOp("tree/d1", "d1"), new DeleteDirectoryOp("d1", true)]);
        add("chain/overwrite-each-other", [
            new MoveFileOp("a/foo", "a/bar", true), new MoveFileOp("a/bar", "file", true), new MoveFileOp("file", "ro", true), new DeleteFileOp("ro")]);
    }
}
