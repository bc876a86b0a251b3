namespace Overlay.Cli.Inspection;

/// <summary>Paths inside an image as the user types them: POSIX, made absolute, without trailing '/'.</summary>
internal static class ImagePath
{
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

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");
        return "/" + string.Join('/', parts);
    }

    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    public static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;
}
