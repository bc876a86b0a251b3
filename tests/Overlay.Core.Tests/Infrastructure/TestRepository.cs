using System.Reflection;

namespace Overlay.Tests.Infrastructure;

/// <summary>
/// Where the test project and the repository live on disk, as recorded at build time
/// (see the AssemblyMetadata items in Overlay.Core.Tests.csproj).
/// </summary>
internal static class TestRepository
{
    /// <summary>The directory of Overlay.Core.Tests.csproj.</summary>
    public static string ProjectDirectory { get; } = Metadata("Overlay.Tests.ProjectDirectory");

    /// <summary>The repository root (the directory of Overlay.sln).</summary>
    public static string RootDirectory { get; } = Metadata("Overlay.Tests.RepositoryRoot");

    private static string Metadata(string key)
    {
        var value = typeof(TestRepository).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value;
        if (string.IsNullOrEmpty(value) || !Directory.Exists(value))
        {
            throw new InvalidOperationException(
                $"Assembly metadata '{key}' is '{value}', which is not a directory; the tests must run from a build of this repository.");
        }

        return value;
    }
}
