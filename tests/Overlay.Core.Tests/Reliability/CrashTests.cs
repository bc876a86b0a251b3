using System.Diagnostics;
using System.IO.Abstractions;
using System.Runtime.Versioning;
using System.Text;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// Crash safety: a process driving an overlay on host directories (the test assembly started
/// again as a <see cref="CrashWorkload"/> worker) is killed with SIGKILL on entry to the Nth call
/// of each system call that changes the storage (strace's fault injection), and at random
/// moments; a fresh overlay on the same directories must show the state before or after the
/// interrupted operation (replayed in memory over the same lower), with an empty work area after
/// it opened and the lower unchanged. Both whiteout forms.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
[Trait("Category", "Slow")]
public sealed class CrashTests : IDisposable
{
    private const int OperationCount = 40;

    /// <summary>Every system call by which the layer changes its storage.</summary>
    private static readonly string[] KillCalls =
        ["renameat2", "rename", "mkdir", "unlink", "rmdir", "chmod", "fchmodat", "utimensat", "symlink", "mknodat", "lsetxattr", "copy_file_range", "ftruncate"];

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-crash-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<WhiteoutForm> Forms => [WhiteoutForm.Oci, WhiteoutForm.Kernel];

    [Theory]
    [MemberData(nameof(Forms))]
    public void KilledOnEntryToASystemCall_OpensAtAnOperationBoundary(WhiteoutForm form)
    {
        SkipUnlessPossible(needStrace: true);
        int budget = TestLane.Size("OVERLAY_CRASH_KILLS", fast: 4, deep: 300);
        int seeds = TestLane.IsDeep ? 3 : 1;
        var points = new List<(int Seed, string Call, int N)>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            foreach (var (call, count) in CountCalls(form, seed))
            {
                for (int n = 1; n <= count; n++)
                {
                    points.Add((seed, call, n));
                }
            }
        }

        points.Should().NotBeEmpty("the workload changes the storage");
        var chosen = Sample(points, budget, new Random(form == WhiteoutForm.Oci ? 11 : 12));
        var failures = new List<string>();
        int killed = 0;
        foreach (var (seed, call, n) in chosen)
        {
            string run = Fresh();
            int exit = RunWorker(run, form, seed, $"-e trace={call} -e inject={call}:signal=SIGKILL:when={n}");
            killed += exit != 0 ? 1 : 0;
            if (Check(run, form, seed) is { } failure)
            {
                failures.Add($"seed {seed}, killed on {call} #{n}: {failure}");
            }
        }

        failures.Should().BeEmpty();
        killed.Should().BeGreaterThan(0, "the chosen calls are made by the workload");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void KilledAtARandomMoment_OpensAtAnOperationBoundary(WhiteoutForm form)
    {
        SkipUnlessPossible(needStrace: false);
        int runs = TestLane.Size("OVERLAY_CRASH_RANDOM_KILLS", fast: 2, deep: 100);
        var random = new Random(form == WhiteoutForm.Oci ? 21 : 22);
        var failures = new List<string>();
        for (int i = 0; i < runs; i++)
        {
            int seed = 100 + i;
            string run = Fresh();
            int exit = RunWorker(run, form, seed, strace: null, killAfterReady: TimeSpan.FromMilliseconds(random.Next(1, 60)));
            _ = exit;
            if (Check(run, form, seed) is { } failure)
            {
                failures.Add($"seed {seed}: {failure}");
            }
        }

        failures.Should().BeEmpty();
    }

