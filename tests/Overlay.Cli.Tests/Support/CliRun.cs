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

    public static CliRun Of(params string[] args) => OfWidth(250, args);

    /// <summary>Runs the tool on a terminal of the given width (80 for the column snapshots).</summary>
    public static CliRun OfWidth(int width, params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = width;
        using var output = new MemoryStream();
        using var error = new StringWriter();
        int code = OverlayApp.Run(args, console, new CliStreams(output, error));
        return new CliRun(code, console.Output, output.ToArray(), error.ToString());
    }
}
