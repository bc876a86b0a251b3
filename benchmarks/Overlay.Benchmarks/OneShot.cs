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
            case "extract-loop" when args.Length == 4:
                Loop(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }

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
