using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// The "standard lower" of the kernel's test catalogue (unionmount-testsuite): files with known
/// content, symbolic links (direct, indirect, dangling, to a directory), directories with empty and
/// populated children, an empty directory, spread over two lowers so that directories merge, a
/// whiteout hides a bottom name and an opaque directory hides a bottom directory. Every time and
/// mode is fixed, so a test can tell a lower's metadata from a new one.
/// </summary>
/// <remarks>
/// The merged view it gives (topmost first in each directory):
/// <code>
/// /a                 dir 0750 (top's copy; bottom's is 0755)   merged
/// /a/bar             "bar-content"  0600  top
/// /a/dangling_sym -> no_such_file                             bottom
/// /a/dir_sym      -> sub                                      bottom
/// /a/direct_sym   -> foo                                      bottom
/// /a/emptysub        empty dir                                top
/// /a/foo             "foo-content"  0644  bottom
/// /a/hidden          (bottom file, whited out by top: not visible)
/// /a/indirect_sym -> direct_sym   (two levels to /a/foo)      top
/// /a/sub             dir 0700 (top's copy)                    merged
/// /a/sub/leaf        "leaf"   bottom
/// /a/sub/other       "other"  top
/// /empty             empty dir                                top
/// /file              "file-content" 0640  top
/// /opq               opaque in top: bottom's /opq/old hidden
/// /opq/new           "new"    top
/// /ro                "read-only" 0444     bottom
/// /tree              merged: /tree/w (top), /tree/x/y/z (bottom)
/// </code>
/// The same tree was mounted with the kernel's overlayfs to record the expectations of the scenario
/// tests (content without newlines, the same modes and times).
/// </remarks>
public static class StandardLowers
{
    /// <summary>The name of the topmost lower.</summary>
    public const string TopName = "top";

    /// <summary>The name of the bottom lower.</summary>
    public const string BottomName = "bottom";

    /// <summary>The mtime of every directory of the bottom lower.</summary>
    public static readonly DateTime BottomDirectoryTime = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The mtime of every directory of the top lower.</summary>
    public static readonly DateTime TopDirectoryTime = new(2002, 2, 2, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The mtime of every file of the bottom lower.</summary>
    public static readonly DateTime BottomFileTime = new(2001, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The mtime of every file of the top lower.</summary>
    public static readonly DateTime TopFileTime = new(2002, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Where an upper's clock starts: later than any lower time.</summary>
    public static readonly DateTime UpperTime = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>0755.</summary>
    public const UnixFileMode Mode0755 = (UnixFileMode)0b111_101_101;

    /// <summary>0750.</summary>
    public const UnixFileMode Mode0750 = (UnixFileMode)0b111_101_000;

    /// <summary>0700.</summary>
    public const UnixFileMode Mode0700 = (UnixFileMode)0b111_000_000;

    /// <summary>0644.</summary>
    public const UnixFileMode Mode0644 = (UnixFileMode)0b110_100_100;

    /// <summary>0640.</summary>
    public const UnixFileMode Mode0640 = (UnixFileMode)0b110_100_000;

    /// <summary>0600.</summary>
    public const UnixFileMode Mode0600 = (UnixFileMode)0b110_000_000;

    /// <summary>0444.</summary>
    public const UnixFileMode Mode0444 = (UnixFileMode)0b100_100_100;

    /// <summary>The content of /a/foo (bottom).</summary>
    public const string FooContent = "foo-content";

    /// <summary>The content of /a/bar (top).</summary>
    public const string BarContent = "bar-content";

    /// <summary>The content of /file (top).</summary>
    public const string FileContent = "file-content";

    /// <summary>The names the merged /a lists.</summary>
    public static readonly string[] MergedA = ["bar", "dangling_sym", "dir_sym", "direct_sym", "emptysub", "foo", "indirect_sym", "sub"];

    /// <summary>The names the merged root lists.</summary>
    public static readonly string[] MergedRoot = ["a", "empty", "file", "opq", "ro", "tree"];

    /// <summary>Builds both lowers.</summary>
    /// <returns>The top and the bottom lower.</returns>
    public static (MemoryLayer Top, MemoryLayer Bottom) Build() => (BuildTop(), BuildBottom());

    /// <summary>Builds the topmost lower.</summary>
    /// <returns>A new layer named <see cref="TopName"/>.</returns>
    public static MemoryLayer BuildTop()
    {
        // Directories take their mtime from the layer's clock; they are added before their children.
        var top = new MemoryLayer(TopName, new ManualClock(TopDirectoryTime));
        top.AddDirectory("/a", Mode0750);
        top.AddFile("/a/bar", BarContent, Mode0600, TopFileTime);
        top.AddWhiteout("/a/hidden");
        top.AddDirectory("/a/sub", Mode0700);
        top.AddFile("/a/sub/other", "other", Mode0644, TopFileTime);
        top.AddDirectory("/a/emptysub", Mode0755);
        top.AddSymbolicLink("/a/indirect_sym", "direct_sym");
        top.AddDirectory("/opq", Mode0755, opaque: true);
        top.AddFile("/opq/new", "new", Mode0644, TopFileTime);
        top.AddDirectory("/empty", Mode0755);
        top.AddFile("/file", FileContent, Mode0640, TopFileTime);
        top.AddDirectory("/tree", Mode0755);
        top.AddFile("/tree/w", "w", Mode0644, TopFileTime);
        return top;
    }

    /// <summary>Builds the bottom lower.</summary>
    /// <returns>A new layer named <see cref="BottomName"/>.</returns>
    public static MemoryLayer BuildBottom()
    {
        var bottom = new MemoryLayer(BottomName, new ManualClock(BottomDirectoryTime));
        bottom.AddDirectory("/a", Mode0755);
        bottom.AddFile("/a/foo", FooContent, Mode0644, BottomFileTime);
        bottom.AddFile("/a/hidden", "hidden", Mode0644, BottomFileTime);
        bottom.AddDirectory("/a/sub", Mode0755);
        bottom.AddFile("/a/sub/leaf", "leaf", Mode0644, BottomFileTime);
        bottom.AddSymbolicLink("/a/direct_sym", "foo");
        bottom.AddSymbolicLink("/a/dangling_sym", "no_such_file");
        bottom.AddSymbolicLink("/a/dir_sym", "sub");
        bottom.AddDirectory("/opq", Mode0755);
        bottom.AddFile("/opq/old", "old", Mode0644, BottomFileTime);
        bottom.AddDirectory("/tree", Mode0755);
        bottom.AddDirectory("/tree/x", Mode0755);
        bottom.AddDirectory("/tree/x/y", Mode0755);
        bottom.AddFile("/tree/x/y/z", "z", Mode0644, BottomFileTime);
        bottom.AddFile("/ro", "read-only", Mode0444, BottomFileTime);
        return bottom;
    }

    /// <summary>The short names <see cref="TreeDump"/> prints for the standard times.</summary>
    /// <param name="now">The upper clock's start, printed as "now".</param>
    /// <returns>Time → label.</returns>
    public static IReadOnlyDictionary<DateTime, string> TimeLabels(DateTime now) => new Dictionary<DateTime, string>
    {
        [BottomDirectoryTime] = "bottom",
        [TopDirectoryTime] = "top",
        [BottomFileTime] = "bottom-file",
        [TopFileTime] = "top-file",
        [now] = "now",
    };
}
