using System.ComponentModel;
using Overlay.Layers;
using Overlay.Paths;
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
    [Description("How the upper stores whiteouts: oci (.wh. files) or kernel (character devices 0/0 and overlay xattrs, as Docker's overlay2 diff/ directories). Detected from the upper when omitted.")]
    public string? Form { get; set; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrEmpty(Upper))
        {
            return ValidationResult.Error("--upper DIR is required.");
        }

        return Form is null or "oci" or "kernel" ? base.Validate() : ValidationResult.Error($"--form {Form}: use oci or kernel.");
    }

    /// <summary>
    /// Opens the upper as a layer; it is only read. An upper needs a work directory on its file
    /// system, so an empty one is made beside it and removed with the returned handle.
    /// </summary>
    /// <param name="warnings">Where a note on the detected form, or a warning that the declared form contradicts the content, goes (standard error).</param>
    public OpenedUpper OpenUpper(TextWriter warnings)
    {
        if (!Directory.Exists(Upper))
        {
            throw new CliException(File.Exists(Upper) ? ExitCode.Usage : ExitCode.InputNotFound, $"{Upper}: no such directory (--upper takes a directory).");
        }

        string full = Path.GetFullPath(Upper!);
        var form = ChooseForm(full, warnings);
        string work = Path.Combine(Path.GetDirectoryName(full) ?? full, $".overlay-work-{Guid.NewGuid():N}");
        try
        {
            return new OpenedUpper(new HostDirectoryLayer(full, new HostDirectoryLayerOptions
            {
                Name = "upper",
                WhiteoutForm = form,
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

    /// <summary>
    /// The whiteout form to read the upper in. The two forms mark deletions differently, and an
    /// upper read in the wrong one silently loses them (a kernel whiteout read as OCI is a device
    /// file, an OCI whiteout read as kernel an ordinary file named .wh.*): so the content is looked
    /// at. Without --form the form its markers show is used; a declared form the markers contradict
    /// is kept, with a warning naming the marker.
    /// </summary>
    private WhiteoutForm ChooseForm(string upper, TextWriter warnings)
    {
        string? kernel = FirstMarker(upper, WhiteoutForm.Kernel);
        string? oci = FirstMarker(upper, WhiteoutForm.Oci);
        switch (Form)
        {
            case null when kernel is not null && oci is null:
                warnings.WriteLine($"overlay: reading {Upper} in the kernel whiteout form: {kernel}.");
                return WhiteoutForm.Kernel;
            case null:
                return WhiteoutForm.Oci;
            case "oci" when kernel is not null:
                warnings.WriteLine($"overlay: warning: --form oci, but {kernel}: its deletions are not seen in the oci form; use --form kernel.");
                return WhiteoutForm.Oci;
            case "kernel" when oci is not null && kernel is null:
                warnings.WriteLine($"overlay: warning: --form kernel, but {oci}: its deletions are not seen in the kernel form; use --form oci.");
                return WhiteoutForm.Kernel;
            default:
                return Form == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci;
        }
    }

    /// <summary>The first whiteout or opaque marker of a form in a directory tree, described, or <see langword="null"/>.</summary>
    internal static string? FirstMarker(string directory, WhiteoutForm form)
    {
        // The kernel form's attributes are trusted.overlay.* (as root) or user.overlay.* (rootless).
        foreach (bool user in form == WhiteoutForm.Kernel ? new[] { false, true } : [false])
        {
            using var layer = new HostDirectoryLayer(directory, new HostDirectoryLayerOptions { Name = "probe", WhiteoutForm = form, UserExtendedAttributes = user });
            foreach (var (path, entry) in Inspection.LayerStack.Walk(layer))
            {
                if (entry.Kind == LayerEntryKind.Whiteout)
                {
                    return form == WhiteoutForm.Kernel
                        ? $"{path} is a character device 0/0 (a kernel whiteout)"
                        : $"{PosixPath.Combine(PosixPath.ParentOf(path), OciWhiteout.NameFor(entry.Name))} is an OCI whiteout";
                }

                if (entry.IsOpaque)
                {
                    return form == WhiteoutForm.Kernel
                        ? $"{path} has the {KernelWhiteout.PrefixFor(user)}{KernelWhiteout.Opaque} attribute (a kernel opaque directory)"
                        : $"{PosixPath.Combine(path, OciWhiteout.OpaqueMarker)} is an OCI opaque marker";
                }
            }
        }

        return null;
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
