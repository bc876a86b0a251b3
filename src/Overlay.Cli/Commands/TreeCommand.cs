using System.ComponentModel;
using Overlay.Cli.Inspection;
using Overlay.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay tree IMAGE [PATH] [--layer N]</c>: the merged tree with provenance.</summary>
internal sealed class TreeCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<TreeCommand.Settings>(console, streams)
{
    internal sealed class Settings : ImageSettings
    {
        [CommandArgument(1, "[PATH]")]
        [Description("The directory (or file) to show; / when omitted.")]
        public string? Path { get; set; }

        [CommandOption("--layer <N>")]
        [Description("Show the image as it was after layer N (0 is the base): layers above N left out.")]
        public int? Layer { get; set; }

        [CommandOption("--hidden")]
        [Description("Also show the names an opaque directory hides (whiteouts are always shown).")]
        public bool Hidden { get; set; }
    }

    protected override ExitCode Run(Settings settings)
    {
        string path = ImagePath.Normalize(settings.Path);
        using var image = OpenImage(settings);
        var stack = new LayerStack(image.Overlay(settings.Layer));
        var root = ProvenanceTree.Build(stack, path, settings.Hidden);
        if (root is null)
        {
            throw new CliException(ExitCode.PathNotFound, $"{path}: not in the merged view of {settings.Image}.");
        }

        if (settings.Json)
        {
            WriteJson(root);
            return ExitCode.Success;
        }

        var tree = new Tree(Label(root));
        Add(tree, root.Children);
        Console.Write(tree);
        return ExitCode.Success;
    }

    private static void Add(IHasTreeNodes parent, IReadOnlyList<TreeEntry> children)
    {
        foreach (var child in children)
        {
            var node = parent.AddNode(Label(child));
            Add(node, child.Children);
        }
    }

    internal static string Label(TreeEntry entry)
    {
        string name = Markup.Escape(entry.Name);
        if (entry.Kind == "whiteout")
        {
            string hides = entry.Shadows.Count > 0 ? $", hides {string.Join(", ", entry.Shadows)}" : string.Empty;
            return $"[red strikethrough]{name}[/] [red](whiteout in {entry.Layer}{hides})[/]";
        }

        if (entry.Kind == "hidden")
        {
            return $"[grey strikethrough]{name}[/] [grey](in {entry.Layer}, hidden by the opaque directory of {entry.OpaqueIn})[/]";
        }

        string label = entry.Kind switch
        {
            // The root is "/" already: no second slash.
            "directory" when entry.Path == "/" => $"[blue]{name}[/]",
            "directory" => $"[blue]{name}/[/]",
            "symlink" => $"[cyan]{name}[/] -> {Markup.Escape(entry.LinkTarget ?? string.Empty)}",
            _ => name,
        };
        label += $" [grey]{entry.Layer}[/]";
        if (entry.Merges.Count > 0)
        {
            label += $" [green]merges {string.Join(", ", entry.Merges)}[/]";
        }

        if (entry.OpaqueIn is not null)
        {
            label += $" [magenta]opaque in {entry.OpaqueIn}[/]";
        }

        if (entry.Shadows.Count > 0)
        {
            label += $" [yellow]shadows {string.Join(", ", entry.Shadows)}[/]";
        }

        return label;
    }
}
