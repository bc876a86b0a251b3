using System.Security.Cryptography;
using System.Text;
using Overlay.Layers;
using Overlay.Tests.Differential;

namespace Overlay.Tests.Reliability;

/// <summary>Builds the lowers of a generated <see cref="StackSpec"/>, and hashes a folder of the real disk below any layer.</summary>
public static class SpecLayers
{
    /// <summary>The lowers of a spec as <see cref="MemoryLayer"/>s, topmost first.</summary>
    /// <param name="stack">The spec.</param>
    /// <returns>The layers.</returns>
    public static MemoryLayer[] InMemory(StackSpec stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var layers = new MemoryLayer[stack.LowersTopFirst.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            var time = StackSpec.LayerTime(i);
            var layer = new MemoryLayer("L" + i, new Support.ManualClock(time));
            foreach (var entry in stack.LowersTopFirst[i])
            {
                string path = "/" + entry.Path;
                switch (entry.Kind)
                {
                    case SpecKind.Directory:
                    case SpecKind.OpaqueDirectory:
                        layer.AddDirectory(path, entry.Mode, opaque: entry.Kind == SpecKind.OpaqueDirectory);
                        break;
                    case SpecKind.File:
                        layer.AddFile(path, entry.Data, entry.Mode, entry.MtimeUtc ?? time);
                        break;
                    case SpecKind.Symlink:
                        layer.AddSymbolicLink(path, entry.Data);
                        break;
                    default:
                        layer.AddWhiteout(path);
                        break;
                }
            }

            layers[i] = layer;
        }

        return layers;
    }

    /// <summary>
    /// Everything stored under a folder of the real disk, read without following any link: each
    /// name with its type, mode, size, mtime, link target and a hash of its bytes, one line each.
    /// </summary>
    /// <param name="root">The folder.</param>
    /// <returns>The lines, in ordinal order.</returns>
    public static IReadOnlyList<string> HashTree(string root)
    {
        var lines = new List<string>();
        Walk(root, string.Empty);
        return lines;

        void Walk(string directory, string relative)
        {
            foreach (var full in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(full);
                string name = relative + "/" + info.Name;
                string mode = OperatingSystem.IsWindows() ? "-" : Convert.ToString((int)info.UnixFileMode, 8);
                string mtime = info.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (info.LinkTarget is { } target)
                {
                    lines.Add($"{name} l {mode} {mtime} -> {target}");
                }
                else if ((info.Attributes & FileAttributes.Directory) != 0)
                {
                    lines.Add($"{name} d {mode} {mtime}");
                    Walk(full, name);
                }
                else
                {
                    string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full)));
                    lines.Add($"{name} f {mode} {mtime} {info.Length} {hash}");
                }
            }
        }
    }

    /// <summary>The lines as one hash, for a short message.</summary>
    /// <param name="lines">The lines.</param>
    /// <returns>A hex SHA-256.</returns>
    public static string Digest(IEnumerable<string> lines) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
}
