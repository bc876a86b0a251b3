using System.IO.Abstractions;
using System.Runtime.Versioning;
using System.Text;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// A full upper (ENOSPC) costs at most the operation that hit it: the upper and its work
/// directory live on a small tmpfs, the lower on the host disk. The tmpfs is filled (its space,
/// or its inodes), then one operation of each kind is tried: each either fails with
/// <see cref="IOException"/> carrying ENOSPC, leaving the merged view as it
/// was (a data write may leave what it wrote, as on a disk), an empty work area and the lower
/// unchanged, or succeeds as it does in memory. Once the filler is deleted the failed ones are
/// made again and the merged view is the one a memory upper gives. Both whiteout forms.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class DiskFullTests : IDisposable
{
    private const int ENOSPC = 28;

    private static readonly IReadOnlyDictionary<DateTime, string> NoLabels = new Dictionary<DateTime, string>();

    /// <summary>Written by the data operations; more than the space left.</summary>
    private static readonly string Data = new('d', 256 * 1024);

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-enospc-").FullName;
    private SmallMount? _mount;

    public void Dispose()
    {
        _mount?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>What the filled tmpfs lacks.</summary>
    public enum Shortage
    {
        /// <summary>Space: 16 KiB are left, less than any data operation needs.</summary>
        Space,

        /// <summary>Inodes: none is left.</summary>
        Inodes,

        /// <summary>Inodes: one is left, so an operation that needs two fails half-way.</summary>
        InodesButOne,
    }

    public static TheoryData<WhiteoutForm, Shortage> Cases => new()
    {
        { WhiteoutForm.Oci, Shortage.Space },
        { WhiteoutForm.Kernel, Shortage.Space },
        { WhiteoutForm.Oci, Shortage.Inodes },
        { WhiteoutForm.Kernel, Shortage.Inodes },
        { WhiteoutForm.Oci, Shortage.InodesButOne },
        { WhiteoutForm.Kernel, Shortage.InodesButOne },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryOperation_OnAFullUpper_FailsWithEnospcAndChangesNothing_ThenSucceedsOnceThereIsRoom(WhiteoutForm form, Shortage shortage)
    {
        bool inodes = shortage != Shortage.Space;
        _mount = SmallMount.MountOrSkip("tmpfs", inodes ? "size=8m,nr_inodes=64" : "size=4m", "tmpfs", Path.Combine(_root, "small"));
        string lowerDirectory = Path.Combine(_root, "lower");
        WriteLower(lowerDirectory);
        string lowerBefore = Dump(new OverlayFileSystem([new HostDirectoryLayer(lowerDirectory)], null));
        string upperDirectory = Path.Combine(_mount.Directory, "upper");
        string work = Path.Combine(_mount.Directory, "work");
        Directory.CreateDirectory(upperDirectory);
        Directory.CreateDirectory(work);
        var operations = Operations();
        var failed = new List<Operation>();
        var wrong = new List<string>();

        using (var upper = new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions { WorkDirectory = work, WhiteoutForm = form }))
        {
            var overlay = new OverlayFileSystem([new HostDirectoryLayer(lowerDirectory)], upper);
            Setup(overlay);
            var fillers = inodes ? FillInodes(_mount.Directory, leave: shortage == Shortage.InodesButOne ? 1 : 0) : FillSpace(_mount.Directory, leave: 16 * 1024);

            foreach (var operation in operations)
            {
                if (shortage == Shortage.InodesButOne)
                {
                    // Each operation starts with exactly one inode to spare.
                    FillInodes(_mount.Directory, leave: 1, fillers);
                }

                string before = Dump(overlay);
                Exception? error = Try(() => operation.Apply(overlay));
                if (error is null)
                {
                    continue;
                }

                failed.Add(operation);
                string after = Dump(overlay);
                if (error is not IOException { HResult: ENOSPC })
                {
                    wrong.Add($"{operation.Name}: threw {error.GetType().Name} {error.HResult} '{error.Message}'");
                }

                if (after != before && !(operation.WritesData is { } written && WithoutPath(after, operation.Path) == WithoutPath(before, operation.Path) && IsPartWritten(overlay, operation.Path, written)))
                {
                    wrong.Add($"{operation.Name}: the merged view changed\nbefore:\n{before}\nafter:\n{after}");
                }

                if (WorkAreaEntries(work) is { Length: > 0 } left)
                {
                    wrong.Add($"{operation.Name}: the work area holds {string.Join(", ", left)}");
                }

                if (Dump(new OverlayFileSystem([new HostDirectoryLayer(lowerDirectory)], null)) != lowerBefore)
                {
                    wrong.Add($"{operation.Name}: the lower changed");
                }
            }

            wrong.Should().BeEmpty("failed: " + string.Join("; ", failed.Select(o => o.Name)));
            failed.Select(o => o.Name).Should().Contain(
                shortage switch
                {
                    Shortage.Space => ["create and write a file", "append to a copied-up file", "copy up a lower file bigger than the space left"],
                    Shortage.Inodes => ["create and write a file", "make a directory", "copy up a lower file bigger than the space left"],
                    _ => ["copy up a lower file bigger than the space left", "rename a lower file", "move a lower directory"],
                },
                "these need what the full tmpfs does not have");

            foreach (string filler in fillers)
            {
                File.Delete(filler);
            }

            foreach (var operation in failed)
            {
                if (operation.WritesData is not null)
                {
                    operation.Undo?.Invoke(overlay);
                }

                FluentActions.Invoking(() => operation.Apply(overlay)).Should().NotThrow($"'{operation.Name}' has room now");
            }

            WorkAreaEntries(work).Should().BeEmpty();
            string actual = Content(overlay);
            var memory = new OverlayFileSystem([new HostDirectoryLayer(lowerDirectory)], new MemoryLayer());
            Setup(memory);
            foreach (var operation in operations)
            {
                operation.Apply(memory);
            }

            actual.Should().Be(Content(memory), "once there is room each operation gives what it gives in memory");
        }

        Dump(new OverlayFileSystem([new HostDirectoryLayer(lowerDirectory)], null)).Should().Be(lowerBefore, "the lower is never written");
    }

    /// <summary>An operation of each kind, each on its own names, so the order they are made in does not matter.</summary>
    private static List<Operation> Operations() =>
    [
        new("create and write a file", "/new-file", fs => fs.File.WriteAllText("/new-file", Data)) { WritesData = Data, Undo = fs => fs.File.Delete("/new-file") },
        new("append to a copied-up file", "/a/copied", fs => fs.File.AppendAllText("/a/copied", Data)) { WritesData = "copied and changed" + Data, Undo = fs => fs.File.WriteAllText("/a/copied", "copied and changed") },
        new("copy up a lower file bigger than the space left", "/a/big", fs => fs.File.AppendAllText("/a/big", "!")),
        new("chmod a lower file bigger than the space left", "/a/big2", fs => fs.File.SetUnixFileMode("/a/big2", UnixFileMode.UserRead | UnixFileMode.UserWrite)),
        new("make a directory", "/new-dir", fs => fs.Directory.CreateDirectory("/new-dir")),
        new("make a directory in a lower directory", "/a/new-dir", fs => fs.Directory.CreateDirectory("/a/new-dir")),
        new("make a symbolic link", "/new-link", fs => fs.File.CreateSymbolicLink("/new-link", "/a/" + new string('t', 200))),
        new("rename a lower file", "/a/renamed", fs => fs.File.Move("/a/renamed", "/a/renamed-to")),
        new("delete a lower file", "/a/deleted", fs => fs.File.Delete("/a/deleted")),
        new("delete a lower directory", "/a/dir", fs => fs.Directory.Delete("/a/dir", recursive: true)),
        new("make a directory over a deleted lower directory", "/a/gone-dir", fs => fs.Directory.CreateDirectory("/a/gone-dir")),
        new("move a lower directory", "/a/moved-dir", fs => fs.Directory.Move("/a/moved-dir", "/a/moved-dir-to")),
    ];

    /// <summary>Done before the tmpfs is filled: a copied-up file and a deleted lower directory.</summary>
    private static void Setup(IFileSystem overlay)
    {
        overlay.File.WriteAllText("/a/copied", "copied and changed");
        overlay.Directory.Delete("/a/gone-dir", recursive: true);
    }

    private static void WriteLower(string lower)
    {
        foreach (var (name, text) in new[]
        {
            ("a/small", "small"), ("a/copied", "copied"), ("a/big", new string('b', 512 * 1024)), ("a/big2", new string('c', 512 * 1024)),
            ("a/renamed", "renamed"), ("a/deleted", "deleted"), ("a/dir/x", "x"), ("a/dir/sub/y", "y"),
            ("a/gone-dir/z", "z"), ("a/moved-dir/p", "p"), ("a/moved-dir/sub/q", "q"),
        })
        {
            string path = Path.Combine(lower, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }

    /// <summary>Fills the tmpfs's space with one file but <paramref name="leave"/> bytes.</summary>
    private static List<string> FillSpace(string directory, int leave)
    {
        string filler = Path.Combine(directory, "filler");
        var chunk = new byte[64 * 1024];
        using (var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            try
            {
                while (true)
                {
                    stream.Write(chunk);
                }
            }
            catch (IOException e) when (e.HResult == ENOSPC)
            {
                // Full.
            }

            stream.SetLength(Math.Max(0, stream.Length - leave));
        }

        return [filler];
    }

    /// <summary>Takes every inode the tmpfs has left but <paramref name="leave"/> with empty files, added to <paramref name="fillers"/>.</summary>
    private static List<string> FillInodes(string directory, int leave, List<string>? fillers = null)
    {
        fillers ??= [];
        try
        {
            while (true)
            {
                string filler = Path.Combine(directory, "filler-" + Guid.NewGuid().ToString("n"));
                File.Create(filler).Dispose();
                fillers.Add(filler);
            }
        }
        catch (IOException e) when (e.HResult == ENOSPC)
        {
            // Full.
        }

        fillers.Should().HaveCountGreaterThan(leave, "the tmpfs had inodes left before it was filled");
        foreach (string spare in fillers.TakeLast(leave).ToList())
        {
            File.Delete(spare);
            fillers.Remove(spare);
        }

        return fillers;
    }

    private static string[] WorkAreaEntries(string work)
    {
        string area = Path.Combine(work, "work");
        return Directory.Exists(area) ? [.. Directory.GetFileSystemEntries(area).Select(e => Path.GetFileName(e)!)] : [];
    }

    /// <summary>The merged file at <paramref name="path"/>, when there, holds a beginning of <paramref name="written"/>, as a disk leaves a write that ran out of room.</summary>
    private static bool IsPartWritten(IFileSystem overlay, string path, string written) =>
        !overlay.File.Exists(path) || written.StartsWith(overlay.File.ReadAllText(path), StringComparison.Ordinal);

    private static string WithoutPath(string dump, string path) =>
        string.Join('\n', dump.Split('\n').Where(line => !line.StartsWith(path + " ", StringComparison.Ordinal)));

    private static string Dump(IFileSystem fileSystem) => string.Join('\n', TreeDump.Merged(fileSystem, NoLabels).Select(Short));

    /// <summary>Kind, mode, content or target of every object, without times (a memory upper stamps its own).</summary>
    private static string Content(IFileSystem fileSystem)
    {
        var text = new StringBuilder();
        foreach (string line in TreeDump.Merged(fileSystem, NoLabels).Select(Short))
        {
            string[] parts = line.Split(' ', 5);
            text.Append(parts[1] is "d" or "f" ? string.Join(' ', parts.Take(3).Concat(parts.Skip(4))) : line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A dump line with a long content cut to its length and first characters.</summary>
    private static string Short(string line) => line.Length > 200 ? $"{line[..100]}...({line.Length})" : line;

    private static Exception? Try(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private sealed record Operation(string Name, string Path, Action<IFileSystem> Apply)
    {
        /// <summary>For a data write: what the file holds once it is done (a failed one may leave a beginning of it).</summary>
        public string? WritesData { get; init; }

        /// <summary>For a data write: puts the file back as before it, so it can be made again.</summary>
        public Action<IFileSystem>? Undo { get; init; }
    }
}
