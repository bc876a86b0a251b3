using System.Reflection;
using Overlay.Cli.Commands;
using Overlay.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli;

/// <summary>The overlay tool: its commands, and how failures become one line on stderr and an <see cref="ExitCode"/>.</summary>
internal static class OverlayApp
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Where tables, trees and messages are rendered.</param>
    /// <param name="streams">Raw standard output (file bytes, JSON) and standard error.</param>
    /// <returns>The exit code (see <see cref="ExitCode"/>).</returns>
    public static int Run(string[] args, IAnsiConsole console, CliStreams streams)
    {
        if (args is ["--version"])
        {
            console.WriteLine($"overlay {Version}");
            return (int)ExitCode.Success;
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("overlay");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.Settings.Registrar.RegisterInstance<IAnsiConsole>(console);
            config.Settings.Registrar.RegisterInstance(streams);

            config.AddCommand<LayersCommand>("layers")
                .WithDescription("One row per layer: digest, size, entries added/changed/whited out, and the wasted space.")
                .WithExample("layers", "image.tar");
            config.AddCommand<TreeCommand>("tree")
                .WithDescription("The merged tree with provenance: the layer of each entry, what it shadows, whiteouts and opaque directories.")
                .WithExample("tree", "image.tar", "/data")
                .WithExample("tree", "image.tar", "--layer", "0")
                .WithExample("tree", "image.tar", "/olddir", "--hidden");
            config.AddCommand<ExplainCommand>("explain")
                .WithDescription("A lookup step by step, layer by layer, as the kernel does it.")
                .WithExample("explain", "image.tar", "/data/delete.txt");
            config.AddCommand<CatCommand>("cat")
                .WithDescription("Print a file of the merged view.")
                .WithExample("cat", "image.tar", "/etc/passwd");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Flatten the merged view into one tar, like docker export.")
                .WithExample("export", "image.tar", "-o", "rootfs.tar")
                .WithExample("export", "image.tar", "-o", "-");
            config.AddCommand<DiffCommand>("diff")
                .WithDescription("What a container's upper changed, as docker diff prints it.")
                .WithExample("diff", "--upper", "container/diff", "--form", "kernel", "image.tar");
            config.AddCommand<CommitCommand>("commit")
                .WithDescription("Write a container's upper as an OCI layer tar, like docker commit.")
                .WithExample("commit", "--upper", "upper", "image.tar", "-o", "layer.tar");
            MountCommand.Register(config);
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("The walkthrough: a container's writes over a two-layer image, narrated step by step.");
        });

        try
        {
            if (args.Length > 0 && SettingsOf.TryGetValue(args[0], out var settings))
            {
                CommandLine.Check(args[0], settings, args[1..]);
                args = CommandLine.JoinDashValues(settings, args);
            }

            return app.Run(args);
        }
        catch (CliException e)
        {
            return Fail(streams, e.ExitCode, e.Message);
        }
        catch (CommandAppException e)
        {
            return Fail(streams, ExitCode.Usage, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(streams, ExitCode.IoError, e.Message);
        }
    }

    /// <summary>The settings type of each command, whose options <see cref="CommandLine.Check"/> knows.</summary>
    private static readonly Dictionary<string, Type> SettingsOf = new(StringComparer.Ordinal)
    {
        ["layers"] = typeof(LayersCommand.Settings),
        ["tree"] = typeof(TreeCommand.Settings),
        ["explain"] = typeof(ExplainCommand.Settings),
        ["cat"] = typeof(CatCommand.Settings),
        ["export"] = typeof(ExportCommand.Settings),
        ["diff"] = typeof(UpperSettings),
        ["commit"] = typeof(CommitCommand.Settings),
        ["demo"] = typeof(JsonSettings),
        ["mount"] = typeof(MountCommand.Settings),
    };

    /// <summary>The tool's version: the informational version without the source revision.</summary>
    internal static string Version { get; } =
        (typeof(OverlayApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    private static int Fail(CliStreams streams, ExitCode code, string message)
    {
        streams.Error.WriteLine($"overlay: {message}");
        streams.Error.Flush();
        return (int)code;
    }
}
