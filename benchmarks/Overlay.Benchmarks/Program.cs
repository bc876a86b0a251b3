using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Overlay.Benchmarks;

/// <summary>
/// Runs the benchmarks (docs/benchmarks.md). Arguments are BenchmarkDotNet's (--filter, --job, …);
/// without --job a short job is used (1 launch, 3 warm-ups, 8 iterations), run in this process
/// (no separate build of the benchmarks; --job short and the like run out of process), with a 30-minute
/// limit per benchmark instead of --inProcess's 5 minutes (the write classes fill an upper per iteration). The first argument
/// "kernel" runs only the kernel comparison (Linux, root), whose baseline is the kernel's mount.
/// The first arguments "make-tar", "extract-once", "import-once", "host-upper-once" and "burst-once" run one step once, outside
/// BenchmarkDotNet, for counting its system calls with strace (see <see cref="OneShot"/> and
/// <see cref="WriteOneShot"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance;
        if (!args.Contains("--job") && !args.Contains("-j"))
        {
            config = config.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8).WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)).AsDefault());
        }

        if (args.Length > 0 && (OneShot.TryRun(args) || WriteOneShot.TryRun(args)))
        {
            return;
        }

        var switcher = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly);
        if (args.Length > 0 && args[0] == "kernel")
        {
            args = args[1..];
            if (!args.Contains("--filter") && !args.Contains("-f"))
            {
                args = [.. args, "--filter", "*Kernel*"];
            }
        }

        switcher.Run(args, config);
    }
}
