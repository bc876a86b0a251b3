using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// A power cut in the middle of copy-ups loses no copied-up data: the upper and its work directory
/// live on an ext4 image on a loop device (committing its journal only every 60 seconds), an
/// overlay with <see cref="HostDirectoryLayerOptions.Durable"/> copies lower files up while the
/// file system is shut down without flushing its journal (<c>FS_IOC_GOINGDOWN</c> with
/// <c>NOLOGFLUSH</c>: what the disk holds is what a power cut would leave). After a remount a fresh
/// overlay shows every lower file either as the lower's (not copied up) or with the whole of its
/// lower data, never torn or empty; every copy-up that returned before the cut is in the upper;
/// the work area is empty once the upper is open again; the lower is unchanged. Both whiteout forms.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class PowerCutTests : IDisposable
{
    private const int FileCount = 60;
    private const uint FsIocGoingDown = 0x8004587D;
    private const uint GoingFlagsNoLogFlush = 2;

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-powercut-").FullName;
    private SmallMount? _mount;

    public void Dispose()
    {
        _mount?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<WhiteoutForm> Forms => [WhiteoutForm.Oci, WhiteoutForm.Kernel];

    [Theory]
    [MemberData(nameof(Forms))]
    public void CopyUps_CutByAPowerLoss_AreAbsentOrWhole(WhiteoutForm form)
    {
        string image = Path.Combine(_root, "image");
        string directory = Path.Combine(_root, "ext4");
        _mount = SmallMount.Ext4ImageOrSkip(image, 64, directory);
        string lower = Path.Combine(_root, "lower");
        WriteLower(lower);
        string lowerBefore = Dump(lower);
        string upperDirectory = Path.Combine(directory, "upper");
        string work = Path.Combine(directory, "work");
        Directory.CreateDirectory(upperDirectory);
        Directory.CreateDirectory(work);
        SmallMount.Run("sync", "-f " + directory).Exit.Should().Be(0);

        var done = new List<int>();
        var errors = new List<Exception>();
        string? cannotShutDown;
        using (var upper = new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions { WorkDirectory = work, WhiteoutForm = form, Durable = true }))
        {
            var overlay = new OverlayFileSystem([new HostDirectoryLayer(lower)], upper);
            using var started = new ManualResetEventSlim();
            var copying = new Thread(
                () =>
                {
                    for (int i = 0; i < FileCount; i++)
                    {
                        if (i == 10)
                        {
                            started.Set();
                        }

                        try
                        {
                            if (i % 2 == 0)
                            {
                                overlay.File.SetUnixFileMode(Name(i), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                            }
                            else
                            {
                                overlay.File.AppendAllText(Name(i), Tail(i));
                            }

                            lock (done)
                            {
                                done.Add(i);
                            }
                        }
                        catch (Exception e)
                        {
                            // The file system is down: an IOException is expected, anything else is kept for the test to report.
                            lock (done)
                            {
                                errors.Add(e);
                            }
                        }
                    }
                });
            copying.Start();
            started.Wait(TestContext.Current.CancellationToken);
            cannotShutDown = ShutDown(directory);
            copying.Join();
        }

        if (cannotShutDown is not null)
        {
            Assert.Skip(cannotShutDown);
        }

        errors.Where(e => e is not IOException).Should().BeEmpty("a file system that is down fails with I/O errors");

        done.Should().NotBeEmpty("copy-ups ran before the cut");
        done.Count.Should().BeLessThan(FileCount, "the cut came while copy-ups ran");
        _mount.Remount();

        var wrong = new List<string>();
        using (var upper = new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions { WorkDirectory = work, WhiteoutForm = form }))
        {
            var overlay = new OverlayFileSystem([new HostDirectoryLayer(lower)], upper);
            string area = Path.Combine(work, "work");
            if (Directory.Exists(area) && Directory.GetFileSystemEntries(area) is { Length: > 0 } left)
            {
                wrong.Add($"the work area holds {string.Join(", ", left.Select(Path.GetFileName))} after the upper opened");
            }

            for (int i = 0; i < FileCount; i++)
            {
                string original = Content(i);
                string merged = overlay.File.ReadAllText(Name(i));
                bool copied = File.Exists(upperDirectory + Name(i));
                if (!copied && done.Contains(i))
                {
                    wrong.Add($"{Name(i)}: copied up before the cut, not in the upper after it");
                }

                if (merged != original && !(i % 2 == 1 && merged.StartsWith(original, StringComparison.Ordinal) && IsUnsyncedPartOf(merged[original.Length..], Tail(i))))
                {
                    wrong.Add($"{Name(i)}: {(copied ? "copied up" : "not copied up")}, {merged.Length} characters where the lower has {original.Length}, beginning '{Printable(merged[..Math.Min(20, merged.Length)])}', ending '{Printable(merged[Math.Max(0, merged.Length - 20)..])}'");
                }
            }
        }

        wrong.Should().BeEmpty($"{done.Count} copy-ups returned before the cut");
        Dump(lower).Should().Be(lowerBefore, "the lower is never written");
    }

    /// <summary>
    /// What an append the program did not sync may leave after a power cut: a beginning of it,
    /// where ext4 may have kept the new length and not the data (NULs).
    /// </summary>
    private static bool IsUnsyncedPartOf(string left, string appended) =>
        left.Length <= appended.Length && left.Select((c, k) => c == appended[k] || c == '\0').All(same => same);

    private static string Printable(string text) => text.Replace("\0", "\\0", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Name(int i) => $"/d{i % 3}/f{i:00}";

    /// <summary>Between 4 KiB and about 180 KiB, different in every file.</summary>
    private static string Content(int i) => string.Concat(Enumerable.Repeat($"file {i:00} line\n", 256 + (i * 200)));

    private static string Tail(int i) => $"appended to {i:00}\n";

    private static void WriteLower(string lower)
    {
        for (int i = 0; i < FileCount; i++)
        {
            string path = lower + Name(i);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Content(i));
        }
    }

    private static string Dump(string lower) =>
        string.Join('\n', TreeDump.Merged(new OverlayFileSystem([new HostDirectoryLayer(lower)], null), new Dictionary<DateTime, string>()).Select(l => l.Length > 120 ? l[..120] + l.Length : l));

    /// <summary>Shuts the file system down as a power cut would: what its journal had not committed is lost.</summary>
    /// <returns>Null when it is down, else why it could not be shut down.</returns>
    internal static string? ShutDown(string directory)
    {
        int fd = open(directory, 0x10000 /* O_RDONLY | O_DIRECTORY */);
        if (fd < 0)
        {
            return $"Cannot open '{directory}' to shut its file system down (errno {Marshal.GetLastPInvokeError()}).";
        }

        try
        {
            uint flags = GoingFlagsNoLogFlush;
            int result = ioctl(fd, FsIocGoingDown, ref flags);
            return result == 0 ? null : $"The file system cannot be shut down (FS_IOC_GOINGDOWN, errno {Marshal.GetLastPInvokeError()}).";
        }
        finally
        {
            _ = close(fd);
        }
    }

#pragma warning disable SYSLIB1054, CA5392, CA2101 // DllImport on purpose: LibraryImport would need AllowUnsafeBlocks.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, nuint request, ref uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054, CA5392, CA2101
}
