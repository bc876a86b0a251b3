using System.Text;
using System.Text.Json;
using Overlay.Cli.Output;
using Spectre.Console.Testing;

namespace Overlay.Cli.Tests.Support;

/// <summary>One run of the overlay tool in process: its exit code, rendered console, raw stdout and stderr.</summary>
internal sealed record CliRun(int ExitCode, string Console, byte[] Output, string Error)
{
    public string OutputText => Encoding.UTF8.GetString(Output);

    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    public static CliRun Of(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 250;
        using var output = new MemoryStream();
        using var error = new StringWriter();
        int code = OverlayApp.Run(args, console, new CliStreams(output, error));
        return new CliRun(code, console.Output, output.ToArray(), error.ToString());
    }
}
