namespace Overlay.Tests.Differential;

/// <summary>
/// The minimal sequences of differences the differential runs once found (each now fixed in
/// PosixIo or the engine), replayed on a live mount: the library must answer as the kernel does.
/// </summary>
[Trait("Category", "KernelMount")]
public sealed class FoundDifferenceRegressionTests
{
    private static readonly DateTime Time2010 = new(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string> Names => new(Cases.Keys);

    private static Dictionary<string, DiffCase> Cases { get; } = new()
    {
        // File.Move without overwrite is link(2) then unlink(2): EEXIST for an existing destination
        // comes before rename(2)'s ENOTEMPTY.
        ["move onto a non-empty directory"] = Case([SpecEntry.Dir("a"), SpecEntry.File("a/a", "x")], new MoveFileOp("a/a", "a", false)),

        // link(2) answers EEXIST for an existing new name even with a trailing slash.
        ["move onto itself with a trailing slash"] = Case([SpecEntry.File("b", "x")], new MoveFileOp("b", "b/", false)),
        ["move a dangling link onto itself with a trailing slash"] = Case([SpecEntry.Link("a", "c/c")], new MoveFileOp("a", "a/", false)),

        // A create through a dangling link whose target's directory is missing: the link's own
        // directory exists, so the file is "not found".
        ["write through a link to a missing directory"] = Case([SpecEntry.Link("c", "a/b")], new WriteAllTextOp("c", "hello")),
        ["append through a link to a missing directory"] = Case([SpecEntry.Link("c", "a/b")], new AppendAllTextOp("c", "hello")),
        ["create through a link to a missing directory"] = Case([SpecEntry.Link("c", "a/b")], new OpenOp("c", FileMode.Create, FileAccess.Write)),
        ["open-or-create through a link to a missing directory"] = Case([SpecEntry.Link("c", "a/b")], new OpenOp("c", FileMode.OpenOrCreate, FileAccess.Write)),
        ["append-open through a link to a missing directory"] = Case([SpecEntry.Link("c", "a/b")], new OpenOp("c", FileMode.Append, FileAccess.Write)),

        // unlink(2) never follows the final name: "link/" is ENOTDIR.
        ["delete a link to the root with a trailing slash"] = Case([SpecEntry.Link("b", ".")], new DeleteFileOp("b/")),
        ["delete a link to a directory with a trailing slash"] = Case(
            [SpecEntry.Dir("a"), SpecEntry.Dir("a/sub"), SpecEntry.Link("a/dir_sym", "sub")], new DeleteFileOp("a/dir_sym/")),
        ["delete a looping link with a trailing slash"] = Case([SpecEntry.File("x", "x")], new CreateSymbolicLinkOp("b", "b"), new DeleteFileOp("b/")),

        // Directory.Move: rename(2)'s path errors come first.
        ["move a file named with a trailing slash into a missing directory"] = Case([SpecEntry.File("a", "x")], new MoveDirectoryOp("a/", "c/b")),
        ["move a looping link named with a trailing slash into a missing directory"] = Case([SpecEntry.Link("c", "c")], new MoveDirectoryOp("c/", "a/a")),
        ["move a missing directory under a looping link"] = Case([SpecEntry.Link("a", "a/b"), SpecEntry.Dir("b")], new MoveDirectoryOp("b/a", "a/b/")),

        // File.Move with a trailing slash on the source: link(2) follows it.
        ["move a dangling link named with a trailing slash"] = Case([SpecEntry.Dir("b"), SpecEntry.Link("b/a", "zz")], new MoveFileOp("b/a/", "c", false)),
        ["move a looping link named with a trailing slash"] = Case([SpecEntry.Link("a", "a/a")], new MoveFileOp("a/", "b/", false)),
        ["move a file named with a trailing slash under a looping link"] = Case(
            [SpecEntry.File("a", "x"), SpecEntry.Link("b", "b")], new MoveFileOp("a/", "b/b", false)),

        // readlink(2) of a name whose directory is missing.
        ["resolve a link in a missing directory"] = Case([SpecEntry.File("x", "x")], new ResolveLinkOp("nodir/x", false)),
        ["resolve a link in a missing directory with a trailing slash"] = Case([SpecEntry.File("x", "x")], new ResolveLinkOp("nodir/x/", false)),

        // utimensat(2) follows "link/": the target's other time becomes the link's own.
        ["set the access time through a link to a directory with a trailing slash"] = Case(
            [SpecEntry.Dir("a"), SpecEntry.Dir("a/sub"), SpecEntry.Link("a/dir_sym", "sub")], new SetTimeOp("a/dir_sym/", Time2010, LastAccess: true)),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void The_library_answers_as_the_kernel(string name)
    {
        KernelOracle.RequireOrSkip();
        DifferentialRunner.AssertSame(Cases[name]);
    }

    private static DiffCase Case(IReadOnlyList<SpecEntry> lower, params DiffOp[] ops) => new(new StackSpec([lower]), ops);
}
