using System.Text;

namespace Overlay.Benchmarks;

/// <summary>
/// Host-directory lower layers on the disk, built once and kept between runs: <see cref="Files"/>
/// small files spread over <c>L</c> layers (file i in layer i·7919 mod L, so every layer holds some
/// of most directories), and a plain directory holding the same merged tree for the System.IO
/// baseline. Layer directories have short names (<c>l0</c>, <c>l1</c>, …) so that a kernel mount of
/// 500 of them, given relative to their parent, stays under the mount option's page limit.
/// </summary>
public sealed class LayerSet
{
    public const int Files = 20_000;
    public const int Directories = 200;
    public const int SmallFileSize = 512;
    public const int BigFileSize = 64 << 20;
    public const int MediumFileSize = 1 << 20;

    /// <summary>Where the fixtures live; OVERLAY_BENCH_ROOT moves them.</summary>
    public static string Base { get; } =
        Environment.GetEnvironmentVariable("OVERLAY_BENCH_ROOT") ?? Path.Combine(Path.GetTempPath(), "overlay-bench");

    private LayerSet(int layers, string root, bool withBigFiles, int directories)
    {
        Count = layers;
        Root = root;
        DirectoryCount = directories;
        string wide = directories == Directories ? "" : "-w" + directories;
        Plain = Path.Combine(Base, (withBigFiles ? "plain-big" : "plain") + wide);
        LayerDirectories = [.. Enumerable.Range(0, layers).Select(i => Path.Combine(root, "l" + i))];
        RelativePaths = [.. Enumerable.Range(0, Files).Select(i => RelativePath(i, directories))];
    }

    private LayerSet(string root, string[] layerDirectories)
    {
        Count = layerDirectories.Length;
        Root = root;
        Plain = "";
        LayerDirectories = layerDirectories;
        RelativePaths = [];
    }

    /// <summary>Lowers built elsewhere (the split rootfs), named relative to <paramref name="root"/>, topmost first.</summary>
    public static LayerSet Over(string root, string[] layerDirectories) => new(root, layerDirectories);

    /// <summary>The number of directories the files are spread over.</summary>
    public int DirectoryCount { get; }

    /// <summary>The number of lowers.</summary>
    public int Count { get; }

    /// <summary>The layers' parent directory.</summary>
    public string Root { get; }

    /// <summary>The lower directories, topmost first.</summary>
    public string[] LayerDirectories { get; }

    /// <summary>One directory with the merged tree.</summary>
    public string Plain { get; }

    /// <summary>Every file, as a path relative to a layer's root ("d012/f00345").</summary>
    public string[] RelativePaths { get; }

    /// <summary>The 64 MiB file (in the bottom layer), relative.</summary>
    public const string BigFile = "big/file64";

    /// <summary>The 1 MiB file (in the bottom layer), relative.</summary>
    public const string MediumFile = "big/file1";

    /// <summary>Builds (or finds) the layers for <paramref name="layers"/> lowers.</summary>
    /// <param name="layers">The number of lowers.</param>
    /// <param name="withBigFiles">Whether the bottom layer also holds the 64 MiB and 1 MiB files.</param>
    /// <param name="directories">How many directories the 20,000 files are spread over (200, or 50 for the wide tree).</param>
    public static LayerSet Get(int layers, bool withBigFiles = false, int directories = Directories)
    {
        string wide = directories == Directories ? "" : "w" + directories + "-";
        string root = Path.Combine(Base, wide + (withBigFiles ? "big-L" : "L") + layers);
        var set = new LayerSet(layers, root, withBigFiles, directories);
        set.EnsureBuilt(withBigFiles);
        return set;
    }

    /// <summary><paramref name="count"/> files picked at random (a fixed seed), as relative paths.</summary>
    public string[] RandomFiles(int count, int seed = 42)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => RelativePaths[random.Next(RelativePaths.Length)])];
    }

    public static string RelativePath(int i, int directories = Directories) => $"d{i % directories:D3}/f{i:D5}";

    /// <summary>All <see cref="Files"/> files in an order shuffled with a fixed seed, as relative paths.</summary>
    public string[] Shuffled(int seed = 42)
    {
        var all = RelativePaths.ToArray();
        new Random(seed).Shuffle(all);
        return all;
    }

    public int LayerOf(int file) => (int)((long)file * 7919 % Count);

    private void EnsureBuilt(bool withBigFiles)
    {
        BuildOnce(Root, () =>
        {
            foreach (var directory in LayerDirectories)
            {
                Directory.CreateDirectory(directory);
            }

            for (int i = 0; i < Files; i++)
            {
                WriteSmall(Path.Combine(LayerDirectories[LayerOf(i)], RelativePaths[i]), i);
            }

            if (withBigFiles)
            {
                WriteBig(Path.Combine(LayerDirectories[^1], BigFile), BigFileSize);
                WriteBig(Path.Combine(LayerDirectories[^1], MediumFile), MediumFileSize);
            }
        });
        BuildOnce(Plain, () =>
        {
            for (int i = 0; i < Files; i++)
            {
                WriteSmall(Path.Combine(Plain, RelativePaths[i]), i);
            }

            if (withBigFiles)
            {
                WriteBig(Path.Combine(Plain, BigFile), BigFileSize);
                WriteBig(Path.Combine(Plain, MediumFile), MediumFileSize);
            }
        });
    }

    internal static void BuildOnce(string directory, Action build)
    {
        string marker = directory + ".complete";
        if (File.Exists(marker))
        {
            return;
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        build();
        File.WriteAllText(marker, "built\n");
    }

    private static void WriteSmall(string path, int i)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var data = new byte[SmallFileSize];
        var text = Encoding.ASCII.GetBytes($"file {i}\n");
        for (int o = 0; o < data.Length; o += text.Length)
        {
            text.AsSpan(0, Math.Min(text.Length, data.Length - o)).CopyTo(data.AsSpan(o));
        }

        File.WriteAllBytes(path, data);
    }

    private static void WriteBig(string path, int size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(7);
        var buffer = new byte[1 << 20];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (int written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            stream.Write(buffer, 0, Math.Min(buffer.Length, size - written));
        }
    }
}
