using System.IO.Abstractions;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// The table of crafted inputs: traversal, absolute and relative link escapes, link loops, chains
/// through the root, NUL, over-long names and paths, <c>.wh.</c> names, the root itself, case
/// variants. Links are made through the overlay (so they live in its upper) and point at the
/// sentinel folder <c>S</c>, which exists outside every layer root: an escape would reach it.
/// Each expected outcome is what System.IO gives for the same calls on a directory of the real
/// disk (a link to a missing place behaves as one whose target is outside the overlay), checked
/// there; "{S}" in an outcome stands for the sentinel's path.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class HostilePaths
{
    private const string DirNotFound = Outcome.DirectoryNotFound;
    private const string FileNotFound = Outcome.FileNotFound;
    private const string Eloop = "EX IOException hr=40";
    private const string Einval = "EX IOException hr=22";
    private const string Denied = "EX UnauthorizedAccessException hr=0x80070005";
    private const string NulArgument = "EX ArgumentException hr=0x80070057";
    private const string TooLong = "EX PathTooLongException hr=0x800700CE";
    private const string Ebusy = "EX IOException hr=16";

    private static readonly string Name256 = new('n', 256);
    private static readonly string Name255 = new('n', 255);
    private static readonly string Path5000 = "/a/" + string.Join('/', Enumerable.Repeat(new string('p', 200), 25)) + "/f";

    /// <summary>Every case.</summary>
    public static readonly HostilePathCase[] Cases =
    [
        // ---- Traversal: ".." stops at the overlay's root, as at "/".
        new("traversal/read-etc-passwd", (fs, s) => fs.File.ReadAllText("/../../../../etc/passwd"), DirNotFound),
        new("traversal/read-back-into-view", (fs, s) => fs.File.ReadAllText("/a/../../../file"), "ok: 'file-content'"),
        new("traversal/relative-from-cwd", (fs, s) => fs.File.ReadAllText("a/../../../../ro"), "ok: 'read-only'"),
        new("traversal/write-sentinel", (fs, s) => { fs.File.WriteAllText("/../../.." + s + "/secret", "pwned"); return null; }, DirNotFound),
        new("traversal/delete-sentinel-file", (fs, s) => { fs.File.Delete("/../.." + s + "/secret"); return null; }, DirNotFound),
        new("traversal/delete-sentinel-tree", (fs, s) => { fs.Directory.Delete("/.." + s, true); return null; }, DirNotFound),
        new("traversal/move-into-sentinel", (fs, s) => { fs.File.Move("/file", "/../.." + s + "/moved"); return fs.File.Exists("/file"); }, DirNotFound),
        new("traversal/move-dir-into-sentinel", (fs, s) => { fs.Directory.Move("/empty", s + "/moved"); return null; }, DirNotFound),
        new("traversal/copy-into-sentinel", (fs, s) => { fs.File.Copy("/file", "/../" + s + "/copy"); return null; }, DirNotFound),
        new("traversal/mkdir-stays-inside", (fs, s) => { fs.Directory.CreateDirectory("/../../tmp/x"); return fs.Directory.Exists("/tmp/x"); }, "ok: True"),
        new("traversal/list-parent-of-root", (fs, s) => fs.Directory.GetFileSystemEntries("/..").Length, "ok: 6"),

        // ---- Absolute links: their target starts at the overlay's root, never the host's.
        new("abs-link/read-through-dir-link", (fs, s) => { fs.File.CreateSymbolicLink("/esc", s); return fs.File.ReadAllText("/esc/secret"); }, DirNotFound),
        new("abs-link/write-through-dir-link", (fs, s) => { fs.File.CreateSymbolicLink("/esc", s); fs.File.WriteAllText("/esc/new", "x"); return null; }, DirNotFound),
        new("abs-link/read-file-link", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); return fs.File.ReadAllText("/escfile"); }, FileNotFound),
        new("abs-link/write-file-link", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); fs.File.WriteAllText("/escfile", "pwned"); return null; }, FileNotFound),
        new("abs-link/append-file-link", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); fs.File.AppendAllText("/escfile", "pwned"); return null; }, FileNotFound),
        new("abs-link/chmod-file-link", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); fs.File.SetUnixFileMode("/escfile", (UnixFileMode)0b111_111_111); return null; }, FileNotFound),
        new("abs-link/touch-file-link", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); fs.File.SetLastWriteTimeUtc("/escfile", DateTime.UnixEpoch); return fs.File.Exists("/escfile"); }, "ok: True"),
        new("abs-link/delete-unlinks-link", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); fs.File.Delete("/escfile"); return fs.File.Exists("/escfile"); }, "ok: False"),
        new("abs-link/recursive-delete-of-link", (fs, s) => { fs.File.CreateSymbolicLink("/esc", s); fs.Directory.Delete("/esc", true); return fs.Path.Exists("/esc"); }, DirNotFound),
        new("abs-link/mkdir-under-link", (fs, s) => { fs.File.CreateSymbolicLink("/esc", s); fs.Directory.CreateDirectory("/esc/sub"); return null; }, DirNotFound),
        new("abs-link/copy-onto-link", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); fs.File.Copy("/file", "/escfile", true); return null; }, FileNotFound),
        new("abs-link/resolve-final-target", (fs, s) => { fs.File.CreateSymbolicLink("/escfile", s + "/secret"); return fs.File.ResolveLinkTarget("/escfile", true)?.FullName; }, "ok: '{S}/secret'"),
        new("abs-link/to-etc-reads-view", (fs, s) => { fs.File.CreateSymbolicLink("/hostroot", "/"); return fs.File.ReadAllText("/hostroot/a/foo"); }, "ok: 'foo-content'"),

        // ---- Relative links: ".." in a target stops at the overlay's root.
        new("rel-link/list-above-root", (fs, s) => { fs.File.CreateSymbolicLink("/rel", "../../../../../.."); return fs.Directory.GetFileSystemEntries("/rel").Length; }, "ok: 7"),
        new("rel-link/read-above-root", (fs, s) => { fs.File.CreateSymbolicLink("/rel", "../../../../../.."); return fs.File.ReadAllText("/rel/file"); }, "ok: 'file-content'"),
        new("rel-link/write-to-host-tmp", (fs, s) => { fs.File.CreateSymbolicLink("/a/up", "../../../tmp"); fs.File.WriteAllText("/a/up/x", "x"); return null; }, DirNotFound),
        new("rel-link/read-sentinel", (fs, s) => { fs.File.CreateSymbolicLink("/relfile", "../../../.." + s + "/secret"); return fs.File.ReadAllText("/relfile"); }, FileNotFound),
        new("rel-link/write-sentinel", (fs, s) => { fs.File.CreateSymbolicLink("/relfile", "../../../.." + s + "/secret"); fs.File.WriteAllText("/relfile", "pwned"); return null; }, FileNotFound),
        new("rel-link/lower-dir-link-up", (fs, s) => { fs.File.CreateSymbolicLink("/a/sub/up", "../../../../.."); return fs.File.ReadAllText("/a/sub/up/a/sub/leaf"); }, "ok: 'leaf'"),

        // ---- Loops and chains.
        new("loop/read-two-link-loop", (fs, s) => { fs.File.CreateSymbolicLink("/loop1", "loop2"); fs.File.CreateSymbolicLink("/loop2", "loop1"); return fs.File.ReadAllText("/loop1"); }, Eloop),
        new("loop/write-two-link-loop", (fs, s) => { fs.File.CreateSymbolicLink("/loop1", "loop2"); fs.File.CreateSymbolicLink("/loop2", "loop1"); fs.File.WriteAllText("/loop1", "x"); return null; }, Eloop),
        new("loop/exists-self-loop", (fs, s) => { fs.File.CreateSymbolicLink("/self", "self"); return fs.File.Exists("/self"); }, "ok: True"),
        new("loop/read-through-self-loop-dir", (fs, s) => { fs.File.CreateSymbolicLink("/self", "self"); return fs.File.ReadAllText("/self/x"); }, Eloop),
        new("loop/delete-loop-link", (fs, s) => { fs.File.CreateSymbolicLink("/self", "self"); fs.File.Delete("/self"); return fs.Path.Exists("/self"); }, "ok: False"),
        new("loop/dir-loop-into-itself", (fs, s) => { fs.File.CreateSymbolicLink("/dl", "/dl/x"); return fs.File.ReadAllText("/dl/y"); }, Eloop),
        new("loop/chain-of-41", (fs, s) => { Chain(fs, 41); return fs.File.ReadAllText("/c0"); }, Eloop),
        new("loop/chain-of-39", (fs, s) => { Chain(fs, 39); return fs.File.ReadAllText("/c0"); }, "ok: 'file-content'"),
        new("root-chain/through-root-link", (fs, s) => { fs.File.CreateSymbolicLink("/r", "/"); return fs.File.ReadAllText("/r/r/r/r/file"); }, "ok: 'file-content'"),
        new("root-chain/dotdot-past-root", (fs, s) => { fs.File.CreateSymbolicLink("/r2", "/../../../a"); return fs.File.ReadAllText("/r2/foo"); }, "ok: 'foo-content'"),
        new("root-chain/write-through-root-chain", (fs, s) => { fs.File.CreateSymbolicLink("/r", "/"); fs.File.WriteAllText("/r/r/a/new", "n"); return fs.File.ReadAllText("/a/new"); }, "ok: 'n'"),
        new("root-chain/resolve-to-root", (fs, s) => { fs.File.CreateSymbolicLink("/r", "/"); return fs.File.ResolveLinkTarget("/r", true)?.FullName; }, "ok: '/'"),

        // ---- NUL.
        new("nul/read", (fs, s) => fs.File.ReadAllText("/a/fo\0o"), NulArgument),
        new("nul/write", (fs, s) => { fs.File.WriteAllText("/x\0y", "x"); return null; }, NulArgument),
        new("nul/mkdir", (fs, s) => { fs.Directory.CreateDirectory("/d\0"); return null; }, NulArgument),
        new("nul/link-target", (fs, s) => { fs.File.CreateSymbolicLink("/l", "ta\0rget"); return null; }, NulArgument),
        new("nul/move-destination", (fs, s) => { fs.File.Move("/file", "/f\0"); return null; }, NulArgument),
        new("nul/exists", (fs, s) => fs.Directory.Exists("/a\0"), "ok: False"),

        // ---- Over-long names (NAME_MAX 255) and paths (PATH_MAX 4096).
        new("long/name-256-write", (fs, s) => { fs.File.WriteAllText("/" + Name256, "x"); return null; }, TooLong),
        new("long/name-255-write", (fs, s) => { fs.File.WriteAllText("/" + Name255, "x"); return fs.File.ReadAllText("/" + Name255); }, "ok: 'x'"),
        new("long/name-256-mkdir", (fs, s) => { fs.Directory.CreateDirectory("/a/" + Name256); return null; }, TooLong),
        new("long/name-256-move", (fs, s) => { fs.File.Move("/file", "/" + Name256); return null; }, TooLong),
        new("long/path-over-path-max-read", (fs, s) => fs.File.ReadAllText(Path5000), TooLong),
        new("long/path-over-path-max-exists", (fs, s) => fs.File.Exists(Path5000), "ok: False"),
        new("long/link-target-over-path-max", (fs, s) => { fs.File.CreateSymbolicLink("/longt", new string('t', 5000)); return null; }, TooLong),

        // ---- ".wh." names: reserved in an OCI-form upper, never a way to write a whiteout.
        new("wh/write-whiteout-name", (fs, s) => { Try(() => fs.File.WriteAllText("/.wh.file", "x")); return fs.File.ReadAllText("/file"); }, "ok: 'file-content'"),
        new("wh/write-whiteout-name-outcome", (fs, s) => { fs.File.WriteAllText("/.wh.file", "x"); return null; }, "ok", Einval),
        new("wh/mkdir-opaque-marker", (fs, s) => { fs.Directory.CreateDirectory("/opq/.wh..wh..opq"); return null; }, "ok", Einval),
        new("wh/mkdir-whiteout-name", (fs, s) => { Try(() => fs.Directory.CreateDirectory("/a/.wh.foo")); return fs.File.ReadAllText("/a/foo"); }, "ok: 'foo-content'"),
        new("wh/move-onto-whiteout-name", (fs, s) => { Try(() => fs.File.Move("/file", "/.wh.ro")); return fs.File.ReadAllText("/ro"); }, "ok: 'read-only'"),
        new("wh/move-onto-whiteout-name-outcome", (fs, s) => { fs.File.Move("/file", "/.wh.ro"); return null; }, "ok", Einval),
        new("wh/link-whiteout-name", (fs, s) => { fs.File.CreateSymbolicLink("/.wh.a", "x"); return null; }, "ok", Einval),
        new("wh/move-dir-onto-whiteout-name", (fs, s) => { fs.Directory.Move("/empty", "/.wh.tree"); return fs.Directory.Exists("/tree"); }, "ok: True", Einval),
        new("wh/read-stored-whiteout", (fs, s) => fs.File.ReadAllText("/a/.wh.hidden"), FileNotFound),
        new("wh/list-hides-whiteouts", (fs, s) => fs.Directory.GetFileSystemEntries("/a").Length, "ok: 8"),

        // ---- The root itself.
        new("root/rmdir", (fs, s) => { fs.Directory.Delete("/"); return null; }, Ebusy),
        new("root/rmdir-recursive", (fs, s) => { fs.Directory.Delete("/", true); return null; }, Ebusy),
        new("root/unlink", (fs, s) => { fs.File.Delete("/"); return null; }, Denied),
        new("root/write", (fs, s) => { fs.File.WriteAllText("/", "x"); return null; }, Denied),
        new("root/mkdir", (fs, s) => { fs.Directory.CreateDirectory("/"); return fs.Directory.GetFileSystemEntries("/").Length; }, "ok: 6"),
        new("root/chmod", (fs, s) => { fs.File.SetUnixFileMode("/", (UnixFileMode)0b111_000_000); return Convert.ToString((int)fs.File.GetUnixFileMode("/"), 8); }, "ok: '700'"),
        new("root/move-file-over-root", (fs, s) => { fs.File.Move("/file", "/", true); return null; }, Ebusy),

        // ---- Case variants: names are case-sensitive.
        new("case/read-upper-case-name", (fs, s) => fs.File.ReadAllText("/FILE"), FileNotFound),
        new("case/read-under-upper-case-dir", (fs, s) => fs.File.ReadAllText("/A/foo"), DirNotFound),
        new("case/write-variant-is-new-file", (fs, s) => { fs.File.WriteAllText("/File", "x"); return fs.File.ReadAllText("/file"); }, "ok: 'file-content'"),
        new("case/delete-variant-keeps-file", (fs, s) => { fs.File.Delete("/Ro"); return fs.File.Exists("/ro"); }, "ok: True"),
        new("case/mkdir-variant-keeps-dir", (fs, s) => { fs.Directory.CreateDirectory("/Empty"); return fs.Directory.GetFileSystemEntries("/").Length; }, "ok: 7"),
    ];

    private static void Chain(IFileSystem fs, int links)
    {
        for (int i = 0; i < links; i++)
        {
            fs.File.CreateSymbolicLink("/c" + i, "c" + (i + 1));
        }

        fs.File.CreateSymbolicLink("/c" + links, "file");
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (IOException)
        {
        }
    }
}
