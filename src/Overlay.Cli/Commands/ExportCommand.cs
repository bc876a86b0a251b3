using System.ComponentModel;
using Overlay.Cli.Output;
using Overlay.Oci.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay export IMAGE -o rootfs.tar</c>: the merged view flattened into one tar, as <c>docker export</c> writes it (owners, xattrs, hard links, devices).</summary>
internal sealed class ExportCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<ExportCommand.Settings>(console, streams)
{
    internal sealed class Settings : ImageSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The tar to write; - for standard output.")]
        public string? Output { get; set; }

        public bool ToStandardOutput => Output == "-";

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Output) ? ValidationResult.Error("-o FILE is required (- for standard output).")
            : ToStandardOutput && Json ? ValidationResult.Error("--json cannot be used with -o -: the tar is what goes to standard output.")
            : base.Validate();
    }

    protected override ExitCode Run(Settings settings)
    {
        using var image = OpenImage(settings);
        var fs = image.Overlay();
        int entries = 0;
        if (settings.ToStandardOutput)
        {
            // The tar is the output: the summary goes to standard error, as nothing else may be mixed in.
            long written;
            using (var counting = new CountingStream(Streams.Output))
            {
                entries = MergedViewTarExporter.Export(fs, counting);
                written = counting.Written;
            }

            Streams.Output.Flush();
            Streams.Error.WriteLine($"overlay: wrote {entries} entries of the merged view to standard output ({LayersCommand.HumanSize(written)}).");
            return ExitCode.Success;
        }

        TarOutput.Write(settings.Output!, stream => entries = MergedViewTarExporter.Export(fs, stream));
        long size = new FileInfo(settings.Output!).Length;
        if (settings.Json)
        {
            WriteJson(new { output = settings.Output, entries, size });
        }
        else
        {
            Console.MarkupLine($"Wrote {entries} entries of the merged view to [bold]{Markup.Escape(settings.Output!)}[/] ({LayersCommand.HumanSize(size)}).");
        }

        return ExitCode.Success;
    }
}
