using System.Security.Cryptography;
using System.Text;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The line format of the recorded trees (README of the fixture):
/// <c>path d MODE</c>, <c>path f MODE CONTENT</c>, <c>path l TARGET</c>, and in the upper layer also
/// <c>path w</c> (a whiteout, any on-disk form) and <c>path opaque</c> (an opaque directory, listed
/// right after its <c>path d MODE</c> line). MODE is the permission bits in octal (<c>644</c>);
/// CONTENT is the text in double quotes when it has fewer than 24 characters, else the first 12
/// lowercase hex digits of the SHA-256 of the bytes. Lines are sorted ordinally
/// (<see cref="Sort"/>). Paths are relative to the tree's root, '/'-separated.
/// A library target can build its <see cref="IScenarioTarget.DumpUpper"/> with these helpers.
/// </summary>
public static class TreeLines
{
    /// <summary>Content shorter than this many characters is shown as quoted text.</summary>
    public const int MaxQuotedLength = 24;

    /// <summary><c>path d MODE</c>.</summary>
    public static string Directory(string path, UnixFileMode mode) => $"{path} d {Mode(mode)}";

    /// <summary><c>path f MODE CONTENT</c>.</summary>
    public static string File(string path, UnixFileMode mode, ReadOnlySpan<byte> content) =>
        $"{path} f {Mode(mode)} {Content(content)}";

    /// <summary><c>path l TARGET</c>.</summary>
    public static string Symlink(string path, string target) => $"{path} l {target}";

    /// <summary><c>path w</c> (upper layer only).</summary>
    public static string Whiteout(string path) => $"{path} w";

    /// <summary><c>path opaque</c> (upper layer only; goes with a <see cref="Directory"/> line).</summary>
    public static string Opaque(string path) => $"{path} opaque";

    /// <summary>The permission bits in octal, as recorded (<c>755</c>, <c>640</c>).</summary>
    public static string Mode(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8);

    /// <summary>The text in quotes if shorter than 24 characters, else 12 hex digits of its SHA-256.</summary>
    public static string Content(ReadOnlySpan<byte> content)
    {
        var text = Encoding.UTF8.GetString(content);
        if (text.Length < MaxQuotedLength)
        {
            return "\"" + text + "\"";
        }

        return Convert.ToHexStringLower(SHA256.HashData(content))[..12];
    }

    /// <summary>Sorts lines ordinally, as the recordings are.</summary>
    public static string[] Sort(IEnumerable<string> lines)
    {
        var sorted = lines.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    /// <summary>Parses a recorded octal mode (<c>"640"</c>).</summary>
    public static UnixFileMode ParseMode(string octal) =>
        (UnixFileMode)Convert.ToInt32(octal, 8);
}
