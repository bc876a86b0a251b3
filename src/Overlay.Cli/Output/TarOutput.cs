namespace Overlay.Cli.Output;

/// <summary>
/// Writes a tar to a path all or nothing: into a temporary sibling first, renamed over the target
/// only when complete, so a failed export leaves nothing half-written behind.
/// </summary>
internal static class TarOutput
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new CliException(ExitCode.IoError, $"{path}: the directory {directory} does not exist.");
        }

        if (Directory.Exists(full))
        {
            throw new CliException(ExitCode.IoError, $"{path}: is a directory.");
        }

        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliException(ExitCode.IoError, $"{path}: cannot write ({e.Message}).", e);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
