using CsCheck;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Differential;

/// <summary>
/// Checks the differential harness itself: both sides start equal, a difference planted on one side
/// is reported with the step, both values and the sequence, the mount is made with exactly the
/// documented options and removed on dispose, and the upper dumps normalise both on-disk forms.
/// </summary>
[Trait("Category", "KernelMount")]
public sealed class DifferentialHarnessTests
{
    private static readonly StackSpec TwoLowers = new(
    [
        [SpecEntry.Dir("d"), SpecEntry.File("d/top", "top"), SpecEntry.Whiteout("d/gone"), SpecEntry.Opaque("o"), SpecEntry.File("o/new", "new")],
        [SpecEntry.Dir("d"), SpecEntry.File("d/gone", "gone"), SpecEntry.File("d/low", "low", (UnixFileMode)0b110_000_000), SpecEntry.Dir("o"), SpecEntry.File("o/old", "old"), SpecEntry.Link("l", "d/low")],
    ]);

    [Fact]
    public void Both_sides_start_with_the_same_merged_tree_and_an_empty_upper()
    {
        KernelOracle.RequireOrSkip();

        DifferentialRunner.AssertSame(new DiffCase(TwoLowers, [new StatOp("d/low")]));
    }

    [Fact]
    public void Copy_up_whiteout_and_opaque_directory_are_normalised_to_the_same_upper()
    {
        KernelOracle.RequireOrSkip();
        using var pair = DifferentialPair.Create(TwoLowers);

        foreach (var side in new[] { pair.Kernel, pair.Library })
        {
            new AppendAllTextOp("d/low", "+").Apply(side).Should().Be("ok");
            new DeleteFileOp("d/top").Apply(side).Should().Be("ok");
            new DeleteDirectoryOp("o", true).Apply(side).Should().Be("ok");
            new CreateDirectoryOp("o").Apply(side).Should().Be("ok");
        }

        var kernel = pair.Kernel.DumpUpper();
        kernel.Should().Equal(
            "d d 755 now",
            "d/low f 600 \"low+\" now",
            "d/top w",
            "o d 755 now",
            "o opaque");
        pair.Library.DumpUpper().Should().Equal(kernel);
        TreeSnapshot.Merged(pair.Library.FileSystem, pair.Library.Root, pair.StartedUtc)
            .Should().Equal(TreeSnapshot.Merged(pair.Kernel.FileSystem, pair.Kernel.Root, pair.StartedUtc));
    }

    [Fact]
    public void The_mount_uses_exactly_the_documented_options_and_is_gone_after_dispose()
    {
        KernelOracle.RequireOrSkip();
        string mountPoint;
        using (var pair = DifferentialPair.Create(TwoLowers))
        {
            mountPoint = pair.Kernel.Root;
            pair.BaseDirectory.Should().Contain("overlay-test");
            pair.KernelMountOptions.Should().EndWith(",upperdir=" + pair.Kernel.UpperDirectory + ",workdir=" + Path.Combine(pair.BaseDirectory, "kernel", "work")
                + ",redirect_dir=off,index=off,metacopy=off,xino=off");

            // The kernel shows an option only where it is not the default; none of these is on.
            var line = File.ReadAllLines("/proc/mounts").Single(l => l.Split(' ')[1] == mountPoint);
            var options = line.Split(' ')[3].Split(',');
            options.Should().Contain(o => o.StartsWith("lowerdir=", StringComparison.Ordinal))
                .And.Contain(o => o.StartsWith("upperdir=", StringComparison.Ordinal))
                .And.Contain(o => o.StartsWith("workdir=", StringComparison.Ordinal))
                .And.NotContain(o => o.StartsWith("redirect_dir=", StringComparison.Ordinal) && o != "redirect_dir=off")
                .And.NotContain(o => o == "index=on" || o == "metacopy=on" || o == "xino=on" || o == "xino=auto");
        }

        File.ReadAllLines("/proc/mounts").Should().NotContain(l => l.Split(' ')[1] == mountPoint);
        Directory.Exists(mountPoint).Should().BeFalse();
    }

    [Fact]
    public void A_difference_is_reported_with_the_step_both_values_and_the_sequence()
    {
        KernelOracle.RequireOrSkip();
        var diffCase = new DiffCase(TwoLowers,
        [
            new ReadAllBytesOp("d/low"),
            new LibraryOnlyOp(new WriteAllTextOp("d/extra", "x")),
            new StatOp("d/low"),
        ]);

        var mismatch = DifferentialRunner.Run(diffCase);

        mismatch.Should().NotBeNull();
        mismatch!.StepIndex.Should().Be(1);
        var report = mismatch.Report();
        report.Should().Contain("differ at step 1 of 0..2")
            .And.Contain("[0] File.ReadAllBytes(\"d/low\")  -> ok: '\"low\"' | ok: '\"low\"'")
            .And.Contain("+ d/extra f 644 \"x\" now")
            .And.Contain("L1: d dir; d/gone file \"gone\"");
    }

    [Fact]
    public void A_write_to_a_lower_of_the_library_is_reported_after_the_last_step()
    {
        KernelOracle.RequireOrSkip();
        var diffCase = new DiffCase(TwoLowers, [new LowerTamperOp()]);

        var mismatch = DifferentialRunner.Run(diffCase);

        mismatch.Should().NotBeNull();
        mismatch!.StepIndex.Should().Be(1);
        mismatch.Report().Should().Contain("after the last step").And.Contain("+ L1: d/gone f 644 \"tampered\" now");
    }

