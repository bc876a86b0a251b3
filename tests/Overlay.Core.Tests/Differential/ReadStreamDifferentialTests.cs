namespace Overlay.Tests.Differential;

/// <summary>
/// Read streams opened on a lower file before it is copied up (or deleted, renamed, re-created):
/// the kernel's fd (since Linux 4.19) follows the copy-up, and the library must give, read for read,
/// the same bytes, position and length. The streams are unbuffered (see <see cref="HoldReadOp"/>),
/// so what is compared is the fd's behaviour; .NET's own read-ahead buffer is the documented
/// "Buffering" difference, pinned in <see cref="KnownDifferenceTests"/>.
/// </summary>
[Trait("Category", "KernelMount")]
public sealed class ReadStreamDifferentialTests
{
    private const string Content = "lower-content-0123";

    private static readonly StackSpec Stack = new(
    [
        [SpecEntry.Dir("d"), SpecEntry.File("d/top", Content), SpecEntry.Link("l", "d/low")],
        [SpecEntry.Dir("d"), SpecEntry.File("d/low", Content, (UnixFileMode)0b110_100_000)],
    ]);

    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["bottom-lower"] = "d/low",
        ["top-lower"] = "d/top",
        ["through-link"] = "l",
    };

    private static readonly Dictionary<string, Func<string, DiffOp[]>> Changes = new(StringComparer.Ordinal)
    {
        ["write-shorter"] = p => [new WriteAllTextOp(p, "NEW")],
        ["write-longer"] = p => [new WriteAllTextOp(p, "NEW-CONTENT-WHICH-IS-LONGER")],
        ["append"] = p => [new AppendAllTextOp(p, "+more")],
        ["truncate-to-2"] = p => [new SetLengthOp(p, 2)],
        ["truncate-to-0"] = p => [new SetLengthOp(p, 0)],
        ["extend"] = p => [new SetLengthOp(p, 24)],
        ["open-read-write-without-write"] = p => [new OpenOp(p, FileMode.Open, FileAccess.ReadWrite)],
        ["overwrite-in-place"] = p => [new OpenOp(p, FileMode.Open, FileAccess.Write, "XY")],
        ["chmod"] = p => [new SetUnixFileModeOp(p, (UnixFileMode)0b110_000_000)],
        ["set-mtime"] = p => [new SetTimeOp(p, new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc))],
        ["rename"] = p => [new MoveFileOp(p, "moved", false)],
        ["rename-then-write"] = p => [new MoveFileOp(p, "moved", false), new AppendAllTextOp("moved", "+moved")],
        ["delete"] = p => [new DeleteFileOp(p)],
        ["delete-then-recreate"] = p => [new DeleteFileOp(p), new WriteAllTextOp(p, "RECREATED")],
        ["replace-by-create"] = p => [new OpenOp(p, FileMode.Create, FileAccess.Write, "CREATED")],
        ["move-another-file-over-it"] = p => [new WriteAllTextOp("d/other", "OTHER"), new MoveFileOp("d/other", p, true)],
        ["delete-directory-recursively"] = p => [new DeleteDirectoryOp("d", true)],
    };

    /// <summary>File × change × whether part of the file was read before the change.</summary>
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var file in Files.Keys)
        {
            foreach (var change in Changes.Keys)
            {
                data.Add(file, change, false);
                data.Add(file, change, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_stream_opened_before_the_change_reads_what_the_kernels_fd_reads(string file, string change, bool readFirst)
    {
        KernelOracle.RequireOrSkip();
        var path = Files[file];
        DiffOp[] ops =
        [
            new HoldReadOp(path),
            .. readFirst ? [new ReadHeldOp(5)] : Array.Empty<DiffOp>(),
            .. Changes[change](path),
            new ReadHeldOp(64),
            new ReadHeldOp(64, FromStart: true),
            new AppendAllTextOp("d/low", "+later"),
            new ReadHeldOp(64, FromStart: true),
        ];

        DifferentialRunner.AssertSame(new DiffCase(Stack, ops));
    }
}
