using System.Reflection;

namespace Overlay.Cli.Tests.Support;

/// <summary>The repository root (recorded at build time) and the project's shared/ folder beside the clone.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Overlay.Tests.RepositoryRoot").Value!;

    /// <summary>A file of shared/: $OVERLAY_SHARED_DIR first, then shared/ or ../shared from the root upwards.</summary>
    public static string Shared(string relativePath)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("OVERLAY_SHARED_DIR") is { Length: > 0 } overridden)
        {
            candidates.Add(Path.Combine(overridden, relativePath));
        }

        for (var dir = new DirectoryInfo(Root); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", relativePath));
            candidates.Add(Path.Combine(dir.FullName, "..", "shared", relativePath));
        }

        return candidates.Select(Path.GetFullPath).FirstOrDefault(p => File.Exists(p) || Directory.Exists(p))
            ?? throw new FileNotFoundException($"shared/{relativePath} not found beside the repository clone; looked in: {string.Join(", ", candidates)}");
    }

    /// <summary>The real Docker fixtures (shared/fixtures/docker, see its README).</summary>
    public static string DockerFixture(string name) => Shared(Path.Combine("fixtures", "docker", name));
}