    /// <summary>How often the workload of a seed makes each call, from one run under strace.</summary>
    private List<(string Call, int Count)> CountCalls(WhiteoutForm form, int seed)
    {
        string run = Fresh();
        string trace = Path.Combine(_root, $"trace-{form}-{seed}");
        RunWorker(run, form, seed, $"-o {trace} -e trace={string.Join(',', KillCalls)}", traceFile: true).Should().Be(0);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(trace))
        {
            string text = line.TrimStart();
            int space = text.IndexOf(' ', StringComparison.Ordinal);
            text = space > 0 && char.IsDigit(text[0]) ? text[(space + 1)..].TrimStart() : text;
            int paren = text.IndexOf('(', StringComparison.Ordinal);
            if (paren > 0 && !text.StartsWith("<...", StringComparison.Ordinal) && KillCalls.Contains(text[..paren]))
            {
                counts[text[..paren]] = counts.GetValueOrDefault(text[..paren]) + 1;
            }
        }

        // Counted over every thread; the worker's operations run on one, so the counts are at most this.
        return [.. counts.Select(c => (c.Key, c.Value))];
    }

    private static List<T> Sample<T>(List<T> items, int count, Random random)
    {
        if (items.Count <= count)
        {
            return items;
        }

        // Evenly spread, starting at a random offset: every call kind is reached.
        double step = (double)items.Count / count;
        double start = random.NextDouble() * step;
        return [.. Enumerable.Range(0, count).Select(i => items[(int)(start + (i * step))])];
    }

    private string Fresh()
    {
        string run = Path.Combine(_root, "run-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(run);
        CrashWorkload.WriteLower(Path.Combine(run, "lower"));
        Directory.CreateDirectory(Path.Combine(run, "upper"));
        return run;
    }

    /// <summary>Runs the worker (under strace when asked) and waits for it to end; its exit code.</summary>
    private static int RunWorker(string run, WhiteoutForm form, int seed, string? strace, bool traceFile = false, TimeSpan? killAfterReady = null)
    {
        string self = Environment.ProcessPath!;
        string assembly = typeof(CrashWorkload).Assembly.Location;
        string command = Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"{self} exec {assembly}" : self;
        var start = strace is null
            ? new ProcessStartInfo(command.Split(' ')[0], command.Split(' ', 2).ElementAtOrDefault(1) ?? string.Empty)
            : new ProcessStartInfo("strace", $"-f -qq {(traceFile ? string.Empty : "-o /dev/null ")}{strace} {command}");
        start.Environment[CrashWorkload.WorkerVariable] = $"{run}|{form}|{seed}|{OperationCount}";
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (killAfterReady is { } delay)
        {
            string log = Path.Combine(run, "log");
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && !(File.Exists(log) && File.ReadAllText(log).StartsWith("ready", StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(1);
            }

            Thread.Sleep(delay);
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // It had finished.
            }
        }

        process.WaitForExit(TimeSpan.FromMinutes(2)).Should().BeTrue("the worker ends");
        return process.ExitCode;
    }

    /// <summary>Opens the run's directories again and compares; null when consistent, else why not.</summary>
    private static string? Check(string run, WhiteoutForm form, int seed)
    {
        var operations = CrashWorkload.Operations(seed, OperationCount);
        var (begun, ended) = ReadLog(Path.Combine(run, "log"));
        string lowerBefore = Describe(Snapshot(new OverlayFileSystem([new HostDirectoryLayer(FreshLower(run))], null)));
        string actual;
        var (overlay, lower, upper) = CrashWorkload.Open(run, form);
        using (upper)
        {
            string[] left = Directory.GetFileSystemEntries(Path.Combine(run, "work", "work"));
            if (left.Length > 0)
            {
                return $"the work area holds {string.Join(", ", left.Select(Path.GetFileName))} after the upper opened";
            }

            actual = Describe(Snapshot(overlay));
            string lowerNow = Describe(Snapshot(new OverlayFileSystem([lower], null)));
            if (lowerNow != lowerBefore)
            {
                return "the lower changed";
            }
        }

        // The operations that ended are done; the one begun and not ended may be done, partly
        // done (what its Partial leaves) or not done.
        var candidates = new List<(string Label, Dictionary<string, string> State)> { ("before", Replay(run, operations, ended, null)) };
        if (begun > ended)
        {
            candidates.Add(("after", Replay(run, operations, ended + 1, null)));
            if (operations[ended].Partial is not null)
            {
                candidates.Add(("partly", Replay(run, operations, ended, operations[ended])));
            }
        }

        if (candidates.Any(c => Describe(c.State) == actual))
        {
            return null;
        }

        string interrupted = begun > ended ? operations[ended].ToString() : "none";
        return $"interrupted: {interrupted}\nactual:\n{actual}\n" + string.Join("\n", candidates.Select(c => $"{c.Label}:\n{Describe(c.State)}"));
    }

    /// <summary>A lower written again as every run starts (the run's own lower is compared with it).</summary>
    private static string FreshLower(string run)
    {
        string lower = Path.Combine(run, "lower-reference");
        if (!Directory.Exists(lower))
        {
            CrashWorkload.WriteLower(lower);
        }

        return lower;
    }

    private static (int Begun, int Ended) ReadLog(string log)
    {
        int begun = 0;
        int ended = 0;
        if (File.Exists(log))
        {
            foreach (string line in File.ReadLines(log))
            {
                if (line.StartsWith("B ", StringComparison.Ordinal))
                {
                    begun = int.Parse(line[2..], System.Globalization.CultureInfo.InvariantCulture) + 1;
                }
                else if (line.StartsWith("E ", StringComparison.Ordinal))
                {
                    ended = int.Parse(line[2..], System.Globalization.CultureInfo.InvariantCulture) + 1;
                }
            }
        }

        return (begun, ended);
    }

    /// <summary>The first <paramref name="count"/> operations (then <paramref name="partial"/>'s part) over the run's lower and a memory upper.</summary>
    private static Dictionary<string, string> Replay(string run, List<CrashOperation> operations, int count, CrashOperation? partial)
    {
        var overlay = new OverlayFileSystem([new HostDirectoryLayer(Path.Combine(run, "lower"))], new MemoryLayer());
        for (int i = 0; i < count; i++)
        {
            CrashWorkload.Apply(overlay, operations[i]);
        }

        if (partial is not null)
        {
            CrashWorkload.Apply(overlay, partial, partial: true);
        }

        return Snapshot(overlay);
    }

    /// <summary>Every object of the merged view: kind, mode, content or target.</summary>
    private static Dictionary<string, string> Snapshot(IFileSystem overlay)
    {
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk("/");
        return state;

        void Walk(string directory)
        {
            foreach (string path in overlay.Directory.EnumerateFileSystemEntries(directory))
            {
                var info = overlay.FileInfo.New(path);
                if (info.LinkTarget is { } target)
                {
                    state[path] = "link " + target;
                }
                else if (overlay.Directory.Exists(path))
                {
                    state[path] = "dir " + Convert.ToString((int)overlay.File.GetUnixFileMode(path), 8);
                    Walk(path);
                }
                else
                {
                    state[path] = "file " + Convert.ToString((int)overlay.File.GetUnixFileMode(path), 8) + " " + overlay.File.ReadAllText(path);
                }
            }
        }
    }

    private static string Describe(Dictionary<string, string> state)
    {
        var text = new StringBuilder();
        foreach (var (path, what) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("  ").Append(path).Append(": ").Append(what).Append('\n');
        }

        return text.ToString();
    }

    private static void SkipUnlessPossible(bool needStrace)
    {
        if (!OperatingSystem.IsLinux() || KernelScenarios.LinuxNative.GetEffectiveUserId() != 0)
        {
            Assert.Skip("The crash test kills a worker over host directories in both whiteout forms (character devices, trusted.* attributes): run it as root on Linux.");
        }

        if (needStrace && !File.Exists("/usr/bin/strace"))
        {
            Assert.Skip("Killing on entry to a system call uses strace's fault injection: apt-get install -y strace.");
        }
    }
}
