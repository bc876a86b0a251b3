using System.Reflection;

namespace Overlay.Fuse.Tests.Support;

/// <summary>Where the repository is, and what lies beside it.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Overlay.Tests.RepositoryRoot").Value!;

    /// <summary>
    /// The first <c>shared/<paramref name="relative"/></c> found beside the repository or beside one
    /// of its ancestors (a worktree sits deeper than the clone), or <see langword="null"/>.
    /// </summary>
    public static string? Beside(string relative)
    {
        for (var directory = new DirectoryInfo(Root).Parent; directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "shared", relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
