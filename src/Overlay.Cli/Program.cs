// The overlay tool: see docs/cli.md. Tables and trees go to the terminal through Spectre.Console;
// file bytes (cat) and JSON (--json) go to standard output unstyled.
using Overlay.Cli;
using Overlay.Cli.Output;
using Spectre.Console;

using var stdout = Console.OpenStandardOutput();
return OverlayApp.Run(args, AnsiConsole.Console, new CliStreams(stdout, Console.Error));
