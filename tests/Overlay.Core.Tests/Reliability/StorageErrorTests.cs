using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Reliability;

/// <summary>
/// A storage that fails under a layer (a disk answering EIO) is never read as "not there": every
/// probe of a merged view whose upper (or lower) cannot be read throws <see cref="IOException"/>
/// with the errno, in both whiteout forms; none shows the lower's object in place of the upper's,
/// a deleted name, or a listing without the upper's entries. The failure is made by the layer's
/// test hook (<see cref="LinuxSyscalls.Fault"/>), which answers EIO for every read of the storage
/// below a directory.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
[Collection(SyscallFaultCollection.Name)]
public sealed class StorageErrorTests : IDisposable
{
    private const int EIO = 5;

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-eio-").FullName;

    public void Dispose()
    {
        LinuxSyscalls.Fault = null;
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<WhiteoutForm> Forms => [WhiteoutForm.Oci, WhiteoutForm.Kernel];

    [Theory]
    [MemberData(nameof(Forms))]
    public void EveryProbe_WhenTheUpperFailsWithEio_ThrowsEio(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        Prepare(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        FailUnder(Path.Combine(_root, "upper"), EIO);

        var wrong = Probes(overlay).Where(p => p.Outcome is not IOException { HResult: EIO }).Select(p => $"{p.Name}: {Describe(p.Outcome)}").ToList();

        wrong.Should().BeEmpty("every probe reads the upper, which fails");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void EveryProbe_WhenTheUpperFailsAfterAWarmLookup_AnswersAsBeforeOrThrowsEio(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        Prepare(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        var before = Probes(overlay).ToDictionary(p => p.Name, p => Describe(p.Outcome));
        FailUnder(Path.Combine(_root, "upper"), EIO);

        var wrong = Probes(overlay)
            .Where(p => p.Outcome is not IOException { HResult: EIO } && Describe(p.Outcome) != before[p.Name])
            .Select(p => $"{p.Name}: {Describe(p.Outcome)}, before: {before[p.Name]}")
            .ToList();

        wrong.Should().BeEmpty("a cached answer that is still true may be given, a wrong one never");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Exists_WhenTheUpperFails_IsFalseAsSystemIoAnswersOnAnError(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        Prepare(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        FailUnder(Path.Combine(_root, "upper"), EIO);

        // System.IO's Exists swallows every error: false, never the lower's deleted file.
        overlay.File.Exists("/a/deleted").Should().BeFalse();
        overlay.File.Exists("/a/renamed").Should().BeFalse();
        overlay.Directory.Exists("/a/new-dir").Should().BeFalse();
        var info = overlay.FileInfo.New("/a/deleted");
        info.Exists.Should().BeFalse();
        FluentActions.Invoking(() => info.Attributes).Should().Throw<IOException>().Which.HResult.Should().Be(EIO);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Probes_WhenTheFaultIsGone_AnswerAsBefore(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        Prepare(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        var before = Probes(overlay).ToDictionary(p => p.Name, p => Describe(p.Outcome));
        FailUnder(Path.Combine(_root, "upper"), EIO);
        _ = Probes(overlay).ToList();
        LinuxSyscalls.Fault = null;

        // Nothing a failed lookup saw was cached as an answer.
        Probes(overlay).ToDictionary(p => p.Name, p => Describe(p.Outcome)).Should().Equal(before);
        before["read /a/deleted"].Should().StartWith(nameof(FileNotFoundException));
        before["read /a/modified"].Should().Be("modified");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ReadingALowerFile_WhenTheLowerFailsWithEio_ThrowsEio(WhiteoutForm form)
    {
        SkipUnlessPossible(form);
        Prepare(form);
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        FailUnder(Path.Combine(_root, "lower"), EIO);

        FluentActions.Invoking(() => overlay.File.ReadAllText("/a/plain")).Should().Throw<IOException>().Which.HResult.Should().Be(EIO);
        FluentActions.Invoking(() => overlay.Directory.GetFileSystemEntries("/a")).Should().Throw<IOException>().Which.HResult.Should().Be(EIO);
    }

    /// <summary>Each probe of the table: a read, a listing or a status of an object the upper changed.</summary>
    private static IEnumerable<(string Name, object Outcome)> Probes(OverlayFileSystem overlay)
    {
        yield return ("read /a/modified", Try(() => overlay.File.ReadAllText("/a/modified")));
        yield return ("length /a/modified", Try(() => overlay.FileInfo.New("/a/modified").Length));
        yield return ("read /a/deleted", Try(() => overlay.File.ReadAllText("/a/deleted")));
        yield return ("attributes /a/deleted", Try(() => overlay.File.GetAttributes("/a/deleted")));
        yield return ("read /a/renamed", Try(() => overlay.File.ReadAllText("/a/renamed")));
        yield return ("read /a/moved", Try(() => overlay.File.ReadAllText("/a/moved")));
        yield return ("read /a/new-file", Try(() => overlay.File.ReadAllText("/a/new-file")));
        yield return ("list /a/new-dir", Try(() => string.Join(",", overlay.Directory.GetFileSystemEntries("/a/new-dir"))));
        yield return ("attributes /a/new-dir", Try(() => overlay.File.GetAttributes("/a/new-dir")));
        yield return ("list /a", Try(() => string.Join(",", overlay.Directory.GetFileSystemEntries("/a").Order(StringComparer.Ordinal))));
        yield return ("list /a/gone-dir", Try(() => string.Join(",", overlay.Directory.GetFileSystemEntries("/a/gone-dir"))));
        yield return ("list /", Try(() => string.Join(",", overlay.Directory.GetFileSystemEntries("/").Order(StringComparer.Ordinal))));
        yield return ("open /a/modified for writing", Try(() =>
        {
            using var stream = overlay.File.OpenWrite("/a/modified");
            return stream.Length;
        }));
    }

    private static object Try(Func<object> probe)
    {
        try
        {
            return probe();
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static string Describe(object outcome) => outcome switch
    {
        Exception e => $"{e.GetType().Name} {e.HResult}",
        _ => outcome.ToString() ?? string.Empty,
    };

    /// <summary>Every read of the storage below <paramref name="directory"/> fails with <paramref name="errno"/>.</summary>
    private static void FailUnder(string directory, int errno)
    {
        string prefix = directory + "/";
        LinuxSyscalls.Fault = (_, path) => path == directory || path.StartsWith(prefix, StringComparison.Ordinal) ? errno : 0;
    }

    private static void SkipUnlessPossible(WhiteoutForm form)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The storage fault hook is in the Linux system calls of HostDirectoryLayer; run it on Linux.");
        }

        if (form == WhiteoutForm.Kernel && LinuxNative.GetEffectiveUserId() != 0)
        {
            Assert.Skip("The kernel whiteout form makes character devices and trusted.* attributes, which needs root on Linux.");
        }
    }

    /// <summary>
    /// A lower with /a/{modified, deleted, renamed, plain} and /a/gone-dir/x; through an overlay:
    /// /a/modified rewritten, /a/deleted deleted, /a/renamed moved to /a/moved, /a/new-file and
    /// /a/new-dir/inside created, /a/gone-dir deleted. The overlay is then closed, so the probes
    /// are made by a fresh one with nothing cached.
    /// </summary>
    private void Prepare(WhiteoutForm form)
    {
        foreach (var (name, text) in new[] { ("modified", "original"), ("deleted", "deleted"), ("renamed", "renamed"), ("plain", "plain"), ("gone-dir/x", "x") })
        {
            string path = Path.Combine(_root, "lower/a", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        Directory.CreateDirectory(Path.Combine(_root, "upper"));
        using var upper = Upper(form);
        var overlay = new OverlayFileSystem([Lower()], upper);
        overlay.File.WriteAllText("/a/modified", "modified");
        overlay.File.Delete("/a/deleted");
        overlay.File.Move("/a/renamed", "/a/moved");
        overlay.File.WriteAllText("/a/new-file", "new");
        overlay.Directory.CreateDirectory("/a/new-dir");
        overlay.File.WriteAllText("/a/new-dir/inside", "inside");
        overlay.Directory.Delete("/a/gone-dir", recursive: true);
    }

    private HostDirectoryLayer Lower() => new(Path.Combine(_root, "lower"));

    private HostDirectoryLayer Upper(WhiteoutForm form) =>
        new(Path.Combine(_root, "upper"), new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work"), WhiteoutForm = form });
}

/// <summary>The tests that set the process-wide storage fault hook run one at a time, apart from the others that read the disk.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SyscallFaultCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Storage fault hook";
}
