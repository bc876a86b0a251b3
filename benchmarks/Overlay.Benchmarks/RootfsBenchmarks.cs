using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Abstractions;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Overlay.Benchmarks;

/// <summary>
/// A Debian minbase root file system (debootstrap, built once under the fixtures' base and kept),
/// split into N lowers: entry i of the sorted list goes to layer i·7919 mod N, each directory
/// exists in every layer holding something under it (so directories merge from many layers).
/// Regular files are copied (a hard link's names become separate files), symbolic links are made
/// again; device nodes, FIFOs and sockets are left out (the overlay's host layers are compared
/// with the kernel on files, directories and links).
/// </summary>
public sealed class RootfsSet
{
    private RootfsSet(string root, string[] directories)
    {
        Layers = LayerSet.Over(root, directories);
    }

    /// <summary>The debootstrap output.</summary>
    public static string Source { get; } = Path.Combine(LayerSet.Base, "rootfs-minbase");

    /// <summary>The split lowers.</summary>
    public LayerSet Layers { get; }

    /// <summary>Every file, directory and link, relative ("usr/bin/ls"), sorted.</summary>
    public string[] Paths { get; private set; } = [];

    /// <summary>The regular files among <see cref="Paths"/>.</summary>
    public string[] RegularFiles { get; private set; } = [];

    /// <summary>Builds (or finds) the rootfs and its split into <paramref name="layers"/> lowers; throws with the reason when debootstrap cannot run.</summary>
    public static RootfsSet Get(int layers)
    {
        EnsureSource();
        var entries = List(Source);
        string root = Path.Combine(LayerSet.Base, "rootfs-L" + layers);
        string[] directories = [.. Enumerable.Range(0, layers).Select(i => Path.Combine(root, "l" + i))];
        var set = new RootfsSet(root, directories)
        {
            Paths = [.. entries.Select(e => e.Path)],
            RegularFiles = [.. entries.Where(e => e.Type == 'f').Select(e => e.Path)],
        };
        LayerSet.BuildOnce(root, () => Split(entries, directories));
        return set;
    }

    private static void EnsureSource()
    {
        if (File.Exists(Source + ".complete"))
        {
            return;
        }

        if (!File.Exists("/usr/sbin/debootstrap") || Environment.UserName != "root")
        {
            throw new PlatformNotSupportedException("The rootfs benchmarks need debootstrap (/usr/sbin/debootstrap) and root to build a Debian minbase: skipped.");
        }

        if (Directory.Exists(Source))
        {
            Directory.Delete(Source, recursive: true);
        }

        try
        {
            ScratchMount.Run("/", "/usr/sbin/debootstrap", "--variant=minbase", "bookworm", Source, "http://deb.debian.org/debian");
        }
        catch (IOException e)
        {
            throw new PlatformNotSupportedException("The rootfs benchmarks could not build a Debian minbase (no network?): skipped. " + e.Message, e);
        }

        File.WriteAllText(Source + ".complete", "built\n");
    }

    private static List<(char Type, string Path)> List(string source)
    {
        var start = new ProcessStartInfo("find") { WorkingDirectory = source, RedirectStandardOutput = true };
        foreach (var argument in new[] { ".", "-mindepth", "1", "-printf", "%y %P\\0" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Type: line[0], Path: line[2..]))
            .Where(e => e.Type is 'd' or 'f' or 'l')
            .OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    private static void Split(List<(char Type, string Path)> entries, string[] directories)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            var (type, path) = entries[i];
            string from = Path.Combine(Source, path);
            string to = Path.Combine(directories[(int)((long)i * 7919 % directories.Length)], path);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            switch (type)
            {
                case 'd':
                    Directory.CreateDirectory(to);
                    break;
                case 'l':
                    File.CreateSymbolicLink(to, new FileInfo(from).LinkTarget!);
                    break;
                default:
                    File.Copy(from, to);
                    break;
            }
        }
    }
}

