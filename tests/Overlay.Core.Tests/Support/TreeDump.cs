using System.Globalization;
using System.IO.Abstractions;
using System.Text;
using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// Prints a tree, one line per object, depth first in ordinal order, in a form short enough to
/// write expectations with: <c>/a d 0750 top</c>, <c>/a/sub d 0700 top opaque</c>,
/// <c>/a/foo f 0644 now 'content'</c>, <c>/a/direct_sym l -> foo</c>, <c>/a/foo w</c> (whiteout).
/// Times are printed by label (see <see cref="StandardLowers.TimeLabels"/>) or else in ISO form.
/// </summary>
public static class TreeDump
{
    /// <summary>One layer as it stores itself: whiteouts and opaque marks included.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="labels">Time labels.</param>
    /// <returns>The lines.</returns>
    public static string[] Layer(ILayer layer, IReadOnlyDictionary<DateTime, string> labels)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var lines = new List<string>();
        WalkLayer(layer, "/", labels, lines);
        return [.. lines];
    }

    /// <summary>The merged view as a program sees it through <see cref="IFileSystem"/>.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="labels">Time labels.</param>
    /// <param name="root">Where to start.</param>
    /// <returns>The lines.</returns>
    public static string[] Merged(IFileSystem fileSystem, IReadOnlyDictionary<DateTime, string> labels, string root = "/")
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var lines = new List<string>();
        WalkMerged(fileSystem, root, labels, lines);
        return [.. lines];
    }

    /// <summary>The line of one merged path, or <see langword="null"/> when nothing is there.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The path.</param>
    /// <param name="labels">Time labels.</param>
    /// <returns>The line.</returns>
    public static string? MergedLine(IFileSystem fileSystem, string path, IReadOnlyDictionary<DateTime, string> labels)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var info = fileSystem.FileInfo.New(path);
        if (info.LinkTarget is { } target)
        {
            return $"{path} l -> {target}";
        }

        if (fileSystem.Directory.Exists(path))
        {
            return $"{path} d {Mode(UnixModes.Get(fileSystem, path))} {Time(fileSystem.Directory.GetLastWriteTimeUtc(path), labels)}";
        }

        if (fileSystem.File.Exists(path))
        {
            return $"{path} f {Mode(UnixModes.Get(fileSystem, path))} {Time(fileSystem.File.GetLastWriteTimeUtc(path), labels)} '{Text(fileSystem.File.ReadAllBytes(path))}'";
        }

        return null;
    }

    /// <summary>A mode as four octal digits.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>E.g. "0644".</returns>
    public static string Mode(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static void WalkLayer(ILayer layer, string directory, IReadOnlyDictionary<DateTime, string> labels, List<string> lines)
    {
        foreach (var entry in layer.ListDirectory(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = directory == "/" ? "/" + entry.Name : directory + "/" + entry.Name;
            switch (entry.Kind)
            {
                case LayerEntryKind.Directory:
                    lines.Add($"{path} d {Mode(entry.Mode)} {Time(entry.LastWriteTimeUtc, labels)}{(entry.IsOpaque ? " opaque" : string.Empty)}{(entry.RedirectPath is { } redirect ? " redirect=" + redirect : string.Empty)}");
                    WalkLayer(layer, path, labels, lines);
                    break;
                case LayerEntryKind.File:
                    lines.Add($"{path} f {Mode(entry.Mode)} {Time(entry.LastWriteTimeUtc, labels)} '{Text(ReadAll(layer, path))}'");
                    break;
                case LayerEntryKind.SymbolicLink:
                    lines.Add($"{path} l -> {entry.LinkTarget}");
                    break;
                default:
                    lines.Add($"{path} w");
                    break;
            }
        }
    }

    private static void WalkMerged(IFileSystem fileSystem, string directory, IReadOnlyDictionary<DateTime, string> labels, List<string> lines)
    {
        var names = fileSystem.Directory.EnumerateFileSystemEntries(directory)
            .Select(fileSystem.Path.GetFileName)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        foreach (var name in names)
        {
            string path = directory == "/" ? "/" + name : directory + "/" + name;
            lines.Add(MergedLine(fileSystem, path, labels) ?? $"{path} (listed but not found)");
            if (fileSystem.FileInfo.New(path).LinkTarget is null && fileSystem.Directory.Exists(path))
            {
                WalkMerged(fileSystem, path, labels, lines);
            }
        }
    }

    internal static byte[] ReadAll(ILayer layer, string path)
    {
        using var stream = layer.OpenRead(path);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string Text(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Replace("\0", "\\0", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Time(DateTime time, IReadOnlyDictionary<DateTime, string> labels) =>
        labels.TryGetValue(time.ToUniversalTime(), out var label) ? label : time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
