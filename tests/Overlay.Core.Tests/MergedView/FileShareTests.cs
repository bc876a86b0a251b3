using System.IO.Abstractions;
using Overlay.Layers;
using Overlay.Tests.Support;
using Overlay.Union;

namespace Overlay.Tests.MergedView;

/// <summary>
/// <c>FileShare</c> on the overlay: emulated per overlay as .NET on Linux enforces it on a real disk
/// (an advisory flock(2) after the open: LOCK_EX for <see cref="FileShare.None"/>, LOCK_SH for any
/// other value), never as a lock on a layer's file. Most tests are differential: the same calls run
/// against a temporary directory of the real disk (<see cref="System.IO.Abstractions.FileSystem"/>)
/// and against an overlay, and must give the same outcomes (type and HResult), so a change on either
/// side fails them. The file under test is in the overlay's lower (opened read-only directly,
/// copied up by a write) or in its upper.
/// </summary>
/// <remarks>
/// The real disk must be a local file system (ext4, tmpfs, …): on NFS and SMB, .NET takes no shared
/// lock for an open that writes. With DOTNET_SYSTEM_IO_DISABLEFILELOCKING=1, neither side locks, and
/// the tests that pin a conflict are skipped.
/// </remarks>
public sealed class FileShareTests
{
    private const string Content = "0123456789";

    /// <summary>Where the overlay's files are.</summary>
    public enum Placement
    {
        /// <summary>In the lower: a read-only open reads it there, a write copies it up.</summary>
        Lower,

        /// <summary>Created through the overlay, so only in the upper.</summary>
        Upper,
    }

    private static readonly FileAccess[] Accesses = [FileAccess.Read, FileAccess.Write, FileAccess.ReadWrite];

    private static readonly FileShare[] Shares =
    [
        FileShare.None,
        FileShare.Read,
        FileShare.Write,
        FileShare.ReadWrite,
        FileShare.Delete,
        FileShare.Inheritable,
        FileShare.ReadWrite | FileShare.Delete,
    ];

    private static bool LockingDisabled => !new ShareTable().Enabled;

    // ---- The matrix of two opens

