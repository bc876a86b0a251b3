using System.Collections.Concurrent;
using System.Text;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// The catalogue's concurrent copy-ups, and the engine's locking model under load: readers of lower
/// files never see a torn object while other threads copy the same files up, append to others, and
/// delete and re-create others; a copy-up happens once however many threads ask for it. Every run is
/// bounded by iteration counts, not by time, and ends by checking the final state and the lowers.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int RewrittenFiles = 6;
    private const int RenamedFiles = 3;
    private const int Logs = 3;
    private const int ChurnFiles = 3;
    private const int Generations = 150;
    private const int Appends = 150;
    private const int ReaderThreads = 6;
    private const int ReadsPerThread = 1500;
    private const int FileLength = 2048;
    private const string LogBase = "log:";

    [Fact]
    public void Readers_WhileOtherThreadsCopyUpAppendAndRecreate_AlwaysSeeWholeContentAndTheFinalStateIsConsistent()
    {
        var lower = BuildLower();
        var snapshot = LayerSnapshot.Capture(lower);
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper);
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(ReaderThreads + RewrittenFiles + RenamedFiles + Logs + ChurnFiles);
        var threads = new List<Thread>();

        for (int f = 0; f < RewrittenFiles; f++)
        {
            int file = f;
            threads.Add(Run(start, failures, () =>
            {
                // One write call of the whole content over the copied-up file: readers see all of it or none.
                for (int g = 1; g <= Generations; g++)
                {
                    using var stream = overlay.FileStream.New(Rewritten(file), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                    stream.Write(Content("f" + file, g));
                }
            }));
        }

        for (int f = 0; f < RenamedFiles; f++)
        {
            int file = f;
            threads.Add(Run(start, failures, () =>
            {
                // Write a whole new version beside it, then rename it over the lower file.
                for (int g = 1; g <= Generations; g++)
                {
                    string temporary = $"/c/tmp{file}";
                    overlay.File.WriteAllBytes(temporary, Content("r" + file, g));
                    overlay.File.Move(temporary, Renamed(file), overwrite: true);
                }
            }));
        }

        for (int l = 0; l < Logs; l++)
        {
            int log = l;
            threads.Add(Run(start, failures, () =>
            {
                for (int a = 0; a < Appends; a++)
                {
                    overlay.File.AppendAllText(Log(log), Record(a));
                }
            }));
        }

        for (int c = 0; c < ChurnFiles; c++)
        {
            int churn = c;
            threads.Add(Run(start, failures, () =>
            {
                for (int g = 1; g <= Generations; g++)
                {
                    overlay.File.Delete(Churn(churn));
                    overlay.File.WriteAllBytes(Churn(churn), Content("c" + churn, g));
                }
            }));
        }

        for (int r = 0; r < ReaderThreads; r++)
        {
            int seed = r;
            threads.Add(Run(start, failures, () => Read(overlay, seed, failures)));
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        failures.Should().BeEmpty();
        for (int f = 0; f < RewrittenFiles; f++)
        {
            overlay.File.ReadAllBytes(Rewritten(f)).Should().Equal(Content("f" + f, Generations));
        }

        for (int f = 0; f < RenamedFiles; f++)
        {
            overlay.File.ReadAllBytes(Renamed(f)).Should().Equal(Content("r" + f, Generations));
            overlay.File.Exists($"/c/tmp{f}").Should().BeFalse();
        }

        for (int l = 0; l < Logs; l++)
        {
            overlay.File.ReadAllText(Log(l)).Should().Be(LogBase + string.Concat(Enumerable.Range(0, Appends).Select(Record)));
        }

        for (int c = 0; c < ChurnFiles; c++)
        {
            overlay.File.ReadAllBytes(Churn(c)).Should().Equal(Content("c" + c, Generations));
            upper.TryGetEntry(Churn(c), out var entry).Should().BeTrue();
            entry.Kind.Should().Be(LayerEntryKind.File);
        }

        overlay.Changes(TestContext.Current.CancellationToken).Select(c => c.ToString()).Should().Equal(
            [
                "C /c",
                .. Enumerable.Range(0, ChurnFiles).Select(c => $"C /c/churn{c}"),
                .. Enumerable.Range(0, RewrittenFiles).Select(f => $"C /c/f{f}"),
                .. Enumerable.Range(0, Logs).Select(l => $"C /c/log{l}"),
                .. Enumerable.Range(0, RenamedFiles).Select(f => $"C /c/r{f}"),
            ]);
        upper.StagedCount.Should().Be(0);
        snapshot.AssertUnchanged(lower);
    }

    [Fact]
    public void FirstWrite_FromEightThreadsAtOnce_CopiesTheFileUpExactlyOnce()
    {
        var lower = BuildLower();
        var snapshot = LayerSnapshot.Capture(lower);

        // Repeated on fresh overlays: each round is a new race for the first copy-up.
        for (int round = 0; round < 25; round++)
        {
            var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
            var events = new ConcurrentQueue<OverlayEvent>();
            overlay.Trace += (_, e) => events.Enqueue(e);
            var failures = new ConcurrentQueue<string>();
            using var start = new Barrier(8);
            var threads = Enumerable.Range(0, 8).Select(i => Run(start, failures, () =>
            {
                using var stream = overlay.FileStream.New("/c/f0", FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                stream.Position = i;
                stream.WriteByte((byte)('0' + i));
            })).ToList();
            threads.ForEach(t => t.Join());

            failures.Should().BeEmpty();
            events.Count(e => e.Kind == OverlayEventKind.CopyUp && e.Path == "/c/f0").Should().Be(1, "round {0}", round);
            events.Count(e => e.Kind == OverlayEventKind.CopyUp && e.Path == "/c").Should().Be(1, "round {0}", round);
            var content = overlay.File.ReadAllBytes("/c/f0");
            Encoding.ASCII.GetString(content, 0, 8).Should().Be("01234567");
            content.AsSpan(8).ToArray().Should().Equal(Content("f0", 0).AsSpan(8).ToArray());
        }

        snapshot.AssertUnchanged(lower);
    }

    [Fact]
    public void Delete_OfTheSameLowerFileFromEightThreads_WritesOneWhiteout()
    {
        var lower = BuildLower();
        var snapshot = LayerSnapshot.Capture(lower);
        var upper = new MemoryLayer("upper");
        var overlay = new OverlayFileSystem([lower], upper);
        var events = new ConcurrentQueue<OverlayEvent>();
        overlay.Trace += (_, e) => events.Enqueue(e);
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(8);

        var threads = Enumerable.Range(0, 8).Select(_ => Run(start, failures, () => overlay.File.Delete("/c/f1"))).ToList();
        threads.ForEach(t => t.Join());

        failures.Should().BeEmpty();
        events.Count(e => e.Kind == OverlayEventKind.Whiteout && e.Path == "/c/f1").Should().Be(1);
        upper.TryGetEntry("/c/f1", out var entry).Should().BeTrue();
        entry.Kind.Should().Be(LayerEntryKind.Whiteout);
        snapshot.AssertUnchanged(lower);
    }

    [Fact]
    public void CreateDirectory_OfTheSameNameFromEightThreads_CreatesItOnce()
    {
        var lower = BuildLower();
        var overlay = new OverlayFileSystem([lower], new MemoryLayer("upper"));
        var events = new ConcurrentQueue<OverlayEvent>();
        overlay.Trace += (_, e) => events.Enqueue(e);
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(8);

        var threads = Enumerable.Range(0, 8).Select(_ => Run(start, failures, () => overlay.Directory.CreateDirectory("/c/new/deeper"))).ToList();
        threads.ForEach(t => t.Join());

        failures.Should().BeEmpty();
        events.Count(e => e.Kind == OverlayEventKind.Created && e.Path == "/c/new").Should().Be(1);
        events.Count(e => e.Kind == OverlayEventKind.Created && e.Path == "/c/new/deeper").Should().Be(1);
    }

    private static void Read(OverlayFileSystem overlay, int seed, ConcurrentQueue<string> failures)
    {
        var random = new Random(seed);
        for (int i = 0; i < ReadsPerThread; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    int f = random.Next(RewrittenFiles);
                    CheckWhole(overlay.File.ReadAllBytes(Rewritten(f)), "f" + f, allowEmpty: false, failures, Rewritten(f));
                    break;
                case 1:
                    int r = random.Next(RenamedFiles);
                    CheckWhole(overlay.File.ReadAllBytes(Renamed(r)), "r" + r, allowEmpty: false, failures, Renamed(r));
                    break;
                case 2:
                    int l = random.Next(Logs);
                    string log = overlay.File.ReadAllText(Log(l));
                    if (!IsWholeLog(log))
                    {
                        failures.Enqueue($"{Log(l)}: torn log '{log}'");
                    }

                    break;
                default:
                    int c = random.Next(ChurnFiles);
                    try
                    {
                        // Between the unlink and the re-create the name is missing, and between the
                        // create and its one write it is empty, as on any file system.
                        CheckWhole(overlay.File.ReadAllBytes(Churn(c)), "c" + c, allowEmpty: true, failures, Churn(c));
                    }
                    catch (FileNotFoundException)
                    {
                    }

                    break;
            }
        }
    }

    private static void CheckWhole(byte[] data, string tag, bool allowEmpty, ConcurrentQueue<string> failures, string path)
    {
        if (data.Length == 0 && allowEmpty)
        {
            return;
        }

        if (data.Length != FileLength)
        {
            failures.Enqueue($"{path}: {data.Length} bytes");
            return;
        }

        string header = Encoding.ASCII.GetString(data, 0, tag.Length + 7);
        if (!header.StartsWith(tag + ":g", StringComparison.Ordinal) || !int.TryParse(header.AsSpan(tag.Length + 2, 4), out int generation))
        {
            failures.Enqueue($"{path}: bad header '{header}'");
            return;
        }

        if (!data.AsSpan().SequenceEqual(Content(tag, generation)))
        {
            failures.Enqueue($"{path}: torn content of generation {generation}");
        }
    }

    private static bool IsWholeLog(string log)
    {
        if (!log.StartsWith(LogBase, StringComparison.Ordinal) || (log.Length - LogBase.Length) % Record(0).Length != 0)
        {
            return false;
        }

        int records = (log.Length - LogBase.Length) / Record(0).Length;
        return log == LogBase + string.Concat(Enumerable.Range(0, records).Select(Record));
    }

    private static Thread Run(Barrier start, ConcurrentQueue<string> failures, Action work)
    {
        var thread = new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                work();
            }
#pragma warning disable CA1031 // Any exception from a worker is a failure the test reports.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Enqueue(e.ToString());
            }
        });
        thread.Start();
        return thread;
    }

    private static MemoryLayer BuildLower()
    {
        var lower = new MemoryLayer("lower", new ManualClock(StandardLowers.BottomDirectoryTime));
        lower.AddDirectory("/c", StandardLowers.Mode0755);
        for (int f = 0; f < RewrittenFiles; f++)
        {
            lower.AddFile(Rewritten(f), Content("f" + f, 0), StandardLowers.Mode0644, StandardLowers.BottomFileTime);
        }

        for (int f = 0; f < RenamedFiles; f++)
        {
            lower.AddFile(Renamed(f), Content("r" + f, 0), StandardLowers.Mode0644, StandardLowers.BottomFileTime);
        }

        for (int l = 0; l < Logs; l++)
        {
            lower.AddFile(Log(l), LogBase, StandardLowers.Mode0644, StandardLowers.BottomFileTime);
        }

        for (int c = 0; c < ChurnFiles; c++)
        {
            lower.AddFile(Churn(c), Content("c" + c, 0), StandardLowers.Mode0644, StandardLowers.BottomFileTime);
        }

        return lower;
    }

    /// <summary>A whole version of a file: "tag:gNNNN:" then one letter per generation, <see cref="FileLength"/> bytes.</summary>
    private static byte[] Content(string tag, int generation)
    {
        var data = new byte[FileLength];
        int header = Encoding.ASCII.GetBytes($"{tag}:g{generation:D4}:", data);
        data.AsSpan(header).Fill((byte)('A' + (generation % 26)));
        return data;
    }

    private static string Record(int index) => $"[{index:D5}]";

    private static string Rewritten(int file) => $"/c/f{file}";

    private static string Renamed(int file) => $"/c/r{file}";

    private static string Log(int log) => $"/c/log{log}";

    private static string Churn(int churn) => $"/c/churn{churn}";
}
