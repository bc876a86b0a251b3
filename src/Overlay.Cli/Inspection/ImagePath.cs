using Overlay.Paths;

namespace Overlay.Cli.Inspection;

/// <summary>Paths inside an image as the user types them, made the library's one path value.</summary>
internal static class ImagePath
{
    /// <summary>The user's PATH argument as a normal absolute path without a trailing '/': empty means the root.</summary>
    public static string Normalize(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "/";
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new CliException(ExitCode.Usage, "PATH contains a NUL character.");
        }

        return UnionPath.Parse(path).Trimmed.Value;
    }
}
