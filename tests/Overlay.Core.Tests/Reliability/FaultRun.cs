using System.Text;
using Overlay.Layers;
using Overlay.Tests.Differential;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// Runs one operation sequence over the <see cref="StandardLowers"/> in a <see cref="LayerStore"/>
/// once without a fault (the reference), then once for every mutating call k it made and every
/// fault of <see cref="Faults"/>, with call k failing; after the failure it checks what the
/// reliability guarantee promises (docs/guarantees.md) and returns what broke it.
/// </summary>
/// <remarks>
/// The reference records, for each operation, the merged views it went through: before it, after
/// it, and after each engine operation it was made of (a facade member such as a recursive delete
/// or a write of a new file's data makes several, and the lock is released between them). A failed
/// operation must leave one of these views: never one the engine would only pass through inside
/// one of its own operations. The engine's operation boundaries are where it raises its trace
/// events (after releasing its lock).
/// </remarks>
public sealed class FaultRun
{
    /// <summary>The faults each call is failed with: an I/O error before the call, a full disk after it.</summary>
    public static readonly (FaultTiming Timing, int Errno)[] Faults =
    [
        (FaultTiming.Before, FaultPlan.EIO),
        (FaultTiming.After, FaultPlan.ENOSPC),
    ];

    private readonly LayerStore _store;
    private readonly ILayer[] _lowers;
    private readonly ManualClock _clock = new(StandardLowers.UpperTime);
    private readonly IReadOnlyDictionary<DateTime, string> _labels;

    /// <summary>Stores the standard lowers in <paramref name="store"/>.</summary>
    /// <param name="store">Where the layers live; the caller disposes it.</param>
    public FaultRun(LayerStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        var startedUtc = DateTime.UtcNow;
        var (top, bottom) = StandardLowers.Build();
        _lowers = [store.AddLower(top), store.AddLower(bottom)];
        _labels = store.TimeLabels(startedUtc);
        LowerStorageBefore = store.CaptureLowerStorage();
        LowersBefore = [.. _lowers.Select(l => LayerSnapshot.Capture(l, store.LowerAccessTimes))];
    }

    /// <summary>The lowers' raw storage when the run started (null in memory).</summary>
    public IReadOnlyList<string>? LowerStorageBefore { get; }

    /// <summary>The lowers as their layers showed them when the run started.</summary>
    public IReadOnlyList<LayerSnapshot> LowersBefore { get; }

    /// <summary>The lowers.</summary>
    public IReadOnlyList<ILayer> Lowers => _lowers;

    /// <summary>Failed runs made so far.</summary>
    public int FaultedRuns { get; private set; }

    /// <summary>Runs a sequence with every fault at every call; returns the problems found (empty when none).</summary>
    /// <param name="name">The sequence's name, for messages.</param>
    /// <param name="ops">The operations.</param>
    /// <returns>One message per problem.</returns>
    public IReadOnlyList<string> Check(string name, IReadOnlyList<DiffOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var problems = new List<string>();
        var reference = Reference(ops);
        for (int k = 1; k <= reference.Calls; k++)
        {
            foreach (var (timing, errno) in Faults)
            {
                FaultedRuns++;
                var problem = Faulted(ops, reference, new FaultPlan(k, timing, errno));
                if (problem is not null)
                {
                    problems.Add($"{name}: {problem}");
                }
            }
        }

        return problems;
    }

    /// <summary>Fails when a lower changed since the run started, through its layer or in its storage.</summary>
    public void AssertLowersUnchanged()
    {
        if (LowerStorageBefore is not null)
        {
            _store.CaptureLowerStorage().Should().Equal(LowerStorageBefore, "no fault may make the overlay write a lower's storage");
        }

        for (int i = 0; i < _lowers.Length; i++)
        {
            LowersBefore[i].AssertUnchanged(_lowers[i]);
        }
    }

    private sealed record ReferenceResult(int Calls, int[] CallsAfter, HashSet<string>[] Accepted, string[] After);

    private ReferenceResult Reference(IReadOnlyList<DiffOp> ops)
    {
        var plan = new FaultPlan();
        var (overlay, _) = Build(plan);
        var accepted = new HashSet<string>[ops.Count];
        var callsAfter = new int[ops.Count];
        var after = new string[ops.Count];
        HashSet<string>? current = null;
        bool dumping = false;
        overlay.Trace += (_, e) =>
        {
            if (current is not null && !dumping && e.Kind != OverlayEventKind.Lookup)
            {
                dumping = true;
                try
                {
                    current.Add(Dump(overlay));
                }
                finally
                {
                    dumping = false;
                }
            }
        };
        using var side = new DiffSide("library", overlay, "/", string.Empty, () => []);
        plan.Arm();
        for (int i = 0; i < ops.Count; i++)
        {
            current = [Dump(overlay)];
            accepted[i] = current;
            ops[i].Apply(side);
            current = null;
            after[i] = Dump(overlay);
            accepted[i].Add(after[i]);
            callsAfter[i] = plan.Count;
        }

        return new ReferenceResult(plan.Count, callsAfter, accepted, after);
    }