    public static TheoryData<FileAccess, FileShare, Placement> FirstOpens()
    {
        var data = new TheoryData<FileAccess, FileShare, Placement>();
        foreach (var placement in new[] { Placement.Lower, Placement.Upper })
        {
            foreach (var access in Accesses)
            {
                foreach (var share in Shares)
                {
                    data.Add(access, share, placement);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FirstOpens))]
    public void SecondOpen_WhileAFirstIsOpen_GivesWhatTheRealDiskGives(FileAccess access, FileShare share, Placement placement)
    {
        using var disk = Target.Disk("f");
        using var overlay = Target.Overlay(placement, "f");

        var expected = SecondOpens(disk, access, share);
        var actual = SecondOpens(overlay, access, share);

        actual.Should().Equal(expected);
        overlay.AssertLowerUnchanged();
    }

    [Theory]
    [MemberData(nameof(FirstOpens))]
    public void SecondOpen_ConflictsExactlyWhenEitherSideSharesNothing(FileAccess access, FileShare share, Placement placement)
    {
        Assert.SkipWhen(LockingDisabled, "System.IO file locking is disabled in this process.");
        using var overlay = Target.Overlay(placement, "f");

        var expected = new List<string>();
        foreach (var secondAccess in Accesses)
        {
            foreach (var secondShare in Shares)
            {
                bool conflict = share == FileShare.None || secondShare == FileShare.None;
                expected.Add($"{secondAccess}/{secondShare}: {(conflict ? Outcome.Io(11) : "ok")}");
            }
        }

        SecondOpens(overlay, access, share).Should().Equal(expected);
    }

    private static List<string> SecondOpens(Target target, FileAccess access, FileShare share)
    {
        var outcomes = new List<string>();
        using var first = target.Fs.FileStream.New(target.P("f"), FileMode.Open, access, share);
        foreach (var secondAccess in Accesses)
        {
            foreach (var secondShare in Shares)
            {
                outcomes.Add($"{secondAccess}/{secondShare}: " +
                    Outcome.Of(() => target.Fs.FileStream.New(target.P("f"), FileMode.Open, secondAccess, secondShare).Dispose()));
            }
        }

        return outcomes;
    }

    // ---- System.IO members while a stream is open

    private static readonly Dictionary<string, Action<IFileSystem, Func<string, string>>> Operations = new()
    {
        ["File.ReadAllText"] = (fs, p) => fs.File.ReadAllText(p("f")),
        ["File.ReadAllBytes"] = (fs, p) => fs.File.ReadAllBytes(p("f")),
        ["File.ReadAllLines"] = (fs, p) => fs.File.ReadAllLines(p("f")),
        ["File.OpenRead"] = (fs, p) => fs.File.OpenRead(p("f")).Dispose(),
        ["File.OpenText"] = (fs, p) => fs.File.OpenText(p("f")).Dispose(),
        ["File.WriteAllText"] = (fs, p) => fs.File.WriteAllText(p("f"), "new"),
        ["File.WriteAllBytes"] = (fs, p) => fs.File.WriteAllBytes(p("f"), [1, 2, 3]),
        ["File.AppendAllText"] = (fs, p) => fs.File.AppendAllText(p("f"), "more"),
        ["File.OpenWrite"] = (fs, p) => fs.File.OpenWrite(p("f")).Dispose(),
        ["File.Open(Open)"] = (fs, p) => fs.File.Open(p("f"), FileMode.Open).Dispose(),
        ["File.Open(Open, Read, ReadWrite)"] = (fs, p) => fs.File.Open(p("f"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite).Dispose(),
        ["File.Create"] = (fs, p) => fs.File.Create(p("f")).Dispose(),
        ["File.CreateText"] = (fs, p) => fs.File.CreateText(p("f")).Dispose(),
        ["File.AppendText"] = (fs, p) => fs.File.AppendText(p("f")).Dispose(),
        ["FileStream(Create, Write, Read)"] = (fs, p) => fs.FileStream.New(p("f"), FileMode.Create, FileAccess.Write, FileShare.Read).Dispose(),
        ["FileStream(Truncate, Write, Read)"] = (fs, p) => fs.FileStream.New(p("f"), FileMode.Truncate, FileAccess.Write, FileShare.Read).Dispose(),
        ["FileStream(OpenOrCreate, Read, Read)"] = (fs, p) => fs.FileStream.New(p("f"), FileMode.OpenOrCreate, FileAccess.Read, FileShare.Read).Dispose(),
        ["FileStream(OpenOrCreate, Write, None)"] = (fs, p) => fs.FileStream.New(p("f"), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None).Dispose(),
        ["FileStream(Append, Write, Read)"] = (fs, p) => fs.FileStream.New(p("f"), FileMode.Append, FileAccess.Write, FileShare.Read).Dispose(),
        ["FileStream(CreateNew, Write, Read)"] = (fs, p) => fs.FileStream.New(p("f"), FileMode.CreateNew, FileAccess.Write, FileShare.Read).Dispose(),
        ["FileStream(Open, Read, None, Asynchronous)"] = (fs, p) => fs.FileStream.New(p("f"), FileMode.Open, FileAccess.Read, FileShare.None, 4096, FileOptions.Asynchronous).Dispose(),
        ["FileInfo.Open(Open, Read, Read)"] = (fs, p) => fs.FileInfo.New(p("f")).Open(FileMode.Open, FileAccess.Read, FileShare.Read).Dispose(),
        ["File.Copy(from it)"] = (fs, p) => fs.File.Copy(p("f"), p("g")),
        ["File.Copy(onto it)"] = (fs, p) =>
        {
            fs.File.WriteAllText(p("other"), "other");
            fs.File.Copy(p("other"), p("f"), overwrite: true);
        },
        ["File.Delete"] = (fs, p) => fs.File.Delete(p("f")),
        ["File.Move(it away)"] = (fs, p) => fs.File.Move(p("f"), p("g")),
        ["File.Move(onto it)"] = (fs, p) =>
        {
            fs.File.WriteAllText(p("other"), "other");
            fs.File.Move(p("other"), p("f"), overwrite: true);
        },
        ["File.Replace(onto it)"] = (fs, p) =>
        {
            fs.File.WriteAllText(p("other"), "other");
            fs.File.Replace(p("other"), p("f"), null);
        },
        ["File.Replace(onto it, with a backup)"] = (fs, p) =>
        {
            fs.File.WriteAllText(p("other"), "other");
            fs.File.Replace(p("other"), p("f"), p("g"));
        },
        ["File.SetLastWriteTimeUtc"] = (fs, p) => fs.File.SetLastWriteTimeUtc(p("f"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        ["File.Exists"] = (fs, p) => fs.File.Exists(p("f")).Should().BeTrue(),
    };

    public static TheoryData<string, FileAccess, FileShare, Placement> OperationsWhileOpen()
    {
        (FileAccess, FileShare)[] firsts =
        [
            (FileAccess.Read, FileShare.None),
            (FileAccess.ReadWrite, FileShare.None),
            (FileAccess.Read, FileShare.Read),
            (FileAccess.ReadWrite, FileShare.Read),
            (FileAccess.Write, FileShare.ReadWrite),
            (FileAccess.Read, FileShare.Delete),
        ];
        var data = new TheoryData<string, FileAccess, FileShare, Placement>();
        foreach (var name in Operations.Keys)
        {
            foreach (var (access, share) in firsts)
            {
                foreach (var placement in new[] { Placement.Lower, Placement.Upper })
                {
                    data.Add(name, access, share, placement);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OperationsWhileOpen))]
    public void Operation_WhileAStreamIsOpen_GivesWhatTheRealDiskGives(string operation, FileAccess access, FileShare share, Placement placement)
    {
        using var disk = Target.Disk("f");
        using var overlay = Target.Overlay(placement, "f");

        var expected = Observe(disk, operation, access, share);
        var actual = Observe(overlay, operation, access, share);

        actual.Should().Equal(expected);
        overlay.AssertLowerUnchanged();
    }

    /// <summary>The operation's outcome, which names are locked while the first stream is still open, and the files after it is closed.</summary>
    private static List<string> Observe(Target target, string operation, FileAccess access, FileShare share)
    {
        var fs = target.Fs;
        string[] names = ["f", "g", "other"];
        var lines = new List<string>();
        using (var first = fs.FileStream.New(target.P("f"), FileMode.Open, access, share))
        {
            lines.Add($"{operation}: " + Outcome.Of(() => Operations[operation](fs, target.P)));
            foreach (var name in names)
            {
                lines.Add($"held: open {name} Read/Read: " + Outcome.Of(() => fs.FileStream.New(target.P(name), FileMode.Open, FileAccess.Read, FileShare.Read).Dispose()));
                lines.Add($"held: open {name} Read/None: " + Outcome.Of(() => fs.FileStream.New(target.P(name), FileMode.Open, FileAccess.Read, FileShare.None).Dispose()));
            }

            lines.Add("held: the first stream reads: " + Outcome.Of(() => (access & FileAccess.Read) != 0 ? first.ReadByte() : -2));
        }

        foreach (var name in names)
        {
            lines.Add($"closed: {name}: " + Outcome.Of(() => fs.File.ReadAllText(target.P(name))));
            lines.Add($"closed: open {name} Read/None: " + Outcome.Of(() => fs.FileStream.New(target.P(name), FileMode.Open, FileAccess.Read, FileShare.None).Dispose()));
        }

        return lines;
    }

    // ---- What the lock is on

    [Fact]
    public void ConflictingOpen_ThrowsTheRealDisksException_NamingThePathOpened()
    {
        Assert.SkipWhen(LockingDisabled, "System.IO file locking is disabled in this process.");
        using var disk = Target.Disk("f");
        using var overlay = Target.Overlay(Placement.Lower, "f");

        foreach (var target in new[] { disk, overlay })
        {
            target.Fs.File.CreateSymbolicLink(target.P("link"), "f");
        }

        string[] Messages(Target target)
        {
            using var held = target.Fs.File.Open(target.P("f"), FileMode.Open, FileAccess.Read, FileShare.None);
            return
            [
                target.Message(() => target.Fs.File.ReadAllText(target.P("f"))),
                target.Message(() => target.Fs.File.OpenRead(target.P("link")).Dispose()),
            ];
        }

        var expected = Messages(disk);
        Messages(overlay).Should().Equal(expected);
        expected.Should().Equal(
            "IOException hr=0xB: The process cannot access the file '<root>/f' because it is being used by another process.",
            "IOException hr=0xB: The process cannot access the file '<root>/link' because it is being used by another process.");
    }

    [Theory]
    [InlineData(Placement.Lower)]
    [InlineData(Placement.Upper)]
    public void OpenThroughASymbolicLink_ConflictsWithAnOpenOfItsTarget(Placement placement)
    {
        using var disk = Target.Disk("f");
        using var overlay = Target.Overlay(placement, "f");

        static List<string> Run(Target target)
        {
            var fs = target.Fs;
            fs.Directory.CreateDirectory(target.P("dir"));
            fs.File.CreateSymbolicLink(target.P("link"), "f");
            fs.File.CreateSymbolicLink(target.P("dir/indirect"), "../link");
            fs.Directory.CreateSymbolicLink(target.P("dirlink"), ".");
            var lines = new List<string>();
            using (fs.File.Open(target.P("f"), FileMode.Open, FileAccess.Read, FileShare.None))
            {
                lines.Add("target held; link: " + Outcome.Of(() => fs.File.ReadAllText(target.P("link"))));
                lines.Add("target held; two links: " + Outcome.Of(() => fs.File.ReadAllText(target.P("dir/indirect"))));
                lines.Add("target held; through a directory link: " + Outcome.Of(() => fs.File.ReadAllText(target.P("dirlink/f"))));
            }

            using (fs.File.Open(target.P("dir/indirect"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                lines.Add("link held; target: " + Outcome.Of(() => fs.File.ReadAllText(target.P("f"))));
                lines.Add("link held; delete the link: " + Outcome.Of(() => fs.File.Delete(target.P("link"))));
                lines.Add("link held; target again: " + Outcome.Of(() => fs.File.ReadAllText(target.P("f"))));
            }

            lines.Add("closed: " + Outcome.Of(() => fs.File.ReadAllText(target.P("f"))));
            return lines;
        }

        Run(overlay).Should().Equal(Run(disk));
        overlay.AssertLowerUnchanged();
    }

    [Fact]
    public void OpenThroughALowerSymbolicLink_ConflictsWithAnOpenOfItsTarget()
    {
        Assert.SkipWhen(LockingDisabled, "System.IO file locking is disabled in this process.");
        var (top, bottom) = StandardLowers.Build();
        var overlay = new OverlayFileSystem([top, bottom], new MemoryLayer("upper"));

        using (overlay.File.Open("/a/foo", FileMode.Open, FileAccess.Read, FileShare.None))
        {
            // indirect_sym (top) -> direct_sym (bottom) -> foo (bottom)
            var act = () => overlay.File.ReadAllText("/a/indirect_sym");
            act.Should().Throw<IOException>().Where(e => e.HResult == 11 && e.Message.Contains("'/a/indirect_sym'", StringComparison.Ordinal));
        }

        overlay.File.ReadAllText("/a/indirect_sym").Should().Be(StandardLowers.FooContent);
        overlay.Upper!.ListDirectory("/").Should().BeEmpty();
    }

    [Theory]
    [InlineData(Placement.Lower)]
    [InlineData(Placement.Upper)]
    public void Lock_FollowsItsFile_WhenTheFileOrItsDirectoryIsRenamed(Placement placement)
    {
        using var disk = Target.Disk("d/f", "d/e/deep");
        using var overlay = Target.Overlay(placement, "d/f", "d/e/deep");

        static List<string> Run(Target target)
        {
            var fs = target.Fs;
            var lines = new List<string>();
            string Open(string name, FileShare share) =>
                $"open {name} {share}: " + Outcome.Of(() => fs.FileStream.New(target.P(name), FileMode.Open, FileAccess.Read, share).Dispose());

            using (fs.File.Open(target.P("d/f"), FileMode.Open, FileAccess.Read, FileShare.None))
            using (fs.File.Open(target.P("d/e/deep"), FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                fs.File.Move(target.P("d/f"), target.P("d/g"));
                lines.Add(Open("d/g", FileShare.Read));
                lines.Add(Open("d/f", FileShare.Read));
                fs.File.WriteAllText(target.P("d/f"), "a new file");
                lines.Add(Open("d/f", FileShare.None));

                fs.Directory.Move(target.P("d"), target.P("moved"));
                lines.Add(Open("moved/g", FileShare.Read));
                lines.Add(Open("moved/e/deep", FileShare.Read));
                lines.Add(Open("moved/e/deep", FileShare.None));
                lines.Add(Open("moved/f", FileShare.None));

                fs.Directory.CreateDirectory(target.P("d/e"));
                fs.File.WriteAllText(target.P("d/g"), "new");
                fs.File.WriteAllText(target.P("d/e/deep"), "new");
                lines.Add(Open("d/g", FileShare.None));
                lines.Add(Open("d/e/deep", FileShare.None));

                fs.File.Move(target.P("moved/f"), target.P("moved/g"), overwrite: true);
                lines.Add(Open("moved/g", FileShare.None));
            }

            lines.Add(Open("moved/g", FileShare.None));
            lines.Add(Open("moved/e/deep", FileShare.None));
            return lines;
        }

        Run(overlay).Should().Equal(Run(disk));
        overlay.AssertLowerUnchanged();
    }

    [Theory]
    [InlineData(Placement.Lower)]
    [InlineData(Placement.Upper)]
    public void DeletedFile_KeepsItsLock_ButANewFileAtItsNameIsFree(Placement placement)
    {
        using var disk = Target.Disk("f");
        using var overlay = Target.Overlay(placement, "f");

        static List<string> Run(Target target)
        {
            var fs = target.Fs;
            var lines = new List<string>();
            using (var held = fs.File.Open(target.P("f"), FileMode.Open, FileAccess.Read, FileShare.None))
            {
                lines.Add("delete: " + Outcome.Of(() => fs.File.Delete(target.P("f"))));
                lines.Add("open: " + Outcome.Of(() => fs.File.ReadAllText(target.P("f"))));
                lines.Add("create: " + Outcome.Of(() => fs.File.Create(target.P("f")).Dispose()));
                lines.Add("open the new file None: " + Outcome.Of(() => fs.File.Open(target.P("f"), FileMode.Open, FileAccess.Read, FileShare.None).Dispose()));
                using var reader = new StreamReader(held);
                lines.Add("the deleted file reads: " + Outcome.Of(() => reader.ReadToEnd()));
            }

            return lines;
        }

        Run(overlay).Should().Equal(Run(disk));
        overlay.AssertLowerUnchanged();
    }

    [Theory]
    [InlineData(Placement.Lower)]
    [InlineData(Placement.Upper)]
    public void Lock_IsReleasedWhenTheStreamIsDisposed_HoweverItIsClosed(Placement placement)
    {
        using var disk = Target.Disk("f");
        using var overlay = Target.Overlay(placement, "f");

        static List<string> Run(Target target)
        {
            var fs = target.Fs;
            var lines = new List<string>();
            string Probe() => Outcome.Of(() => fs.File.Open(target.P("f"), FileMode.Open, FileAccess.Read, FileShare.None).Dispose());
            FileSystemStream Hold() => fs.File.Open(target.P("f"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);

            var stream = Hold();
            lines.Add("held: " + Probe());
            stream.Dispose();
            lines.Add("Dispose: " + Probe());
            stream.Dispose();
            lines.Add("Dispose again: " + Probe());

            stream = Hold();
            stream.Close();
            lines.Add("Close: " + Probe());

            stream = Hold();
            stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
            lines.Add("DisposeAsync: " + Probe());

            var reader = new StreamReader(fs.File.Open(target.P("f"), FileMode.Open, FileAccess.Read, FileShare.None));
            lines.Add("reader held: " + Probe());
            reader.Dispose();
            lines.Add("reader disposed: " + Probe());

            var writer = fs.File.CreateText(target.P("f"));
            lines.Add("writer (shares Read) held: " + Probe());
            writer.Dispose();
            lines.Add("writer disposed: " + Probe());

            var lines2 = fs.File.ReadLines(target.P("f"));
            lines.Add("ReadLines not enumerated: " + Probe());
            lines.Add("enumerated: " + Outcome.Of(() => lines2.Count()) + "; " + Probe());
            return lines;
        }

        Run(overlay).Should().Equal(Run(disk));
        overlay.AssertLowerUnchanged();
    }

    // ---- A refused open leaves nothing behind

    [Theory]
    [InlineData(FileMode.Create)]
    [InlineData(FileMode.Truncate)]
    [InlineData(FileMode.OpenOrCreate)]
    [InlineData(FileMode.Append)]
    [InlineData(FileMode.Open)]
    public void RefusedWrite_OfALowerFile_NeitherTruncatesNorCopiesUp(FileMode mode)
    {
        Assert.SkipWhen(LockingDisabled, "System.IO file locking is disabled in this process.");
        using var disk = Target.Disk("f");
        using var overlay = Target.Overlay(Placement.Lower, "f");
        var events = new List<OverlayEvent>();
        ((OverlayFileSystem)overlay.Fs).Trace += (_, e) => events.Add(e);

        foreach (var target in new[] { disk, overlay })
        {
            using (target.Fs.File.Open(target.P("f"), FileMode.Open, FileAccess.Read, FileShare.None))
            {
                var act = () => target.Fs.FileStream.New(target.P("f"), mode, FileAccess.Write, FileShare.Read).Dispose();
                act.Should().Throw<IOException>().Where(e => e.HResult == 11);
            }

            // The real disk opens without O_TRUNC and truncates only once it holds the lock.
            target.Fs.File.ReadAllText(target.P("f")).Should().Be(Content);
        }

        overlay.Upper!.ListDirectory("/").Should().BeEmpty("a refused open copies nothing up");
        events.Should().NotContain(e => e.Kind == OverlayEventKind.CopyUp || e.Kind == OverlayEventKind.Created || e.Kind == OverlayEventKind.Changed);
        overlay.AssertLowerUnchanged();
    }

    [Fact]
    public void RefusedCopy_OntoAHeldFile_CreatesAndTruncatesNothing()
    {
        Assert.SkipWhen(LockingDisabled, "System.IO file locking is disabled in this process.");
        using var overlay = Target.Overlay(Placement.Lower, "f", "src");

        using (overlay.Fs.File.OpenRead(overlay.P("f")))
        {
            var act = () => overlay.Fs.File.Copy(overlay.P("src"), overlay.P("f"), overwrite: true);
            act.Should().Throw<IOException>().Where(e => e.HResult == 11);
        }

        overlay.Upper!.ListDirectory("/").Should().BeEmpty();
        overlay.Fs.File.ReadAllText(overlay.P("f")).Should().Be(Content);
    }

    [Fact]
    public void ReadOnlyOverlay_OpenForWriteOfAHeldFile_FailsWithEROFSBeforeTheLock()
    {
        var lower = new MemoryLayer("lower").AddDirectory("/w").AddFile("/w/f", Content);
        var overlay = new OverlayFileSystem([lower], upper: null);

        using (overlay.File.Open("/w/f", FileMode.Open, FileAccess.Read, FileShare.None))
        {
            Outcome.Of(() => overlay.File.OpenWrite("/w/f").Dispose()).Should().Be(Outcome.Io(30));
            Outcome.Of(() => overlay.File.Open("/w/f", FileMode.CreateNew, FileAccess.Write).Dispose()).Should().Be(Outcome.Io(17));
            Outcome.Of(() => overlay.File.OpenRead("/w/f").Dispose()).Should().Be(LockingDisabled ? "ok" : Outcome.Io(11));
        }

        Outcome.Of(() => overlay.File.OpenRead("/w/f").Dispose()).Should().Be("ok");
    }

    [Fact]
    public void ResetUpper_DropsTheLocksOfTheFilesItThrowsAway_NotOfLowerFilesReadInPlace()
    {
        Assert.SkipWhen(LockingDisabled, "System.IO file locking is disabled in this process.");
        using var overlay = Target.Overlay(Placement.Lower, "read", "written");
        var fs = (OverlayFileSystem)overlay.Fs;
        string Probe(string name) => Outcome.Of(() => fs.File.Open(overlay.P(name), FileMode.Open, FileAccess.Read, FileShare.None).Dispose());

        using (fs.File.Open(overlay.P("read"), FileMode.Open, FileAccess.Read, FileShare.None))
        using (fs.File.Open(overlay.P("written"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        using (fs.File.Open(overlay.P("new"), FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            fs.ResetUpper();

            Probe("read").Should().Be(Outcome.Io(11), "the lower file is still the one the stream reads");
            Probe("written").Should().Be("ok", "the stream writes the upper copy, which is gone");
            Probe("new").Should().Be(Outcome.FileNotFound);
            fs.File.WriteAllText(overlay.P("new"), "again");
            Probe("new").Should().Be("ok");
        }

        Probe("read").Should().Be("ok");
        overlay.AssertLowerUnchanged();
    }

    // ---- Per overlay, never on layer files

    [Fact]
    public void TwoOverlays_OverTheSameLower_NeverBlockEachOther()
    {
        var lower = new MemoryLayer("lower").AddDirectory("/w").AddFile("/w/f", Content);
        var before = LayerSnapshot.Capture(lower);
        var first = new OverlayFileSystem([lower], new MemoryLayer("upper1"));
        var second = new OverlayFileSystem([lower], new MemoryLayer("upper2"));
        var readOnly = new OverlayFileSystem([lower], upper: null);

        using (first.File.Open("/w/f", FileMode.Open, FileAccess.Read, FileShare.None))
        using (first.File.Open("/w/g", FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            using (second.File.Open("/w/f", FileMode.Open, FileAccess.Read, FileShare.None))
            using (readOnly.File.Open("/w/f", FileMode.Open, FileAccess.Read, FileShare.None))
            {
            }

            // The first overlay's locks are nothing to the second: it writes the same names.
            second.File.WriteAllText("/w/f", "second's");
            second.File.WriteAllText("/w/g", "second's");
            Outcome.Of(() => first.File.ReadAllText("/w/f")).Should().Be(LockingDisabled ? "ok: '0123456789'" : Outcome.Io(11));
        }

        first.File.ReadAllText("/w/f").Should().Be(Content);
        second.File.ReadAllText("/w/f").Should().Be("second's");
        before.AssertUnchanged(lower);
    }

    [Fact]
    public void ManyThreads_OpeningWithFileShareNone_HoldTheFileOneAtATime()
    {
        Assert.SkipWhen(LockingDisabled, "System.IO file locking is disabled in this process.");
        var lower = new MemoryLayer("lower").AddDirectory("/w").AddFile("/w/f", Content);
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        int holders = 0;
        int maxHolders = 0;
        int granted = 0;
        int refused = 0;

        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 300; i++)
            {
                // Even workers write (copy-up and all), odd ones read the lower directly.
                var access = worker % 2 == 0 ? FileAccess.ReadWrite : FileAccess.Read;
                try
                {
                    using var stream = overlay.File.Open("/w/f", FileMode.Open, access, FileShare.None);
                    int now = Interlocked.Increment(ref holders);
                    InterlockedMax(ref maxHolders, now);
                    Interlocked.Increment(ref granted);
                    Thread.SpinWait(50);
                    Interlocked.Decrement(ref holders);
                }
                catch (IOException e) when (e.HResult == 11)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        });

        maxHolders.Should().Be(1);
        granted.Should().BePositive();
        (granted + refused).Should().Be(8 * 300);
        using (overlay.File.Open("/w/f", FileMode.Open, FileAccess.Read, FileShare.None))
        {
        }

        static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }

    // ---- System.IO's switch

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("1", null, true)]
    [InlineData("true", null, true)]
    [InlineData("TRUE", null, true)]
    [InlineData("True", null, true)]
    [InlineData("0", null, false)]
    [InlineData("false", null, false)]
    [InlineData("yes", null, false)]
    [InlineData(" true ", null, false)]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData("0", true, false)]
    [InlineData("1", false, true)]
    [InlineData("yes", true, true)]
    [InlineData("", true, true)]
    public void DisableFileLocking_IsReadAsSystemIOReadsIt(string? environmentValue, bool? switchValue, bool disabled)
    {
        // Each row was measured with a FileStream on the real disk: the environment variable wins
        // when it is 1/0/true/false (any case), else the AppContext switch decides.
        ShareTable.IsLockingDisabled(environmentValue, switchValue).Should().Be(disabled);
    }

    [Fact]
    public void DisabledTable_GrantsEveryOpen()
    {
        var table = new ShareTable(enabled: false);

        table.TryAcquire("/f", ShareLock.Exclusive, out var first).Should().BeTrue();
        table.TryAcquire("/f", ShareLock.Exclusive, out var second).Should().BeTrue();

        first.Should().BeNull();
        second.Should().BeNull();
        table.Count.Should().Be(0);
    }

    [Fact]
    public void Table_ForgetsAPathWhenItsLastLockIsReleased()
    {
        var table = new ShareTable(enabled: true);

        table.TryAcquire("/f", ShareLock.Shared, out var first).Should().BeTrue();
        table.TryAcquire("/f", ShareLock.Shared, out var second).Should().BeTrue();
        table.TryAcquire("/f", ShareLock.Exclusive, out var refused).Should().BeFalse();
        refused.Should().BeNull();
        first!.Release();
        first.Release();
        table.HeldAt("/f").Should().Be(ShareLock.Shared);
        second!.Release();

        table.Count.Should().Be(0);
        table.TryAcquire("/f", ShareLock.Exclusive, out var exclusive).Should().BeTrue();
        table.HeldAt("/f").Should().Be(ShareLock.Exclusive);
        table.Rename("/", "/unused");
        exclusive!.Release();
        table.Count.Should().Be(0);
    }

    [Fact]
    public void Table_RenameMovesEverythingBelowADirectory_AndUnlinkDetaches()
    {
        var table = new ShareTable(enabled: true);
        table.TryAcquire("/d/f", ShareLock.Exclusive, out var f);
        table.TryAcquire("/d/e/g", ShareLock.Shared, out var g);
        table.TryAcquire("/dd", ShareLock.Exclusive, out var dd);
        table.TryAcquire("/x", ShareLock.Exclusive, out var x);

        table.Rename("/d", "/x");

        table.HeldAt("/x/f").Should().Be(ShareLock.Exclusive);
        table.HeldAt("/x/e/g").Should().Be(ShareLock.Shared);
        table.HeldAt("/dd").Should().Be(ShareLock.Exclusive, "a sibling that only starts with the name does not move");
        table.HeldAt("/x").Should().Be(ShareLock.None, "what the rename replaced is out of reach");
        table.HeldAt("/d/f").Should().Be(ShareLock.None);

        table.Unlink("/x/f");
        table.HeldAt("/x/f").Should().Be(ShareLock.None);
        table.TryAcquire("/x/f", ShareLock.Exclusive, out var fresh).Should().BeTrue();
        f!.Release();
        table.HeldAt("/x/f").Should().Be(ShareLock.Exclusive, "releasing the unlinked file's lock leaves the new file's");

        foreach (var lease in new[] { g, dd, x, fresh })
        {
            lease!.Release();
        }

        table.Count.Should().Be(0);
    }

    // ---- Targets

    /// <summary>A directory with files of known content, on the real disk or in an overlay.</summary>
    private sealed class Target : IDisposable
    {
        private readonly string? _diskRoot;
        private readonly MemoryLayer? _lower;
        private readonly LayerSnapshot? _lowerBefore;

        private Target(IFileSystem fs, string root, string? diskRoot, MemoryLayer? lower)
        {
            Fs = fs;
            Root = root;
            _diskRoot = diskRoot;
            _lower = lower;
            _lowerBefore = lower is null ? null : LayerSnapshot.Capture(lower);
        }

        public IFileSystem Fs { get; }

        public string Root { get; }

        public IWritableLayer? Upper => (Fs as OverlayFileSystem)?.Upper;

        public static Target Disk(params string[] files)
        {
            var fs = new System.IO.Abstractions.FileSystem();
            string root = fs.Directory.CreateTempSubdirectory("overlay-fileshare-").FullName;
            var target = new Target(fs, root, root, null);
            foreach (string file in files)
            {
                fs.Directory.CreateDirectory(fs.Path.GetDirectoryName(target.P(file))!);
                fs.File.WriteAllText(target.P(file), Content);
            }

            return target;
        }

        public static Target Overlay(Placement placement, params string[] files)
        {
            const string root = "/w";
            var lower = new MemoryLayer("lower");
            lower.AddDirectory("/keep");
            if (placement == Placement.Lower)
            {
                lower.AddDirectory(root);
                foreach (string file in files)
                {
                    string path = root + "/" + file;
                    for (int slash = path.IndexOf('/', root.Length + 1); slash > 0; slash = path.IndexOf('/', slash + 1))
                    {
                        if (!lower.TryGetEntry(path[..slash], out _))
                        {
                            lower.AddDirectory(path[..slash]);
                        }
                    }

                    lower.AddFile(path, Content);
                }
            }

            var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
            var target = new Target(overlay, root, null, lower);
            if (placement == Placement.Upper)
            {
                foreach (string file in files)
                {
                    overlay.Directory.CreateDirectory(overlay.Path.GetDirectoryName(target.P(file))!);
                    overlay.File.WriteAllText(target.P(file), Content);
                }
            }

            return target;
        }

        public string P(string name) => Root + "/" + name;

        /// <summary>An exception's type, HResult and message, the root written as &lt;root&gt;.</summary>
        public string Message(Action action)
        {
            try
            {
                action();
                return "ok";
            }
#pragma warning disable CA1031 // The exception is what is being recorded.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return $"{e.GetType().Name} hr=0x{e.HResult:X}: {e.Message.Replace(Root, "<root>", StringComparison.Ordinal)}";
            }
        }

        public void AssertLowerUnchanged()
        {
            if (_lower is not null)
            {
                _lowerBefore!.AssertUnchanged(_lower);
            }
        }

        public void Dispose()
        {
            if (_diskRoot is not null && Directory.Exists(_diskRoot))
            {
                Directory.Delete(_diskRoot, recursive: true);
            }
        }
    }
}
