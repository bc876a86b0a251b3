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
        using var image = OpenImage(settings);
        var stack = new LayerStack(image.Overlay());
        var (steps, found) = Explanation.Of(stack, path);
        if (settings.Json)
        {
            WriteJson(new { path, found, steps });
            return found ? ExitCode.Success : ExitCode.PathNotFound;
        }

        // Every line fits 80 columns: the story is told in lines under each table, not in captions.
        WriteWrapped(string.Empty, $"Looking up {path}, one name at a time. Each name is asked of the layers top to bottom: the first that holds it answers, a whiteout stops the search, and a directory merges with the copies below it until one is opaque.", null);
        foreach (var step in steps)
        {
            Console.WriteLine();
            Console.MarkupLine($"[bold]{Markup.Escape(step.Path)}[/]");
            var table = new Table().Border(TableBorder.Rounded);
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
                    var r when r.StartsWith("whiteout", StringComparison.Ordinal) || r.StartsWith("hidden", StringComparison.Ordinal) => $"[red]{Markup.Escape(r)}[/]",
                    var r => $"[grey]{Markup.Escape(r)}[/]",
                };
                table.AddRow(Markup.Escape(probe.Layer), Markup.Escape(probe.Holds), role);
            }

            Console.Write(table);
            WriteWrapped("=> ", step.Verdict, null);
            foreach (var note in step.Notes)
            {
                WriteWrapped("   ", note, "yellow");
            }
        }

        Console.WriteLine();
        Console.MarkupLine(found ? $"[green]{Markup.Escape(path)} is in the merged view.[/]" : $"[red]{Markup.Escape(path)} is not in the merged view.[/]");
        return found ? ExitCode.Success : ExitCode.PathNotFound;
    }

    /// <summary>Writes a sentence wrapped at word boundaries to the console's width, every line indented as the first.</summary>
    private void WriteWrapped(string indent, string text, string? style)
    {
        int width = Math.Max(40, Console.Profile.Width) - indent.Length;
        var line = new System.Text.StringBuilder();
        bool first = true;
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                Emit();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        Emit();

        void Emit()
        {
            string prefix = first ? indent : new string(' ', indent.Length);
            string body = Markup.Escape(line.ToString());
            Console.MarkupLine(prefix + (style is null ? body : $"[{style}]{body}[/]"));
            line.Clear();
            first = false;
        }
    }
}
