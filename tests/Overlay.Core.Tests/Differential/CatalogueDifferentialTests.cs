namespace Overlay.Tests.Differential;

/// <summary>
/// The scenario catalogue (<see cref="DifferentialCatalogue"/>) over the standard lowers, each case
/// run on the kernel's overlayfs and on the library and compared after every step.
/// </summary>
[Trait("Category", "KernelMount")]
public sealed class CatalogueDifferentialTests
{
    /// <summary>Every case of the catalogue, by name (family/kind-of-name/variant).</summary>
    public static TheoryData<string> CaseNames() => new(DifferentialCatalogue.Cases.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Catalogue_case_does_what_the_kernel_does(string name)
    {
        KernelOracle.RequireOrSkip();

        DifferentialRunner.AssertSame(new DiffCase(DifferentialCatalogue.StandardStack, DifferentialCatalogue.Cases[name]));
    }

    [Fact]
    public void Catalogue_covers_every_family_of_the_reference()
    {
        var families = DifferentialCatalogue.Cases.Keys.Select(k => k[..k.IndexOf('/', StringComparison.Ordinal)]).Distinct().ToArray();

        families.Should().Contain(
        [
            "open", "mkdir", "readlink", "unlink", "rmdir", "rmdir-recursive", "chmod", "set-mtime", "set-atime",
            "rename-file", "rename-dir", "truncate", "recursive-delete", "rm-rf-star", "chain", "ring",
        ]);
        DifferentialCatalogue.Cases.Count.Should().BeGreaterThan(900);
    }
}
