namespace Overlay.Cli.Output;

/// <summary>
/// The raw output the tool writes besides the console's rendering: file bytes (<c>cat</c>) and JSON
/// (<c>--json</c>), which must not be wrapped or styled; and where errors go.
/// </summary>
/// <param name="Output">Standard output as bytes.</param>
/// <param name="Error">Standard error.</param>
internal sealed record CliStreams(Stream Output, TextWriter Error);
