using System.Diagnostics.CodeAnalysis;
using System.IO.Abstractions;
using System.Runtime.CompilerServices;
using System.Text;
using Overlay.Layers;

namespace Overlay.Tests.Reliability;

/// <summary>
/// The seeded operation sequences of the crash test, and the worker that runs one of them over host
/// directories in a process of its own (the test assembly started again with
/// <see cref="WorkerVariable"/> set), so that it can be killed at any moment. Each operation is one
/// operation of the engine (or one, then a second that a crash may not reach: <see cref="CrashOperation.Partial"/>).
/// The worker logs "B i" before and "E i" after operation i, with one write(2) each: what a
/// SIGKILL cannot tear.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class CrashWorkload
{
    /// <summary>Set to "directory|form|seed|count" in the worker's environment.</summary>
    public const string WorkerVariable = "OVERLAY_CRASH_WORKER";

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Shared = (UnixFileMode)0b111_101_101;

    private static readonly string[] Files = ["/f0", "/d1/f1", "/d1/f2", "/d1/sub/g", "/d2/h", "/n1", "/d1/n2", "/d3/n3", "/d2/n4"];
    private static readonly string[] Directories = ["/d1", "/d2", "/d3", "/d1/sub", "/e", "/nd1", "/d2/nd2", "/d3/nd3"];

    /// <summary>The lower every run starts from.</summary>
    public static void WriteLower(string lower)
    {
        foreach (var (path, text) in new[] { ("f0", "zero"), ("d1/f1", "one"), ("d1/f2", "two"), ("d1/sub/g", "gee"), ("d2/h", "aitch") })
        {
            string full = Path.Combine(lower, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        Directory.CreateDirectory(Path.Combine(lower, "d3"));
        Directory.CreateDirectory(Path.Combine(lower, "e"));
    }

    /// <summary>A sequence of operations, the same for a seed wherever it is made.</summary>
    public static List<CrashOperation> Operations(int seed, int count)
    {
        var random = new Random(seed);
        var operations = new List<CrashOperation>(count);
        string File() => Files[random.Next(Files.Length)];
        string Dir() => Directories[random.Next(Directories.Length)];
        for (int i = 0; i < count; i++)
        {
            string text = "v" + i;
            operations.Add(random.Next(11) switch
            {
                0 => new("delete", fs => fs.File.Delete(Last)) { Target = File() },
                1 => Move(File(), File(), directories: false),
                2 => Move(Dir(), Dir(), directories: true),
                3 => new("mkdir 0700", fs => fs.Directory.CreateDirectory(Last, Private), fs => fs.Directory.CreateDirectory(Parent)) { Target = Dir() },
                4 => new("rmdir", fs => fs.Directory.Delete(Last)) { Target = Dir() },
                5 => new("create 0755", fs => fs.File.Open(Last, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Shared }).Dispose()) { Target = File() },
                6 => new("chmod 0600", fs => fs.File.SetUnixFileMode(Last, UnixFileMode.UserRead | UnixFileMode.UserWrite)) { Target = File() },
                7 => new("append " + text, fs => fs.File.AppendAllText(Last, text), fs => fs.File.Open(Last, FileMode.Append).Dispose()) { Target = File() },
                8 => new("symlink", fs => fs.File.CreateSymbolicLink(Last, "target-" + text)) { Target = File() },
                9 => new("write " + text, fs => fs.File.WriteAllText(Last, text), fs => fs.File.Open(Last, FileMode.Create).Dispose()) { Target = File() },
                _ => new("mkdir", fs => fs.Directory.CreateDirectory(Last), fs => fs.Directory.CreateDirectory(Parent)) { Target = Dir() },
            });
        }

        return operations;

        CrashOperation Move(string from, string to, bool directories) =>
            new(directories ? "move directory" : "move file", directories ? fs => fs.Directory.Move(from, to) : fs => fs.File.Move(from, to, overwrite: false)) { Target = from + " -> " + to };
    }

    /// <summary>The target of the operation running now (each operation reads its own).</summary>
    [ThreadStatic]
    private static string? t_target;

    private static string Last => t_target!.Split(" -> ")[0];

    /// <summary>
    /// The parent of <see cref="Last"/>: Directory.CreateDirectory makes a missing parent first, as
    /// System.IO does (two operations), so a crash may leave the parent made alone.
    /// </summary>
    private static string Parent => Last.LastIndexOf('/') is > 0 and var slash ? Last[..slash] : "/";

    /// <summary>Runs an operation on a file system, as the worker and the replay do; its exception is its outcome.</summary>
    public static void Apply(IFileSystem fileSystem, CrashOperation operation, bool partial = false)
    {
        t_target = operation.Target;
        try
        {
            (partial ? operation.Partial! : operation.Run)(fileSystem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
        }
    }

    /// <summary>The overlay a run uses, over its directories.</summary>
    public static (OverlayFileSystem Overlay, HostDirectoryLayer Lower, HostDirectoryLayer Upper) Open(string directory, WhiteoutForm form)
    {
        var lower = new HostDirectoryLayer(Path.Combine(directory, "lower"));
        var upper = new HostDirectoryLayer(
            Path.Combine(directory, "upper"),
            new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(directory, "work"), WhiteoutForm = form, Durable = false });
        return (new OverlayFileSystem([lower], upper), lower, upper);
    }

    /// <summary>Starts the worker when the test assembly is started as one.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The test assembly is an executable; the worker mode must run before the test platform starts.")]
    internal static void RunWorkerWhenAsked()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(WorkerVariable) is not { Length: > 0 } arguments)
        {
            return;
        }

        string[] f = arguments.Split('|');
        string directory = f[0];
        var form = Enum.Parse<WhiteoutForm>(f[1]);
        var operations = Operations(int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
        var (overlay, _, upper) = Open(directory, form);
        using (upper)
        using (var log = new FileStream(Path.Combine(directory, "log"), FileMode.Create, FileAccess.Write, FileShare.Read, 1))
        {
            Write(log, "ready\n");
            for (int i = 0; i < operations.Count; i++)
            {
                Write(log, $"B {i}\n");
                Apply(overlay, operations[i]);
                Write(log, $"E {i}\n");
            }
        }

        Environment.Exit(0);

        static void Write(FileStream log, string line)
        {
            log.Write(Encoding.ASCII.GetBytes(line));
            log.Flush();
        }
    }
}

/// <summary>One operation of a crash run.</summary>
/// <param name="Name">What it does, for a failure's message.</param>
/// <param name="Run">The operation.</param>
/// <param name="Partial">What a crash inside it may leave done, when that is a state of its own (an append's open, before its write).</param>
internal sealed record CrashOperation(string Name, Action<IFileSystem> Run, Action<IFileSystem>? Partial = null)
{
    /// <summary>The path (or "from -> to") it acts on.</summary>
    public string Target { get; init; } = string.Empty;

    public override string ToString() => $"{Name} {Target}";
}
