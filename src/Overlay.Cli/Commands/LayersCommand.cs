using Overlay.Cli.Inspection;
using Overlay.Cli.Output;
using Spectre.Console;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay layers IMAGE</c>: one row per layer, bottom first, and the image's wasted space.</summary>
internal sealed class LayersCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<ImageSettings>(console, streams)
{
    protected override ExitCode Run(ImageSettings settings)
    {
        using var image = OpenImage(settings.Image, settings.Json);
        var rows = LayerStatistics.Of(image);
        long wasted = rows.Sum(r => r.WastedBytes);
        long total = rows.Sum(r => r.Size);
        if (settings.Json)
        {
            WriteJson(new { image = settings.Image, layers = rows, totalSize = total, wastedBytes = wasted });
            return ExitCode.Success;
        }

        var table = new Table().Title($"[bold]{Markup.Escape(settings.Image)}[/]").Border(TableBorder.Rounded);
        table.AddColumn("#");
        table.AddColumn("digest");
        table.AddColumn(new TableColumn("size").RightAligned());
        table.AddColumn(new TableColumn("added").RightAligned());
        table.AddColumn(new TableColumn("changed").RightAligned());
        table.AddColumn(new TableColumn("whited out").RightAligned());
        table.AddColumn(new TableColumn("opaque dirs").RightAligned());
        table.AddColumn(new TableColumn("wasted").RightAligned());
        foreach (var row in rows)
        {
            table.AddRow(
                row.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(row.Digest.Length > 0 ? row.Digest[..Math.Min(row.Digest.Length, 19)] : row.Source),
                Bytes(row.Size),
                Count(row.Added),
                Count(row.Changed),
                Count(row.WhitedOut),
                Count(row.Opaque),
                Bytes(row.WastedBytes));
        }

        Console.Write(table);
        Console.MarkupLine($"{rows.Count} layers, {Bytes(total)}; wasted space: [yellow]{Bytes(wasted)}[/] (bytes a higher layer overwrites or whites out)");
        return ExitCode.Success;
    }

    private static string Count(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static string Bytes(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " B";
}
