namespace Overlay.Benchmarks;

/// <summary>
/// Single runs of the write benchmarks' overlay side, for <c>strace -f -c</c> (docs/benchmarks.md,
/// "File.Move in one walk, lower listings from d_type"):
/// <code>
/// host-upper-once PHASES                 HostUpperWriteBenchmarks' overlay side: PHASES is a comma list
///                                        of create, rename, delete, run in that order over one fresh upper
/// burst-once L setup|burst               RootfsWriteBenchmarks' overlay side at L lowers: the fixture and
///                                        a fresh overlay only (setup), or those and the burst
/// </code>
/// Each prints the scratch folder it leaves behind (removing it would add its own calls); the
/// difference between two runs' counts is the cost of what one runs and the other does not.
/// </summary>
public static class WriteOneShot
{
    public static bool TryRun(string[] args)
    {
        switch (args[0])
        {
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
