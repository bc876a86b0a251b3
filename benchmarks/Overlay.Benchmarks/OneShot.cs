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
/// host-upper-once PHASES                 HostUpperWriteBenchmarks' overlay side: PHASES is a comma list
///                                        of create, rename, delete, run in that order over one fresh upper
/// burst-once L setup|burst               RootfsWriteBenchmarks' overlay side at L lowers: the fixture and
///                                        a fresh overlay only (setup), or those and the burst
/// </code>
/// The last two print the scratch folder they leave behind (removing it would add its own calls);
/// the difference between two runs' counts is the cost of what one runs and the other does not.
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
            case "host-upper-once" when args.Length == 2:
            {
                var phases = args[1].Split(',');
                var benchmark = new HostUpperWriteBenchmarks();
                var stack = new OverlayStack(LayerSet.Get(1, directories: WideTreeBenchmarks.WideDirectories));
                if (phases.Contains("create"))
                {
                    benchmark.Create(stack.FileSystem, "");
                }

                if (phases.Contains("rename"))
                {
                    benchmark.Rename(stack.FileSystem, "");
                }

                if (phases.Contains("delete"))
                {
                    benchmark.Delete(stack.FileSystem, "");
                }

                Console.WriteLine(stack.Scratch);
                return true;
            }

            case "burst-once" when args.Length == 3:
            {
                var benchmark = new RootfsWriteBenchmarks { L = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) };
                benchmark.Choose();
                var stack = new OverlayStack(benchmark.Set.Layers);
                if (args[2] == "burst")
                {
                    benchmark.Burst(stack.FileSystem, "/");
                }

                Console.WriteLine(stack.Scratch);
                return true;
            }

            default:
                return false;
        }
    }
}
