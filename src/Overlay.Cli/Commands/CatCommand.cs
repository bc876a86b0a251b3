using System.ComponentModel;
using Overlay.Cli.Inspection;
using Overlay.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay cat IMAGE PATH</c>: a file of the merged view, as bytes.</summary>
internal sealed class CatCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<CatCommand.Settings>(console, streams)
{
    internal sealed class Settings : ImageSettings
    {
        [CommandArgument(1, "<PATH>")]
        [Description("The file to print (symbolic links are followed, inside the image).")]
        public string Path { get; set; } = string.Empty;
    }

    protected override ExitCode Run(Settings settings)
    {
        string path = ImagePath.Normalize(settings.Path);
        using var image = OpenImage(settings);
        var fs = image.Overlay();
        if (fs.Directory.Exists(path))
        {
            throw new CliException(ExitCode.PathNotFound, $"{path}: is a directory in {settings.Image}.");
        }

        if (!fs.File.Exists(path))
        {
            throw new CliException(ExitCode.PathNotFound, $"{path}: not in the merged view of {settings.Image}.");
        }

        byte[] bytes;
        try
        {
            bytes = fs.File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new CliException(ExitCode.PathNotFound, $"{path}: a symbolic link whose target is not in {settings.Image}.");
        }

        if (settings.Json)
        {
            string? layer = LookupTracer.Stat(fs, path) is { Count: > 0 } walk ? walk[^1].Layer : null;
            WriteJson(new { path, layer, size = bytes.Length, base64 = Convert.ToBase64String(bytes) });
            return ExitCode.Success;
        }

        Streams.Output.Write(bytes);
        Streams.Output.Flush();
        return ExitCode.Success;
    }
}
