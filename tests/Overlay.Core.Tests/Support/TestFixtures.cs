using Overlay.Tests.Infrastructure;

namespace Overlay.Tests.Support;

/// <summary>
/// The recorded fixtures kept in the repository under <c>tests/fixtures/</c> (real Docker files and
/// kernel-recorded scenarios; see <c>tests/fixtures/README.md</c>). Paths are given relative to
/// <c>tests/</c>, for example <c>fixtures/docker/image.tar</c>. A missing fixture is an error, never a
/// reason to skip: every clone of the repository has them.
/// </summary>
public static class TestFixtures
{
    /// <summary>Path of the kernel scenarios, relative to <c>tests/</c>.</summary>
    public const string KernelScenariosRelativePath = "fixtures/kernel-scenarios/kernel-scenarios.jsonl";

    /// <summary>The full path of <c>tests/fixtures/kernel-scenarios/kernel-scenarios.jsonl</c>.</summary>
    /// <exception cref="FileNotFoundException">The repository has no such file.</exception>
    public static string KernelScenariosPath => Find(KernelScenariosRelativePath);

    /// <summary>The directory holding <c>fixtures/</c>: <c>tests/</c> of the repository the tests were built from.</summary>
    public static string TestsDirectory => Path.Combine(TestRepository.RootDirectory, "tests");

    /// <summary>The full path of <paramref name="relativePath"/> (relative to <c>tests/</c>) in the repository.</summary>
    /// <exception cref="FileNotFoundException">The repository has no such file.</exception>
    public static string Find(string relativePath) => Find(relativePath, TestsDirectory);

    /// <summary>The full path of <paramref name="relativePath"/> below <paramref name="testsDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file or directory.</exception>
    public static string Find(string relativePath, string testsDirectory)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(testsDirectory);
        var candidate = Path.GetFullPath(Path.Combine(testsDirectory, relativePath));
        if (File.Exists(candidate) || Directory.Exists(candidate))
        {
            return candidate;
        }

        throw new FileNotFoundException(
            $"Test fixture '{candidate}' is missing. Fixtures are part of the repository (tests/fixtures/, " +
            "see its README); a checkout without them is incomplete.",
            candidate);
    }
}
