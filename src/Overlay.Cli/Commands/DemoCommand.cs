using Overlay.Cli.Output;
using Overlay.Samples.Walkthrough;
using Spectre.Console;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay demo</c>: the walkthrough sample's story, narrated (the same code, referenced).</summary>
internal sealed class DemoCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<JsonSettings>(console, streams)
{
    protected override ExitCode Run(JsonSettings settings)
    {
        using var narration = new StringWriter();
        int code = SeedStory.Run(narration);
        if (settings.Json)
        {
            WriteJson(new { narration = narration.ToString() });
        }
        else
        {
            using var writer = new StreamWriter(Streams.Output, leaveOpen: true);
            writer.Write(narration.ToString());
        }

        return code == 0 ? ExitCode.Success : ExitCode.IoError;
    }
}
