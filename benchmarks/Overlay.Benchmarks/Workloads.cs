using System.IO.Abstractions;

namespace Overlay.Benchmarks;

/// <summary>
/// The loops the lookup and read benchmarks time, once each for plain System.IO (paths of the host:
/// a plain directory, or the kernel's mount point) and once for an <see cref="IFileSystem"/> (the
/// overlay's merged paths), so every class times the same work.
/// </summary>
internal static class Workloads
{
    public static int CountExisting(string[] hostPaths)
    {
        int found = 0;
        foreach (var path in hostPaths)
        {
            found += File.Exists(path) ? 1 : 0;
        }

        return found;
    }

    public static int CountExisting(IFileSystem fileSystem, string[] paths)
    {
        var file = fileSystem.File;
        int found = 0;
        foreach (var path in paths)
        {
            found += file.Exists(path) ? 1 : 0;
        }

        return found;
    }

    public static long SumLengths(string[] hostPaths)
    {
        long total = 0;
        foreach (var path in hostPaths)
        {
            total += new FileInfo(path).Length;
        }

        return total;
    }

    public static long SumLengths(IFileSystem fileSystem, string[] paths)
    {
        var info = fileSystem.FileInfo;
        long total = 0;
        foreach (var path in paths)
        {
            total += info.New(path).Length;
        }

        return total;
    }

    public static int ReadAll(string[] hostPaths)
    {
        int total = 0;
        foreach (var path in hostPaths)
        {
            total += File.ReadAllBytes(path).Length;
        }

        return total;
    }

    public static int ReadAll(IFileSystem fileSystem, string[] paths)
    {
        var file = fileSystem.File;
        int total = 0;
        foreach (var path in paths)
        {
            total += file.ReadAllBytes(path).Length;
        }

        return total;
    }
}
