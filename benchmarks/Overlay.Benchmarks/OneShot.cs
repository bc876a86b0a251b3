using Overlay.Images;
using Overlay.Layers;
using Overlay.Oci;

namespace Overlay.Benchmarks;

/// <summary>
/// Single runs of the extraction benchmarks' steps, for <c>strace -f -c</c> (docs/benchmarks.md,
/// "Extraction and image import"):
/// <code>
/// make-tar                               prints the path of the fixture tar (built on first use)
/// extract-once TAR DIR oci|kernel        TarLayer.Open + ExtractTo(DIR, form)
/// import-once TAR STORE durable|fast     ImageStore.Open(STORE) + AddImage([TarLayer])
/// fuse-read ROUNDS                       mounts FuseBenchmarks' layers with fuse-overlayfs and with
///                                        Overlay.Fuse, prints each mount's connection, then reads
///                                        ReadAll's sample ROUNDS times on each (a line per round
///                                        before it starts, waiting for Enter), for counting the
///                                        requests of a round with the kernel's fuse tracepoints
/// fuse-copyup ROUNDS                     the same with CopyUp64MiB's write, each round on remounted
///                                        file systems with empty uppers
/// extract-loop TAR DIR N                 N rounds of GNU tar, ExtractTo kernel, ExtractTo OCI in this
///                                        process, each into a new directory under DIR after the
///                                        previous one is deleted and sync run (as the benchmark's
///                                        iterations do); prints each one's time (and TarLayer.Open's), this process's CPU
///                                        time, bytes allocated and gen0 collections
/// </code>
/// </summary>
public static class OneShot
{
    public static bool TryRun(string[] args)
    {
        switch (args[0])
        {
            case "make-tar":
                Console.WriteLine(LayerTarFixture.Get());
                return true;
            case "extract-once" when args.Length == 4:
                using (var layer = TarLayer.Open(args[1]))
                {
                    layer.ExtractTo(args[2], args[3] == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci);
                }

                return true;
            case "import-once" when args.Length == 4:
                using (var layer = TarLayer.Open(args[1]))
                using (var store = ImageStore.Open(args[2], new ImageStoreOptions { Durable = args[3] == "durable" }))
                {
                    Console.WriteLine(store.AddImage([layer]).Id);
                }

                return true;
            case "fuse-read" when args.Length == 2:
                FuseRead(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), copyUp: false);
                return true;
            case "fuse-copyup" when args.Length == 2:
                FuseRead(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), copyUp: true);
                return true;
            case "extract-loop" when args.Length == 4:
                Loop(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }

    private static void FuseRead(int rounds, bool copyUp)
    {
        var set = LayerSet.Get(5, withBigFiles: true);
        using var reference = new FuseOverlayfsMount(set);
        using var overlay = new ManagedFuseMount(set);
        var sample = set.RandomFiles(2_000);
        foreach (var (name, root, remount) in new (string, string, Action)[] { ("fuse-overlayfs", reference.MountPoint, reference.Remount), ("Overlay.Fuse", overlay.MountPoint, overlay.Remount) })
        {
            string[] paths = [.. sample.Select(r => Path.Join(root, r))];
            for (int round = 1; round <= rounds; round++)
            {
                if (copyUp)
                {
                    remount();
                }

                Console.WriteLine($"{name} {root} device {DeviceOf(root)}");
                Console.WriteLine($"{name} round {round}: press Enter");
                Console.ReadLine();
                var watch = System.Diagnostics.Stopwatch.StartNew();
                if (copyUp)
                {
                    using var stream = new FileStream(Path.Join(root, LayerSet.BigFile), FileMode.Open, FileAccess.Write);
                    stream.WriteByte(1);
                }
                else
                {
                    Workloads.ReadAll(paths);
                }

                Console.WriteLine($"{name} round {round}: {watch.Elapsed.TotalMilliseconds:F1} ms");
            }
        }
    }

    private static string DeviceOf(string mountPoint) =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).First(f => f[4] == mountPoint)[2];

    private static void Loop(string tar, string run, int count)
    {
        Directory.CreateDirectory(run);
        string target = "";
        for (int i = 0; i < count; i++)
        {
            foreach (string row in new[] { "gnu", "kernel", "oci" })
            {
                ExtractionBenchmarks.Remove(target);
                Tool.Run("sync");
                target = Path.Combine(run, "t" + Guid.NewGuid().ToString("N")[..8]);
                var before = Environment.CpuUsage;
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                int collections = GC.CollectionCount(0);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var opened = TimeSpan.Zero;
                if (row == "gnu")
                {
                    Directory.CreateDirectory(target);
                    Tool.Run("tar", "-xpf", tar, "--numeric-owner", "--xattrs", "-C", target);
                }
                else
                {
                    using var layer = TarLayer.Open(tar);
                    opened = watch.Elapsed;
                    layer.ExtractTo(target, row == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci);
                }

                var after = Environment.CpuUsage;
                Console.WriteLine($"{row} {watch.Elapsed.TotalSeconds:F2} s (open {opened.TotalSeconds:F2} s)  user {(after.UserTime - before.UserTime).TotalSeconds:F2} sys {(after.PrivilegedTime - before.PrivilegedTime).TotalSeconds:F2}  allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) >> 20} MiB, {GC.CollectionCount(0) - collections} gen0 GCs  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            }
        }

        ExtractionBenchmarks.Remove(target);
    }
}
