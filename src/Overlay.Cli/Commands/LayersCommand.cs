using System.ComponentModel;
using System.Globalization;
using Overlay.Cli.Inspection;
using Overlay.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay layers IMAGE</c>: one row per layer, bottom first, and the image's wasted space.</summary>
internal sealed class LayersCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<LayersCommand.Settings>(console, streams)
{
    internal sealed class Settings : ImageSettings
    {
        [CommandOption("--no-trunc")]
        [Description("Show full digests (the table is then wider than 80 columns), as docker's --no-trunc.")]
        public bool NoTrunc { get; set; }
    }

    protected override ExitCode Run(Settings settings)
    {
        using var image = OpenImage(settings);
        var rows = LayerStatistics.Of(image);
        long wasted = rows.Sum(r => r.WastedBytes);
        long total = rows.Sum(r => r.Size);
        if (settings.Json)
        {
            WriteJson(new { image = settings.Image, layers = rows, totalSize = total, wastedBytes = wasted });
            return ExitCode.Success;
        }

        // Fits 80 columns: a digest as docker shortens it (12 hex digits), sizes as docker prints them.
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("#");
        table.AddColumn("digest");
        table.AddColumn(new TableColumn("size").RightAligned());
        table.AddColumn(new TableColumn("added").RightAligned());
        table.AddColumn(new TableColumn("changed").RightAligned());
        table.AddColumn(new TableColumn("whiteouts").RightAligned());
        table.AddColumn(new TableColumn("opaque").RightAligned());
        table.AddColumn(new TableColumn("wasted").RightAligned());
        foreach (var row in rows)
        {
            string digest = row.Digest.Length == 0 ? row.Source : settings.NoTrunc ? row.Digest : ShortDigest(row.Digest);
            table.AddRow(
                Count(row.Index),
                Markup.Escape(digest),
                HumanSize(row.Size),
                Count(row.Added),
                Count(row.Changed),
                Count(row.WhitedOut),
                Count(row.Opaque),
                HumanSize(row.WastedBytes));
        }

        Console.MarkupLine($"[bold]{Markup.Escape(settings.Image)}[/]");
        Console.Write(table);
        Console.MarkupLine($"{rows.Count} layers, {HumanSize(total)} ({Bytes(total)}); wasted: [yellow]{HumanSize(wasted)}[/]");
        Console.MarkupLine("[grey](wasted: bytes a higher layer overwrites or whites out)[/]");
        return ExitCode.Success;
    }

    /// <summary>A digest as docker shortens ids: its first 12 hex digits, without the algorithm.</summary>
    internal static string ShortDigest(string digest)
    {
        string hex = digest.Contains(':', StringComparison.Ordinal) ? digest[(digest.IndexOf(':', StringComparison.Ordinal) + 1)..] : digest;
        return hex.Length > 12 ? hex[..12] : hex;
    }

    /// <summary>A size as docker prints one: three significant digits, decimal units (44B, 11.8kB, 2.02MB).</summary>
    internal static string HumanSize(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        string number = unit == 0 ? bytes.ToString(CultureInfo.InvariantCulture) : value.ToString(value >= 100 ? "0" : value >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);
        return number + units[unit];
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Bytes(long value) => value.ToString("N0", CultureInfo.InvariantCulture) + " B";
}
