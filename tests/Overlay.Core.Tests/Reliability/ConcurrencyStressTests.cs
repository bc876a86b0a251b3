using System.Globalization;
using System.IO.Abstractions;
using System.Text;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// Eight threads × thousands of random operations on one overlay: on disjoint paths the end state
/// and every outcome equal a serial replay's; on shared paths only System.IO's exceptions occur;
/// copy-ups raced by readers never show a torn file, and no append is lost. Bounded by operation
/// counts: <c>OVERLAY_STRESS_OPS</c> sets the operations per thread (default <see cref="DefaultOps"/>,
/// five times as many in the deep lane, <see cref="TestLane"/>).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Slow")]
public sealed class ConcurrencyStressTests
{
    /// <summary>Operations per thread.</summary>
    public const int DefaultOps = 2000;

    private const int Threads = 8;
    private const int FileSize = 4096;

    private static int Ops => TestLane.Size("OVERLAY_STRESS_OPS", DefaultOps, 5 * DefaultOps);

    [Fact]
    public void DisjointPaths_FromEightThreads_EndExactlyAsASerialReplay()
    {
        int ops = Ops;
        var (lower, _) = Lowers();
        var concurrent = new OverlayFileSystem([lower], new MemoryLayer("upper", new ManualClock(StandardLowers.UpperTime)), new OverlayOptions { Clock = new ManualClock(StandardLowers.UpperTime) });
        var outcomes = new string[Threads][];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t => outcomes[t] = RunThread(concurrent, t, ops));

        var serial = new OverlayFileSystem([lower], new MemoryLayer("upper", new ManualClock(StandardLowers.UpperTime)), new OverlayOptions { Clock = new ManualClock(StandardLowers.UpperTime) });
        for (int t = 0; t < Threads; t++)
        {
            RunThread(serial, t, ops).Should().Equal(outcomes[t], "thread {0}'s operations touch only its own paths", t);
        }

