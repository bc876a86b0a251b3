using System.ComponentModel;
using System.Formats.Tar;
using System.Security.Cryptography;
using Overlay.Cli.Inspection;
using Overlay.Cli.Output;
using Overlay.Layers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary>
/// <c>overlay commit --upper DIR IMAGE -o layer.tar</c>: the container's upper as an OCI layer tar,
/// as <c>docker commit</c> writes it: whiteouts become <c>.wh.</c> files, opaque directories get a
/// <c>.wh..wh..opq</c> entry.
/// </summary>
internal sealed class CommitCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<CommitCommand.Settings>(console, streams)
{
    internal sealed class Settings : UpperSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The layer tar to write.")]
        public string? Output { get; set; }

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Output) ? ValidationResult.Error("-o FILE is required.") : base.Validate();
    }

    protected override ExitCode Run(Settings settings)
    {
        using var upper = settings.OpenUpper();
        using var image = OpenImage(settings.Image, settings.Json);
        var changes = image.Overlay(upper: upper).Changes();
        int entries = 0;
        TarOutput.Write(settings.Output!, writer => entries = WriteLayer(upper, writer));
        string digest;
        long size;
        using (var stream = File.OpenRead(settings.Output!))
        {
            size = stream.Length;
            digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        if (settings.Json)
        {
            WriteJson(new { output = settings.Output, digest, size, entries, changes = changes.Select(c => c.ToString()) });
        }
        else
        {
            Console.MarkupLine($"Committed {changes.Count} changes as {entries} entries to [bold]{Markup.Escape(settings.Output!)}[/]");
            Console.MarkupLine($"  diff_id {digest}, {LayersCommand.Bytes(size)}");
        }

        return ExitCode.Success;
    }

    internal static int WriteLayer(ILayer upper, TarWriter writer)
    {
        int count = 0;
        foreach (var (path, entry) in LayerStack.Walk(upper))
        {
            string name = path[1..];
            string parent = ImagePath.Parent(path);
            string prefix = parent == "/" ? string.Empty : parent[1..] + "/";
            PaxTarEntry tar = entry.Kind switch
            {
                LayerEntryKind.Whiteout => new PaxTarEntry(TarEntryType.RegularFile, prefix + ".wh." + entry.Name),
                LayerEntryKind.Directory => new PaxTarEntry(TarEntryType.Directory, name + "/"),
                LayerEntryKind.SymbolicLink => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = entry.LinkTarget! },
                _ => new PaxTarEntry(TarEntryType.RegularFile, name),
            };
            tar.Mode = entry.Kind switch
            {
                LayerEntryKind.SymbolicLink => (UnixFileMode)0x1FF,
                LayerEntryKind.Whiteout => 0,
                _ => entry.Mode,
            };
            tar.ModificationTime = entry.LastWriteTimeUtc == default ? DateTimeOffset.UnixEpoch : entry.LastWriteTimeUtc;
            if (entry.Kind == LayerEntryKind.File)
            {
                using var data = upper.OpenRead(path);
                tar.DataStream = data;
                writer.WriteEntry(tar);
            }
            else
            {
                writer.WriteEntry(tar);
            }

            count++;
            if (entry.IsOpaque)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name + "/.wh..wh..opq") { Mode = 0, ModificationTime = tar.ModificationTime });
                count++;
            }
        }

        return count;
    }
}
