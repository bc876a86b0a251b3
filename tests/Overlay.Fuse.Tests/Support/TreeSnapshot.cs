using System.Security.Cryptography;

namespace Overlay.Fuse.Tests.Support;

/// <summary>A directory tree as text: each path with its kind, mode and content hash (to prove the lowers unchanged).</summary>
internal static class TreeSnapshot
{
    public static string Of(string root)
    {
        var lines = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string relative = Path.GetRelativePath(root, entry.FullName);
            string what = entry.LinkTarget is { } target ? $"-> {target}"
                : entry is DirectoryInfo ? "dir"
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName)));
            lines.Add($"{relative} {entry.UnixFileMode} {entry.LastWriteTimeUtc:O} {what}");
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }
}
