using System.Reflection;

namespace Overlay.Cli.Tests.Support;

/// <summary>The repository root (recorded at build time) and the recorded fixtures it keeps under tests/fixtures.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Overlay.Tests.RepositoryRoot").Value!;

    /// <summary>A file or folder of tests/fixtures (see tests/fixtures/README.md); missing is an error.</summary>
    public static string Fixture(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "tests", "fixtures", relativePath));
        return File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"Test fixture '{path}' is missing; fixtures are part of the repository (tests/fixtures).", path);
    }

    /// <summary>The real Docker fixtures (tests/fixtures/docker, see its README).</summary>
    public static string DockerFixture(string name) => Fixture(Path.Combine("docker", name));
}
