using System.Reflection;
using System.Runtime.CompilerServices;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Finds the project's <c>shared/</c> folder, which lives beside the repository clone, not in it:
/// <c>/work/shared</c> next to <c>/work/main</c> on a developer machine, <c>&lt;clone&gt;/../shared</c> in CI.
/// Walks up from the test assembly's directory (<see cref="AppContext.BaseDirectory"/>), then from
/// the repository root recorded in the assembly's metadata (<see cref="RepositoryRootMetadataKey"/>),
/// then from this source file's directory (when the build kept real source paths), checking
/// <c>&lt;dir&gt;/shared</c> and <c>&lt;dir&gt;/../shared</c> at each level. The environment variable
/// <c>OVERLAY_SHARED_DIR</c>, when set, is tried first. A missing fixture is an error, never a reason
/// to skip: CI has it.
/// </summary>
public static class SharedFixtures
{
    /// <summary>Environment variable naming the <c>shared/</c> directory, tried before the walk.</summary>
    public const string SharedDirectoryVariable = "OVERLAY_SHARED_DIR";

    /// <summary>The test assembly's <see cref="AssemblyMetadataAttribute"/> naming the repository root, if any.</summary>
    public const string RepositoryRootMetadataKey = "Overlay.Tests.RepositoryRoot";

    /// <summary>Path of the kernel scenarios inside <c>shared/</c>.</summary>
    public const string KernelScenariosRelativePath = "fixtures/kernel-scenarios/kernel-scenarios.jsonl";

    /// <summary>The full path of <c>shared/fixtures/kernel-scenarios/kernel-scenarios.jsonl</c>.</summary>
    /// <exception cref="FileNotFoundException">No ancestor of the test assembly has it.</exception>
    public static string KernelScenariosPath => Find(KernelScenariosRelativePath);

    /// <summary>The full path of <paramref name="relativePath"/> inside the first <c>shared/</c> found.</summary>
    /// <exception cref="FileNotFoundException">No ancestor of the test assembly has it.</exception>
    public static string Find(string relativePath) => Find(relativePath, StartDirectories());

    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside the first <c>shared/</c> found while
    /// walking up from each of <paramref name="startDirectories"/> in turn.
    /// </summary>
    /// <exception cref="FileNotFoundException">No ancestor of the start directories has it.</exception>
    public static string Find(string relativePath, params IEnumerable<string> startDirectories)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(startDirectories);
        var searched = new List<string>();
        var overridden = Environment.GetEnvironmentVariable(SharedDirectoryVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            var candidate = Path.GetFullPath(Path.Combine(overridden, relativePath));
            if (File.Exists(candidate))
            {
                return candidate;
            }

            searched.Add(candidate + " (from " + SharedDirectoryVariable + ")");
        }

        foreach (var start in startDirectories)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var shared in new[] { Path.Combine(dir.FullName, "shared"), Path.Combine(dir.FullName, "..", "shared") })
                {
                    var candidate = Path.GetFullPath(Path.Combine(shared, relativePath));
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }

                    searched.Add(candidate);
                }
            }
        }

        throw new FileNotFoundException(
            $"Shared fixture 'shared/{relativePath}' not found. It must sit beside the repository clone " +
            $"(<clone>/../shared, as on developer machines and in CI). Looked in:{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", searched.Distinct(StringComparer.Ordinal)),
            relativePath);
    }

    private static IEnumerable<string> StartDirectories([CallerFilePath] string sourceFile = "")
    {
        yield return AppContext.BaseDirectory;

        // The repository the test assembly was built from (an AssemblyMetadata item of the test project).
        var repositoryRoot = typeof(SharedFixtures).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == RepositoryRootMetadataKey)?.Value;
        if (!string.IsNullOrEmpty(repositoryRoot) && Directory.Exists(repositoryRoot))
        {
            yield return repositoryRoot;
        }

        // Real source paths only: a CI build (ContinuousIntegrationBuild) maps them to "/_/".
        var sourceDirectory = Path.GetDirectoryName(sourceFile);
        if (!string.IsNullOrEmpty(sourceDirectory) && Directory.Exists(sourceDirectory))
        {
            yield return sourceDirectory;
        }
    }
}
