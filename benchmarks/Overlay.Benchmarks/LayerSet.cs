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

    private LayerSet(int layers, string root, bool withBigFiles)
    {
        Count = layers;
        Root = root;
        Plain = Path.Combine(Base, withBigFiles ? "plain-big" : "plain");
        LayerDirectories = [.. Enumerable.Range(0, layers).Select(i => Path.Combine(root, "l" + i))];
        RelativePaths = [.. Enumerable.Range(0, Files).Select(RelativePath)];
    }

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
    public static LayerSet Get(int layers, bool withBigFiles = false)
    {
        string root = Path.Combine(Base, (withBigFiles ? "big-L" : "L") + layers);
        var set = new LayerSet(layers, root, withBigFiles);
        set.EnsureBuilt(withBigFiles);
        return set;
    }

    /// <summary><paramref name="count"/> files picked at random (a fixed seed), as relative paths.</summary>
    public string[] RandomFiles(int count, int seed = 42)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => RelativePaths[random.Next(RelativePaths.Length)])];
    }

    public static string RelativePath(int i) => $"d{i % Directories:D3}/f{i:D5}";

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

    private static void BuildOnce(string directory, Action build)
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
