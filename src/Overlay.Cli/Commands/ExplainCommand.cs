using System.ComponentModel;
using Overlay.Cli.Inspection;
using Overlay.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay explain IMAGE PATH</c>: the lookup step by step, layer by layer.</summary>
internal sealed class ExplainCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<ExplainCommand.Settings>(console, streams)
{
    internal sealed class Settings : ImageSettings
    {
        [CommandArgument(1, "<PATH>")]
        [Description("The path to look up in the merged view.")]
        public string Path { get; set; } = string.Empty;
    }

    protected override ExitCode Run(Settings settings)
    {
        string path = ImagePath.Normalize(settings.Path);
        using var image = OpenImage(settings.Image, settings.Json);
        var stack = new LayerStack(image.Overlay());
        var (steps, found) = Explanation.Of(stack, path);
        if (settings.Json)
        {
            WriteJson(new { path, found, steps });
            return found ? ExitCode.Success : ExitCode.PathNotFound;
        }

        Console.MarkupLine($"Looking up [bold]{Markup.Escape(path)}[/]: each name is asked of the layers top to bottom; the first that holds it answers,");
        Console.MarkupLine("a whiteout stops the search, and a directory merges with the copies below it until one is opaque.");
        foreach (var step in steps)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(step.Path)}[/]");
            table.AddColumn("layer");
            table.AddColumn("holds");
            table.AddColumn("part in the lookup");
            foreach (var probe in step.Layers)
            {
                string role = probe.Role switch
                {
                    "answers" => "[green]answers[/]",
                    "merges" => "[green]merges[/]",
                    "" => string.Empty,
                    var r when r.StartsWith("whiteout", StringComparison.Ordinal) => $"[red]{Markup.Escape(r)}[/]",
                    var r => $"[grey]{Markup.Escape(r)}[/]",
                };
                table.AddRow(Markup.Escape(probe.Layer), Markup.Escape(probe.Holds), role);
            }

            table.Caption(Markup.Escape(step.Verdict));
            Console.Write(table);
        }

        Console.MarkupLine(found ? $"[green]{Markup.Escape(path)} is in the merged view.[/]" : $"[red]{Markup.Escape(path)} is not in the merged view.[/]");
        return found ? ExitCode.Success : ExitCode.PathNotFound;
    }
}