        var labels = new Dictionary<DateTime, string>();
        TreeDump.Merged(concurrent, labels).Should().Equal(TreeDump.Merged(serial, labels));
        outcomes.SelectMany(o => o).Should().NotContain(o => o.StartsWith("EX", StringComparison.Ordinal) && !IsSystemIOFailure(o));
    }

    [Fact]
    public void SharedPaths_FromEightThreads_ThrowOnlyWhatSystemIOThrowsAndLeaveLowersUnchanged()
    {
        int ops = Ops;
        var (lower, snapshot) = Lowers();
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        var outcomes = new string[Threads][];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t => outcomes[t] = RunThread(overlay, shared: true, seed: t, ops));

        outcomes.SelectMany(o => o).Where(o => o.StartsWith("EX", StringComparison.Ordinal) && !IsSystemIOFailure(o)).Should().BeEmpty();
        outcomes.SelectMany(o => o).Should().Contain(o => o.EndsWith(" ok", StringComparison.Ordinal), "some operations succeed");
        TreeDump.Merged(overlay, new Dictionary<DateTime, string>()).Should().NotBeEmpty();
        snapshot.AssertUnchanged(lower);
    }

    [Fact]
    public void CopyUps_RacedByReaders_ShowNoTornFileAndLoseNoAppend()
    {
        int rounds = Math.Max(10, Ops / 20);
        var (lower, snapshot) = Lowers();
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        var torn = new List<string>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var random = new Random(t);
            for (int round = 0; round < rounds; round++)
            {
                if (t % 2 == 0)
                {
                    // Writer t owns files t and t + 1 (FileMode.Append seeks to the end once, as
                    // System.IO does: two streams appending to one file could overwrite each other
                    // on any disk). Its first append to a file copies it up while readers read it.
                    int file = t + (round % 2);
                    using var stream = overlay.FileStream.New($"/big/f{file}", FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
                    stream.Write(Encoding.ASCII.GetBytes($"<{t:D1}>"));
                }
                else
                {
                    int file = random.Next(Threads);
                    string problem = Check(overlay.File.ReadAllBytes($"/big/f{file}"), file);
                    if (problem.Length > 0)
                    {
                        lock (torn)
                        {
                            torn.Add($"/big/f{file}: {problem}");
                        }
                    }
                }
            }
        });

        torn.Should().BeEmpty("a reader sees a file before or after a copy-up and whole appends only");
        for (int f = 0; f < Threads; f++)
        {
            var bytes = overlay.File.ReadAllBytes($"/big/f{f}");
            Check(bytes, f).Should().BeEmpty();
            int appended = (bytes.Length - FileSize) / 3;
            appended.Should().Be(f % 2 == 0 ? (rounds + 1) / 2 : rounds / 2, "no append to /big/f{0} may be lost", f);
        }

        snapshot.AssertUnchanged(lower);
    }

    private static string Check(byte[] bytes, int file)
    {
        if (bytes.Length < FileSize)
        {
            return $"only {bytes.Length} bytes: a half-copied file";
        }

        for (int i = 0; i < FileSize; i++)
        {
            if (bytes[i] != (byte)('a' + file))
            {
                return $"byte {i} is not the lower's";
            }
        }

        if ((bytes.Length - FileSize) % 3 != 0)
        {
            return "a torn append";
        }

        for (int i = FileSize; i < bytes.Length; i += 3)
        {
            if (bytes[i] != '<' || bytes[i + 2] != '>' || !char.IsAsciiDigit((char)bytes[i + 1]))
            {
                return $"a torn append at {i}";
            }
        }

        return string.Empty;
    }

    private static (MemoryLayer Lower, LayerSnapshot Snapshot) Lowers()
    {
        var lower = new MemoryLayer("lower", new ManualClock(StandardLowers.BottomDirectoryTime));
        lower.AddDirectory("/big");
        for (int f = 0; f < Threads; f++)
        {
            lower.AddFile($"/big/f{f}", new byte[FileSize].Select(_ => (byte)('a' + f)).ToArray());
            lower.AddDirectory($"/t{f}");
            lower.AddFile($"/t{f}/x", "lower-x");
            lower.AddDirectory($"/t{f}/sub");
            lower.AddFile($"/t{f}/sub/y", "lower-y");
        }

        lower.AddDirectory("/shared");
        lower.AddFile("/shared/x", "lower-x");
        lower.AddDirectory("/shared/sub");
        lower.AddFile("/shared/sub/y", "lower-y");
        return (lower, LayerSnapshot.Capture(lower));
    }

    private static string[] RunThread(IFileSystem fs, int thread, int ops) => RunThread(fs, shared: false, seed: thread, ops);

    private static string[] RunThread(IFileSystem fs, bool shared, int seed, int ops)
    {
        var random = new Random(seed * 7919 + (shared ? 1 : 0));
        string root = shared ? "/shared" : $"/t{seed}";
        string[] names = [root + "/x", root + "/sub/y", root + "/sub", root + "/n", root + "/sub/n", root + "/d", root + "/d/z"];
        var outcomes = new string[ops];
        for (int i = 0; i < ops; i++)
        {
            string a = names[random.Next(names.Length)];
            string b = names[random.Next(names.Length)];
            int op = random.Next(11);
            string text = ((char)('a' + random.Next(26))).ToString();
            outcomes[i] = op + " " + a + " " + b + " " + Outcome.Of(() => op switch
            {
                0 => (object?)fs.File.ReadAllText(a),
                1 => Do(() => fs.File.WriteAllText(a, text)),
                2 => Do(() => fs.File.AppendAllText(a, text)),
                3 => Do(() => fs.File.Delete(a)),
                4 => Do(() => fs.Directory.CreateDirectory(a)),
                5 => Do(() => fs.Directory.Delete(a, recursive: random.Next(2) == 0)),
                6 => Do(() => fs.File.Move(a, b, overwrite: true)),
                7 => Do(() => fs.Directory.Move(a, b)),
                8 => fs.Directory.Exists(a) ? string.Join(",", fs.Directory.EnumerateFileSystemEntries(a).Order(StringComparer.Ordinal)) : fs.File.Exists(a),
                9 => Do(() => fs.File.SetUnixFileMode(a, (UnixFileMode)0b110_000_000)),
                _ => Do(() => fs.File.SetLastWriteTimeUtc(a, new DateTime(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc))),
            });
        }

        return outcomes;
    }

    private static object? Do(Action action)
    {
        action();
        return null;
    }

    private static bool IsSystemIOFailure(string outcome) =>
        outcome.Contains("EX IOException", StringComparison.Ordinal)
        || outcome.Contains("EX FileNotFoundException", StringComparison.Ordinal)
        || outcome.Contains("EX DirectoryNotFoundException", StringComparison.Ordinal)
        || outcome.Contains("EX UnauthorizedAccessException", StringComparison.Ordinal);
}
