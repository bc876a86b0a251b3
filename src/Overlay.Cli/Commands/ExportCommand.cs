using System.ComponentModel;
using System.Formats.Tar;
using Overlay.Cli.Inspection;
using Overlay.Cli.Output;
using Overlay.Layers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary><c>overlay export IMAGE -o rootfs.tar</c>: the merged view flattened into one tar, like <c>docker export</c>.</summary>
internal sealed class ExportCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<ExportCommand.Settings>(console, streams)
{
    internal sealed class Settings : ImageSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The tar to write; - for standard output.")]
        public string? Output { get; set; }

        public bool ToStandardOutput => Output == "-";

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Output) ? ValidationResult.Error("-o FILE is required (- for standard output).")
            : ToStandardOutput && Json ? ValidationResult.Error("--json cannot be used with -o -: the tar is what goes to standard output.")
            : ValidationResult.Success();
    }

    protected override ExitCode Run(Settings settings)
    {
        using var image = OpenImage(settings.Image, settings.Json);
        var stack = new LayerStack(image.Overlay());
        int entries = 0;
        if (settings.ToStandardOutput)
        {
            // The tar is the output: the summary goes to standard error, as nothing else may be mixed in.
            long written;
            using (var counting = new CountingStream(Streams.Output))
            {
                using (var writer = new TarWriter(counting, TarEntryFormat.Pax, leaveOpen: true))
                {
                    entries = Flatten(stack, writer);
                }

                written = counting.Written;
            }

            Streams.Output.Flush();
            Streams.Error.WriteLine($"overlay: wrote {entries} entries of the merged view to standard output ({LayersCommand.HumanSize(written)}).");
            return ExitCode.Success;
        }

        TarOutput.Write(settings.Output!, writer => entries = Flatten(stack, writer));
        long size = new FileInfo(settings.Output!).Length;
        if (settings.Json)
        {
            WriteJson(new { output = settings.Output, entries, size });
        }
        else
        {
            Console.MarkupLine($"Wrote {entries} entries of the merged view to [bold]{Markup.Escape(settings.Output!)}[/] ({LayersCommand.HumanSize(size)}).");
        }

        return ExitCode.Success;
    }

    /// <summary>Writes every name of the merged view, parents first, with the metadata of the layer that answers it.</summary>
    internal static int Flatten(LayerStack stack, TarWriter writer)
    {
        int count = 0;
        Write("/");
        return count;

        void Write(string directory)
        {
            foreach (var path in stack.Fs.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                if (LookupTracer.Final(stack.Fs, path) is not { Layer: { } layer })
                {
                    continue;
                }

                var entry = stack.EntryIn(layer, path)!.Value;
                string name = path[1..];
                PaxTarEntry tar = entry.Kind switch
                {
                    LayerEntryKind.Directory => new PaxTarEntry(TarEntryType.Directory, name + "/"),
                    LayerEntryKind.SymbolicLink => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = entry.LinkTarget! },
                    _ => new PaxTarEntry(TarEntryType.RegularFile, name),
                };
                tar.Mode = entry.Kind == LayerEntryKind.SymbolicLink ? (UnixFileMode)0x1FF : entry.Mode;
                tar.ModificationTime = entry.LastWriteTimeUtc;
                if (entry.Kind == LayerEntryKind.File)
                {
                    using var data = stack.Fs.File.OpenRead(path);
                    tar.DataStream = data;
                    writer.WriteEntry(tar);
                }
                else
                {
                    writer.WriteEntry(tar);
                }

                count++;
                if (entry.Kind == LayerEntryKind.Directory)
                {
                    Write(path);
                }
            }
        }
    }
}