    [Fact]
    public void Minimise_drops_what_the_difference_does_not_need()
    {
        KernelOracle.RequireOrSkip();
        var diffCase = new DiffCase(TwoLowers,
        [
            new ReadAllBytesOp("d/low"),
            new CreateDirectoryOp("n"),
            new LibraryOnlyOp(new WriteAllTextOp("d/extra", "x")),
            new StatOp("d/low"),
        ]);
        var mismatch = DifferentialRunner.Run(diffCase)!;

        var (minimal, minimalMismatch) = DifferentialRunner.Minimise(diffCase, mismatch);

        minimal.Ops.Should().ContainSingle().Which.Should().BeOfType<LibraryOnlyOp>();
        minimal.Stack.LowersTopFirst.SelectMany(l => l).Select(e => e.Path).Should().Equal(["d"], "the planted write needs its directory, and nothing else");
        minimalMismatch.StepIndex.Should().Be(0);
    }

    [Theory]
    [InlineData("a ghost", true)]
    [InlineData("b ghost", false)]
    [InlineData("a f 644 \"x\" now", false)]
    public void Only_a_ghost_over_a_lower_whiteout_is_a_documented_difference(string line, bool documented) =>
        DifferentialComparer.IsDocumentedGhost(line, new StackSpec([[SpecEntry.Whiteout("a")]])).Should().Be(documented);

    [Fact]
    public void Listings_are_compared_sorted_on_the_kernel_side_only()
    {
        var stack = new StackSpec([[SpecEntry.Opaque("o"), SpecEntry.Whiteout("o/w")]]);

        DifferentialComparer.NormaliseListing(new ListOp("o"), "ok: '[c,w?o/w,a,x?o/x]'", stack).Should().Be("ok: '[a,c,x?o/x]'");
        DifferentialComparer.NormaliseListing(new ListOp("o/"), "EX IOException hr=20", stack).Should().Be("EX IOException hr=20");
    }

    [Fact]
    public void Generated_lowers_are_valid_layers_and_no_link_can_reach_above_the_root()
    {
        DiffGenerators.Case.Sample(
            diffCase =>
            {
                diffCase.Stack.LowersTopFirst.Count.Should().BeInRange(2, 3);
                diffCase.Ops.Count.Should().BeInRange(1, 12);
                foreach (var layer in diffCase.Stack.LowersTopFirst)
                {
                    var directories = layer.Where(e => e.IsDirectory).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
                    layer.Select(e => e.Path).Should().OnlyHaveUniqueItems();
                    var orphans = layer.Where(e => e.Path.Contains('/', StringComparison.Ordinal) && !directories.Contains(e.Path[..e.Path.LastIndexOf('/')]));
                    orphans.Should().BeEmpty("a child is written only under a directory of its own layer");
                }

                var targets = diffCase.Stack.LowersTopFirst.SelectMany(l => l).Where(e => e.Kind == SpecKind.Symlink).Select(e => e.Data)
                    .Concat(diffCase.Ops.OfType<CreateSymbolicLinkOp>().Select(op => op.Target));
                targets.Where(t => t.StartsWith('/') || t.Split('/').Contains("..")).Should().BeEmpty();
            },
            iter: 500);
    }

    [Fact]
    public void Without_the_kernel_a_live_test_skips_with_the_reason_unless_the_kernel_is_required()
    {
        var skip = () => KernelOracle.SkipOrFail("no mount here", required: false);
        var fail = () => KernelOracle.SkipOrFail("no mount here", required: true);

        skip.Should().Throw<Xunit.Sdk.SkipException>().WithMessage("*not available here: no mount here*");
        fail.Should().Throw<Xunit.Sdk.FailException>().WithMessage("*no mount here*OVERLAY_REQUIRE_KERNEL=1*");
    }

    [Fact]
    public void The_kernel_is_available_wherever_it_is_required()
    {
        // CI sets OVERLAY_REQUIRE_KERNEL=1 as root on Linux: there the probe mount must succeed.
        if (KernelOracle.Required)
        {
            KernelOracle.UnavailableReason.Should().BeNull();
        }
        else
        {
            KernelOracle.RequireOrSkip();
        }
    }

    /// <summary>A test-only operation applied to the library's side alone: a planted difference.</summary>
    private sealed record LibraryOnlyOp(DiffOp Inner) : DiffOp
    {
        protected override object? Run(DiffSide side) => side.Name == "library" ? Inner.Apply(side) is "ok" ? null : "failed" : null;

        public override string Describe() => "library only: " + Inner.Describe();
    }

    /// <summary>A test-only operation writing into the library's top lower on disk.</summary>
    private sealed record LowerTamperOp : DiffOp
    {
        protected override object? Run(DiffSide side)
        {
            if (side.Name == "library")
            {
                // A name the top lower whites out: the merged view cannot show the change.
                File.WriteAllText(Path.Combine(Path.GetDirectoryName(side.UpperDirectory)!, "lower1", "d", "gone"), "tampered");
            }

            return null;
        }

        public override string Describe() => "tamper with the library's lower1";
    }
}
