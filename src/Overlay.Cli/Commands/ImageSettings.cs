using System.ComponentModel;
using Overlay.Oci;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary>What every command takes: <c>--json</c>.</summary>
internal class JsonSettings : CommandSettings
{
    [CommandOption("--json")]
    [Description("Print JSON for scripts instead of tables and trees.")]
    public bool Json { get; set; }
}

/// <summary>The settings of the commands that read an image.</summary>
internal class ImageSettings : JsonSettings
{
    [CommandArgument(0, "<IMAGE>")]
    [Description("A docker save archive, an OCI layout (directory or tar), or layer directories/tars joined by ':' topmost first (as lowerdir=).")]
    public string Image { get; set; } = string.Empty;

    [CommandOption("--ref <REF>")]
    [Description("The image to read when the archive holds several: a docker save tag (name:tag) or an OCI index's ref name.")]
    public string? Reference { get; set; }

    [CommandOption("--devices <HANDLING>")]
    [Description("Device nodes, FIFOs and sockets in layer tars: keep (default), skip, or reject.")]
    public string Devices { get; set; } = "keep";

    /// <summary>The <c>--devices</c> value as the readers take it.</summary>
    public SpecialFileHandling SpecialFiles => Devices switch
    {
        "skip" => SpecialFileHandling.Skip,
        "reject" => SpecialFileHandling.Reject,
        _ => SpecialFileHandling.Keep,
    };

    public override ValidationResult Validate() =>
        Devices is "keep" or "skip" or "reject"
            ? ValidationResult.Success()
            : ValidationResult.Error($"--devices {Devices}: give keep, skip or reject.");
}
