using System.Runtime.Versioning;
using System.IO.Abstractions;
using System.Text;
using Overlay.Layers;

namespace Overlay.Tests.Conformance;

/// <summary>
/// The starting content of every conformance test, the same on every target:
/// <code>
/// /d/                 dir 0755      (both lowers: merged)
/// /d/a.txt            "alpha"       0644  top
/// /d/b.bin            bytes 0..255  0600  bottom
/// /d/x.log            "log"         0644  top
/// /d/y.LOG            "LOG"         0644  bottom
/// /d/sub/             dir 0750      (both lowers: merged)
/// /d/sub/c.txt        "gamma\n"     0644  bottom
/// /d/sub/deep/        dir 0755
/// /d/sub/deep/e.txt   "epsilon"     0644  top
/// /empty/             dir 0755
/// /f.txt              "hello world" 0644  top
/// /lines.txt          "one\ntwo\nthree\n" 0644 bottom
/// /ro.txt             "read-only"   0444  top
/// /exec.sh            "#!/bin/sh\n" 0755  bottom
/// /link     -> f.txt                      top
/// /dirlink  -> d                          bottom
/// /dangling -> missing                    top
/// </code>
/// Files have mtime <see cref="FileTime"/>, directories <see cref="DirectoryTime"/>. On the disk
/// and on an overlay with empty lowers it is written through <see cref="IFileSystem"/>; on an
/// overlay with lowers every directory is in both lowers (merged) and each other object in the
/// one shown.
/// </summary>
[SupportedOSPlatform("linux")]
public static class ConformanceSeed
{
    /// <summary>The mtime of every seeded file.</summary>
    public static readonly DateTime FileTime = new(2020, 2, 2, 2, 2, 2, DateTimeKind.Utc);

    /// <summary>The mtime of every seeded directory.</summary>
    public static readonly DateTime DirectoryTime = new(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The bytes of <c>/d/b.bin</c>.</summary>
    public static byte[] Binary { get; } = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];

    private const UnixFileMode M0755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode M0750 = (UnixFileMode)0b111_101_000;
    private const UnixFileMode M0644 = (UnixFileMode)0b110_100_100;
    private const UnixFileMode M0600 = (UnixFileMode)0b110_000_000;
    private const UnixFileMode M0444 = (UnixFileMode)0b100_100_100;

    private sealed record Entry(string Path, char Kind, UnixFileMode Mode, byte[]? Data = null, string? Target = null, bool Top = true);

    private static readonly Entry[] Entries =
    [
        new("/d", 'd', M0755),
        new("/d/a.txt", 'f', M0644, Utf8("alpha")),
        new("/d/b.bin", 'f', M0600, Binary, Top: false),
        new("/d/x.log", 'f', M0644, Utf8("log")),
        new("/d/y.LOG", 'f', M0644, Utf8("LOG"), Top: false),
        new("/d/sub", 'd', M0750),
        new("/d/sub/c.txt", 'f', M0644, Utf8("gamma\n"), Top: false),
        new("/d/sub/deep", 'd', M0755),
        new("/d/sub/deep/e.txt", 'f', M0644, Utf8("epsilon")),
        new("/empty", 'd', M0755, Top: false),
        new("/f.txt", 'f', M0644, Utf8("hello world")),
        new("/lines.txt", 'f', M0644, Utf8("one\ntwo\nthree\n"), Top: false),
        new("/ro.txt", 'f', M0444, Utf8("read-only")),
        new("/exec.sh", 'f', M0755, Utf8("#!/bin/sh\n"), Top: false),
        new("/link", 'l', 0, Target: "f.txt"),
        new("/dirlink", 'l', 0, Target: "d", Top: false),
        new("/dangling", 'l', 0, Target: "missing"),
    ];

    /// <summary>Writes the seed through a file system.</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="map">Maps a merged path to the file system's path.</param>
    public static void Write(IFileSystem fs, Func<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(map);
        foreach (var e in Entries)
        {
            string path = map(e.Path);
            switch (e.Kind)
            {
                case 'd':
                    fs.Directory.CreateDirectory(path);
                    break;
                case 'f':
                    fs.File.WriteAllBytes(path, e.Data!);
                    fs.File.SetUnixFileMode(path, e.Mode);
                    fs.File.SetLastWriteTimeUtc(path, FileTime);
                    break;
                default:
                    fs.File.CreateSymbolicLink(path, e.Target!);
                    break;
            }
        }

        // Directories last, deepest first: writing their children changed their mtimes.
        foreach (var e in Entries.Where(e => e.Kind == 'd').Reverse())
        {
            string path = map(e.Path);
            fs.File.SetUnixFileMode(path, e.Mode);
            fs.Directory.SetLastWriteTimeUtc(path, DirectoryTime);
        }
    }

    /// <summary>Builds the seed as two lowers, the top one first.</summary>
    /// <returns>The top and the bottom lower.</returns>
    public static (MemoryLayer Top, MemoryLayer Bottom) Lowers()
    {
        var top = new MemoryLayer("top");
        var bottom = new MemoryLayer("bottom");
        foreach (var e in Entries)
        {
            switch (e.Kind)
            {
                case 'd':
                    // A directory lives in both lowers, so the merged view merges them.
                    top.AddDirectory(e.Path, e.Mode);
                    bottom.AddDirectory(e.Path, e.Mode);
                    break;
                case 'f':
                    (e.Top ? top : bottom).AddFile(e.Path, e.Data!, e.Mode, FileTime);
                    break;
                default:
                    (e.Top ? top : bottom).AddSymbolicLink(e.Path, e.Target!);
                    break;
            }
        }

        foreach (var layer in new[] { top, bottom })
        {
            foreach (var e in Entries.Where(e => e.Kind == 'd'))
            {
                ((IWritableLayer)layer).SetTimes(e.Path, null, DirectoryTime);
            }
        }

        return (top, bottom);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
