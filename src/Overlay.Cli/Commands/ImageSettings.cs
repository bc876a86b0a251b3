using System.ComponentModel;
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
}
