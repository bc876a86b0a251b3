using Overlay.Cli.Images;
using Overlay.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary>The shared parts of the tool's commands: the console, the raw streams, opening IMAGE.</summary>
internal abstract class OverlayCommand<TSettings>(IAnsiConsole console, CliStreams streams) : Command<TSettings>
    where TSettings : JsonSettings
{
    protected IAnsiConsole Console { get; } = console;

    protected CliStreams Streams { get; } = streams;

    public sealed override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken) =>
        (int)Run(settings);

    protected abstract ExitCode Run(TSettings settings);

    /// <summary>Opens IMAGE, with a progress bar while layers unpack when a person watches the terminal.</summary>
    protected OpenedImage OpenImage(ImageSettings settings, bool? json = null)
    {
        string image = settings.Image;
        var reading = new ImageReading(settings.Reference, settings.SpecialFiles);
        if ((json ?? settings.Json) || !Console.Profile.Capabilities.Interactive)
        {
            return new ImageReader().Open(image, reading);
        }

        OpenedImage? opened = null;
        Console.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("reading the image", autoStart: true);
            opened = new ImageReader((item, done, total) =>
            {
                task.Description = Markup.Escape(item);
                task.MaxValue = Math.Max(1, total);
                task.Value = done;
            }).Open(image, reading);
        });
        return opened!;
    }

    protected void WriteJson<T>(T value) => Json.Write(Streams.Output, value);
}