/// <summary>
/// Reading the split rootfs (L = 1, 5, 20 lowers): stat every path as <c>find</c> does, read every
/// regular file, and write the merged view as a tar (what <c>docker export</c> writes: every
/// directory before its children, names in ordinal order, modes, link targets and data) to a
/// null stream. The kernel's overlayfs mount of the same lowers is the baseline. Linux and root;
/// without debootstrap or network the setup fails with the reason and the rows are left out.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RootfsBenchmarks
{
    private RootfsSet _set = null!;
    private KernelMount _kernel = null!;
    private OverlayStack _overlay = null!;
    private string[] _statMounted = [];
    private string[] _statMerged = [];
    private string[] _readMounted = [];
    private string[] _readMerged = [];

    [Params(1, 5, 20)]
    public int L { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _set = RootfsSet.Get(L);
        _kernel = new KernelMount(_set.Layers);
        _overlay = new OverlayStack(_set.Layers);
        _statMounted = [.. _set.Paths.Select(p => Path.Join(_kernel.MountPoint, p))];
        _statMerged = [.. _set.Paths.Select(p => "/" + p)];
        _readMounted = [.. _set.RegularFiles.Select(p => Path.Join(_kernel.MountPoint, p))];
        _readMerged = [.. _set.RegularFiles.Select(p => "/" + p)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _overlay.Dispose();
        _kernel.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("StatAll")]
    public long Kernel_StatAll() => StatAll(new FileSystem(), _statMounted);

    [Benchmark, BenchmarkCategory("StatAll")]
    public long Overlay_StatAll() => StatAll(_overlay.FileSystem, _statMerged);

    [Benchmark(Baseline = true), BenchmarkCategory("ReadAll")]
    public long Kernel_ReadAll() => Workloads.ReadAll(_readMounted);

    [Benchmark, BenchmarkCategory("ReadAll")]
    public long Overlay_ReadAll() => Workloads.ReadAll(_overlay.FileSystem, _readMerged);

    [Benchmark(Baseline = true), BenchmarkCategory("Export")]
    public long Kernel_Export() => TarOfTree.Write(new FileSystem(), _kernel.MountPoint, Stream.Null);

    [Benchmark, BenchmarkCategory("Export")]
    public long Overlay_Export() => TarOfTree.Write(_overlay.FileSystem, "/", Stream.Null);

    [Benchmark(Baseline = true), BenchmarkCategory("Enumerate")]
    public int Kernel_Enumerate() => Directory.EnumerateFileSystemEntries(_kernel.MountPoint, "*", SearchOption.AllDirectories).Count();

    [Benchmark, BenchmarkCategory("Enumerate")]
    public int Overlay_Enumerate() => _overlay.FileSystem.Directory.EnumerateFileSystemEntries("/", "*", SearchOption.AllDirectories).Count();

    private static long StatAll(IFileSystem fs, string[] paths)
    {
        var info = fs.FileInfo;
        long total = 0;
        foreach (var path in paths)
        {
            total += (long)info.New(path).Attributes;
        }

        return total;
    }
}

/// <summary>
/// A container's package-manager burst on the split rootfs (L = 1, 5, 20), each run from a fresh
/// upper: create 2,000 files of 1 KiB in 20 new directories under /usr/share, rewrite 200 lower
/// files under /usr, delete 500 others. The kernel's mount of the same lowers is the baseline.
/// Both uppers are on an ext4 of the class's own (<see cref="ScratchPlace.OnOwnExt4"/>).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class RootfsWriteBenchmarks
{
    private static readonly byte[] Content = Encoding.ASCII.GetBytes(new string('x', 1024));
    private RootfsSet _set = null!;
    private KernelMount _kernel = null!;
    private OverlayStack? _overlay;
    private string[] _rewrite = [];
    private string[] _delete = [];
    private IDisposable? _place;

    [Params(1, 5, 20)]
    public int L { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Choose();
        _place = ScratchPlace.OnOwnExt4("rootfs-write");
        _kernel = new KernelMount(_set.Layers);
    }

    /// <summary>The rootfs split into <see cref="L"/> lowers and the lower files the burst rewrites and deletes.</summary>
    internal void Choose()
    {
        _set = RootfsSet.Get(L);
        var lowerFiles = _set.RegularFiles.Where(p => p.StartsWith("usr/", StringComparison.Ordinal)).ToArray();
        _rewrite = [.. lowerFiles.Where((_, i) => i % 4 == 0).Take(200)];
        _delete = [.. lowerFiles.Where((_, i) => i % 4 == 2).Take(500)];
    }

    internal RootfsSet Set => _set;

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernel.Dispose();
        _place?.Dispose();
    }

    [IterationSetup(Targets = [nameof(Kernel_Burst)])]
    public void FreshMount() => _kernel.Remount();

    [IterationSetup(Targets = [nameof(Overlay_Burst)])]
    public void FreshOverlay() => _overlay = new OverlayStack(_set.Layers);

    [IterationCleanup(Targets = [nameof(Overlay_Burst)])]
    public void DropOverlay() => _overlay?.Dispose();

    [Benchmark(Baseline = true)]
    public int Kernel_Burst() => Burst(new FileSystem(), _kernel.MountPoint + "/");

    [Benchmark]
    public int Overlay_Burst() => Burst(_overlay!.FileSystem, "/");

    internal int Burst(IFileSystem fs, string root)
    {
        for (int d = 0; d < 20; d++)
        {
            string directory = $"{root}usr/share/bench-pkg{d:D2}";
            fs.Directory.CreateDirectory(directory);
            for (int f = 0; f < 100; f++)
            {
                fs.File.WriteAllBytes($"{directory}/file{f:D3}", Content);
            }
        }

        foreach (var path in _rewrite)
        {
            fs.File.WriteAllBytes(root + path, Content);
        }

        foreach (var path in _delete)
        {
            fs.File.Delete(root + path);
        }

        return 2_000 + _rewrite.Length + _delete.Length;
    }
}

/// <summary>A tar of a tree read through an <see cref="IFileSystem"/>: directories before their children, ordinal order.</summary>
internal static class TarOfTree
{
    public static long Write(IFileSystem fs, string root, Stream destination)
    {
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        return WriteDirectory(fs, writer, root.TrimEnd('/'), "");
    }

    private static long WriteDirectory(IFileSystem fs, TarWriter writer, string directory, string prefix)
    {
        long count = 0;
        var names = fs.Directory.EnumerateFileSystemEntries(directory.Length == 0 ? "/" : directory)
            .Select(p => fs.Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray();
        foreach (var name in names)
        {
            string path = directory + "/" + name;
            string entryName = prefix + name;
            var info = fs.FileInfo.New(path);
            count++;
            if (info.LinkTarget is { } target)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, entryName) { LinkName = target, ModificationTime = info.LastWriteTimeUtc });
            }
            else if ((info.Attributes & FileAttributes.Directory) != 0)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, entryName + "/") { Mode = info.UnixFileMode, ModificationTime = info.LastWriteTimeUtc });
                count += WriteDirectory(fs, writer, path, entryName + "/");
            }
            else
            {
                using var data = fs.File.OpenRead(path);
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName) { Mode = info.UnixFileMode, ModificationTime = info.LastWriteTimeUtc, DataStream = data });
            }
        }

        return count;
    }
}
