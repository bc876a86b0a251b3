using Overlay.Cli.Output;
using Spectre.Console;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay diff --upper DIR IMAGE</c>: what a container changed, as <c>docker diff</c> prints it.</summary>
internal sealed class DiffCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<UpperSettings>(console, streams)
{
    protected override ExitCode Run(UpperSettings settings)
    {
        using var upper = settings.OpenUpper(Streams.Error);
        using var image = OpenImage(settings);
        var changes = image.Overlay(upper: upper.Layer).Changes();
        if (settings.Json)
        {
            WriteJson(changes.Select(c => new { kind = c.Kind.ToString(), path = c.Path, line = c.ToString() }));
            return ExitCode.Success;
        }

        foreach (var change in changes)
        {
            string color = change.Kind switch
            {
                OverlayChangeKind.Added => "green",
                OverlayChangeKind.Modified => "yellow",
                _ => "red",
            };
            Console.MarkupLine($"[{color}]{Markup.Escape(change.ToString())}[/]");
        }

        return ExitCode.Success;
    }
}
