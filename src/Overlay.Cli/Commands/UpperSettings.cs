using System.ComponentModel;
using Overlay.Layers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary>The settings of the commands that read a container's upper over an image.</summary>
internal class UpperSettings : ImageSettings
{
    [CommandOption("--upper <DIR>")]
    [Description("The container's upper directory (its writable layer).")]
    public string? Upper { get; set; }

    [CommandOption("--form <FORM>")]
    [Description("How the upper stores whiteouts: oci (.wh. files, the default) or kernel (character devices 0/0 and overlay xattrs, as Docker's overlay2 diff/ directories).")]
    public string Form { get; set; } = "oci";

    public override ValidationResult Validate()
    {
        if (string.IsNullOrEmpty(Upper))
        {
            return ValidationResult.Error("--upper DIR is required.");
        }

        return Form is "oci" or "kernel" ? ValidationResult.Success() : ValidationResult.Error($"--form {Form}: use oci or kernel.");
    }

    /// <summary>
    /// Opens the upper as a layer; it is only read. An upper needs a work directory on its file
    /// system, so an empty one is made beside it and removed with the returned handle.
    /// </summary>
    public OpenedUpper OpenUpper()
    {
        if (!Directory.Exists(Upper))
        {
            throw new CliException(File.Exists(Upper) ? ExitCode.Usage : ExitCode.InputNotFound, $"{Upper}: no such directory (--upper takes a directory).");
        }

        string full = Path.GetFullPath(Upper!);
        string work = Path.Combine(Path.GetDirectoryName(full) ?? full, $".overlay-work-{Guid.NewGuid():N}");
        try
        {
            return new OpenedUpper(new HostDirectoryLayer(full, new HostDirectoryLayerOptions
            {
                Name = "upper",
                WhiteoutForm = Form == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci,
                WorkDirectory = work,
            }), work);
        }
        catch
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            throw;
        }
    }
}

/// <summary>An upper opened for reading, with the scratch work directory it needed.</summary>
internal sealed class OpenedUpper(HostDirectoryLayer layer, string workDirectory) : IDisposable
{
    public HostDirectoryLayer Layer { get; } = layer;

    public void Dispose()
    {
        Layer.Dispose();
        if (Directory.Exists(workDirectory))
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }
}