    private string? Faulted(IReadOnlyList<DiffOp> ops, ReferenceResult reference, FaultPlan plan)
    {
        var (overlay, upper) = Build(plan);
        int failing = Array.FindIndex(reference.CallsAfter, after => after >= plan.FailAt);
        string view;
        string outcome;
        using (var side = new DiffSide("library", overlay, "/", string.Empty, () => []))
        {
            plan.Arm();
            for (int i = 0; i < failing; i++)
            {
                ops[i].Apply(side);
            }

            outcome = ops[failing].Apply(side);
            plan.Disarm();
            view = Dump(overlay);
            string where = $"{plan} ({plan.Failed ?? "no call failed"}) in step {failing + 1} {ops[failing]} -> {outcome}";
            if (plan.Failed is null)
            {
                return $"{where}: the run did not reach the call the reference made (not deterministic)";
            }

            if (!reference.Accepted[failing].Contains(view))
            {
                if (ops[failing] is not DeleteDirectoryOp { Recursive: true })
                {
                    return $"{where}: the merged view is neither the one before nor after an engine operation of the step{Environment.NewLine}{Diff(reference.Accepted[failing], view)}";
                }

                // Directory.Delete(recursive) goes on with the other children after one fails, as
                // System.IO's does: what is left is a mix of the step's views, made only of
                // objects one of them shows, and deleting again finishes the job.
                var known = reference.Accepted[failing].SelectMany(v => v.Split('\n')).ToHashSet(StringComparer.Ordinal);
                var stray = view.Split('\n').Where(l => l.Length > 0 && !known.Contains(l)).ToList();
                if (stray.Count > 0)
                {
                    return $"{where}: the merged view shows what no view of the step shows: {string.Join("; ", stray)}";
                }

                ops[failing].Apply(side);
                string retried = Dump(overlay);
                if (retried != reference.After[failing])
                {
                    return $"{where}: deleting again without a fault does not end where the step ends{Environment.NewLine}{Diff([reference.After[failing]], retried)}";
                }

                view = retried;
            }
        }

        string place = $"{plan} ({plan.Failed}) in step {failing + 1} {ops[failing]} -> {outcome}";

        int staged = LayerStore.StagedCount(upper);
        if (staged != 0)
        {
            return $"{place}: {staged} object(s) left staged in the work area";
        }

        if (_store is FileSystemLayerStore disk && upper is HostDirectoryLayer host)
        {
            return Reopened(disk, host, view, place);
        }

        return null;
    }

    /// <summary>Closes the upper as a crash would leave it and opens it again from disk: the same view, a clean work area.</summary>
    private string? Reopened(FileSystemLayerStore disk, HostDirectoryLayer upper, string view, string where)
    {
        upper.Dispose();
        using var reopened = new HostDirectoryLayer(disk.UpperDirectory, new HostDirectoryLayerOptions { Name = "upper", WorkDirectory = disk.WorkDirectory, Durable = false });
        var overlay = new OverlayFileSystem(_lowers, reopened, new OverlayOptions { Clock = _clock });
        string again = Dump(overlay);
        if (again != view)
        {
            return $"{where}: reopened from disk, the merged view differs{Environment.NewLine}{Diff([view], again)}";
        }

        // Opening the upper emptied its work area, as a mount does.
        var leftovers = disk.WorkAreaLeftovers();
        return leftovers.Count == 0 ? null : $"{where}: reopened, the work area still holds {string.Join(", ", leftovers)}";
    }

    private (OverlayFileSystem Overlay, IWritableLayer Upper) Build(FaultPlan plan)
    {
        var upper = _store.CreateUpper(_clock);
        var overlay = new OverlayFileSystem(_lowers, new FaultingLayer(upper, plan), new OverlayOptions { Clock = _clock });
        return (overlay, upper);
    }

    private string Dump(OverlayFileSystem overlay) => string.Join('\n', TreeDump.Merged(overlay, _labels));

    private static string Diff(IEnumerable<string> accepted, string view)
    {
        var lines = view.Split('\n').ToHashSet(StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var candidate in accepted)
        {
            var theirs = candidate.Split('\n').ToHashSet(StringComparer.Ordinal);
            sb.Append("  vs an accepted view: ")
              .AppendJoin("; ", theirs.Except(lines).Select(l => "- " + l).Concat(lines.Except(theirs).Select(l => "+ " + l)))
              .AppendLine();
        }

        return sb.ToString();
    }
}
