using System.Text;

namespace Overlay.Tests.Differential;

/// <summary>
/// Pins each intended difference (docs/differences-from-kernel.md) that <see cref="DifferentialComparer"/>
/// allows for, on a live mount: the kernel really does what the section says, the library really
/// does the other thing, and nothing more differs. If either side changes, these fail, and the
/// comparer's exception must be revisited.
/// </summary>
[Trait("Category", "KernelMount")]
public sealed class KnownDifferenceTests
{
    /// <summary>
    /// "A whiteout inside an opaque directory is hidden": the kernel lists the whiteout's name but
    /// cannot look it up; the library neither lists nor finds it.
    /// </summary>
    [Fact]
    public void A_whiteout_inside_an_opaque_lower_directory_is_a_ghost_on_the_kernel_and_hidden_by_the_library()
    {
        KernelOracle.RequireOrSkip();
        var stack = new StackSpec(
        [
            [SpecEntry.Opaque("o"), SpecEntry.File("o/kept", "k"), SpecEntry.Whiteout("o/w")],
            [SpecEntry.Dir("o"), SpecEntry.File("o/w", "hidden")],
        ]);
        using var pair = DifferentialPair.Create(stack);

        new ListOp("o").Apply(pair.Kernel).Should().Contain("kept").And.Contain("w?");
        new StatOp("o/w").Apply(pair.Kernel).Should().Be("ok: 'nolink missing'");
        TreeSnapshot.Merged(pair.Kernel.FileSystem, pair.Kernel.Root, pair.StartedUtc).Should().Contain("o/w ghost");

        new ListOp("o").Apply(pair.Library).Should().Be("ok: '[kept]'");
        new StatOp("o/w").Apply(pair.Library).Should().Be("ok: 'nolink missing'");
        TreeSnapshot.Merged(pair.Library.FileSystem, pair.Library.Root, pair.StartedUtc).Should().NotContain(l => l.StartsWith("o/w", StringComparison.Ordinal));

        DifferentialRunner.AssertSame(new DiffCase(stack, [new ListOp("o"), new StatOp("o/w")]));
    }

    /// <summary>
    /// The same mechanism outside an opaque directory: a lower directory that no layer below
    /// holds is not merged either, so the kernel lists a whiteout in it (one that hides nothing)
    /// as a ghost too; the library hides it. The comparer treats both alike (a ghost is accepted
    /// only where a lower holds a whiteout at that very path).
    /// </summary>
    [Fact]
    public void A_whiteout_in_a_directory_only_one_lower_holds_is_a_ghost_on_the_kernel_too()
    {
        KernelOracle.RequireOrSkip();
        var stack = new StackSpec(
        [
            [SpecEntry.Dir("only"), SpecEntry.File("only/kept", "k"), SpecEntry.Whiteout("only/w")],
            [SpecEntry.File("other", "o")],
        ]);
        using var pair = DifferentialPair.Create(stack);

        new ListOp("only").Apply(pair.Kernel).Should().Contain("kept").And.Contain("w?only/w");
        new StatOp("only/w").Apply(pair.Kernel).Should().Be("ok: 'nolink missing'");
        new ListOp("only").Apply(pair.Library).Should().Be("ok: '[kept]'");

        // Once the directory is merged (copied up), the kernel filters the whiteout itself.
        new WriteAllTextOp("only/new", "n").Apply(pair.Kernel).Should().Be("ok");
        new ListOp("only").Apply(pair.Kernel).Should().NotContain("w?");

        DifferentialRunner.AssertSame(new DiffCase(stack, [new ListOp("only"), new StatOp("only/w"), new WriteAllTextOp("only/new", "n"), new ListOp("only")]));
    }

    /// <summary>"Directory listings are sorted": the library's order is ordinal, the kernel's is its own; the names are the same.</summary>
    [Fact]
    public void Listings_hold_the_same_names_and_the_library_sorts_them_ordinally()
    {
        KernelOracle.RequireOrSkip();
        string[] names = ["m", "B", "z", "a", "Q", "c"];
        var stack = new StackSpec(
        [
            [SpecEntry.Dir("d"), .. names[..3].Select(n => SpecEntry.File("d/" + n, n))],
            [SpecEntry.Dir("d"), .. names[3..].Select(n => SpecEntry.File("d/" + n, n))],
        ]);
        using var pair = DifferentialPair.Create(stack);
        new WriteAllTextOp("d/k", "new").Apply(pair.Kernel).Should().Be("ok");
        new WriteAllTextOp("d/k", "new").Apply(pair.Library).Should().Be("ok");

        var kernel = pair.Kernel.FileSystem.Directory.EnumerateFileSystemEntries(pair.Kernel.Full("d")).Select(Path.GetFileName).ToArray();
        var library = pair.Library.FileSystem.Directory.EnumerateFileSystemEntries("/d").Select(Path.GetFileName).ToArray();

        library.Should().Equal(["B", "Q", "a", "c", "k", "m", "z"]);
        kernel.Should().BeEquivalentTo(library);
        DifferentialRunner.AssertSame(new DiffCase(stack, [new WriteAllTextOp("d/k", "new"), new ListOp("d")]));
    }

    /// <summary>
    /// "Buffering": a buffered .NET <c>FileStream</c> on the kernel mount serves the bytes it read
    /// ahead before a copy-up; the library's streams are unbuffered and serve the new data. The
    /// differential suite reads held streams unbuffered (bufferSize 1), where both give what the
    /// kernel's fd gives.
    /// </summary>
    [Fact]
    public void A_buffered_kernel_stream_serves_old_bytes_after_a_copy_up_where_the_library_serves_new_ones()
    {
        KernelOracle.RequireOrSkip();
        var stack = new StackSpec([[SpecEntry.File("f", "old-content")]]);
        using var pair = DifferentialPair.Create(stack);

        string ReadAfterWrite(DiffSide side)
        {
            using var stream = side.FileSystem.FileStream.New(side.Full("f"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 4096);
            var first = new byte[3];
            stream.ReadExactly(first);
            side.FileSystem.File.WriteAllText(side.Full("f"), "NEW-CONTENT");
            var rest = new byte[8];
            stream.ReadExactly(rest);
            return Encoding.UTF8.GetString(first) + Encoding.UTF8.GetString(rest);
        }

        ReadAfterWrite(pair.Kernel).Should().Be("old-content");
        ReadAfterWrite(pair.Library).Should().Be("old-CONTENT");

        DifferentialRunner.AssertSame(new DiffCase(stack,
        [
            new HoldReadOp("f"),
            new ReadHeldOp(3),
            new WriteAllTextOp("f", "NEW-CONTENT"),
            new ReadHeldOp(8),
        ]));
    }
}
