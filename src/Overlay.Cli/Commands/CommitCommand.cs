using System.ComponentModel;
using Overlay.Cli.Output;
using Overlay.Oci.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary>
/// <c>overlay commit --upper DIR IMAGE -o layer.tar</c>: the container's upper as an OCI layer tar,
/// as <c>docker commit</c> writes it: whiteouts become <c>.wh.</c> files, opaque directories get a
/// <c>.wh..wh..opq</c> entry.
/// </summary>
internal sealed class CommitCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<CommitCommand.Settings>(console, streams)
{
    internal sealed class Settings : UpperSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The layer tar to write.")]
        public string? Output { get; set; }

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Output) ? ValidationResult.Error("-o FILE is required.") : base.Validate();
    }

    protected override ExitCode Run(Settings settings)
    {
        using var upper = settings.OpenUpper(Streams.Error);
        using var image = OpenImage(settings);
        var changes = image.Overlay(upper: upper.Layer).Changes();
        LayerExportResult result;
        try
        {
            result = LayerTarExporter.ExportToFile(upper.Layer, settings.Output!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCode.IoError, $"{settings.Output}: cannot write ({e.Message}).", e);
        }

        string digest = result.DiffId.ToString();
        long size = result.Size;
        int entries = result.EntryCount;
        if (settings.Json)
        {
            WriteJson(new { output = settings.Output, digest, size, entries, changes = changes.Select(c => c.ToString()) });
        }
        else
        {
            // Two lines that fit 80 columns: a diff_id is 71 characters.
            Console.MarkupLine($"Committed {changes.Count} changes as {entries} entries to [bold]{Markup.Escape(settings.Output!)}[/] ({LayersCommand.HumanSize(size)})");
            Console.MarkupLine($"diff_id {digest}");
        }

        return ExitCode.Success;
    }
}
