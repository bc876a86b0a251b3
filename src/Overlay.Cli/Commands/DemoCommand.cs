using System.Text.RegularExpressions;
using Overlay.Cli.Output;
using Overlay.Samples.Walkthrough;
using Spectre.Console;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay demo</c>: the walkthrough sample's story, narrated (the same code, referenced).</summary>
internal sealed partial class DemoCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<JsonSettings>(console, streams)
{
    /// <summary>One step of the story: its number and title, and what it printed, line by line.</summary>
    internal sealed record DemoStep(int Number, string Title, IReadOnlyList<string> Lines);

    protected override ExitCode Run(JsonSettings settings)
    {
        using var narration = new StringWriter();
        int code = SeedStory.Run(narration);
        if (settings.Json)
        {
            var (intro, steps) = Steps(narration.ToString());
            WriteJson(new { intro, steps, succeeded = code == 0 });
        }
        else
        {
            using var writer = new StreamWriter(Streams.Output, leaveOpen: true);
            writer.Write(narration.ToString());
        }

        return code == 0 ? ExitCode.Success : ExitCode.IoError;
    }

    /// <summary>Cuts the narration at its section headings (<c>== 1. Title ==</c>) into steps; blank lines at either end of a step are dropped.</summary>
    internal static (IReadOnlyList<string> Intro, IReadOnlyList<DemoStep> Steps) Steps(string narration)
    {
        var intro = new List<string>();
        var steps = new List<DemoStep>();
        List<string> current = intro;
        foreach (string line in narration.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                current = [];
                steps.Add(new DemoStep(int.Parse(heading.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), heading.Groups[2].Value, current));
                continue;
            }

            current.Add(line);
        }

        Trim(intro);
        steps.ForEach(s => Trim((List<string>)s.Lines));
        return (intro, steps);
    }

    private static void Trim(List<string> lines)
    {
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1]))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[0]))
        {
            lines.RemoveAt(0);
        }
    }

    [GeneratedRegex(@"^== (\d+)\. (.*) ==$")]
    private static partial Regex Heading();
}
