using System.Diagnostics;

namespace Overlay.Fuse.Tests.Support;

/// <summary>What /proc/self/mountinfo says about a mount point.</summary>
internal static class Mounts
{
    public static bool IsMounted(string mountPoint) =>
        File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ') is { Length: > 4 } fields && OverlayMount.Unescape(fields[4]) == mountPoint);

    /// <summary>Waits until the mount point is (or is no longer) mounted; false on timeout.</summary>
    public static bool WaitFor(string mountPoint, bool mounted, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (IsMounted(mountPoint) == mounted)
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return false;
    }

    /// <summary>Cleanup after a test that may have left a mount: a lazy unmount, which never blocks.</summary>
    public static void Detach(string mountPoint)
    {
        if (IsMounted(mountPoint))
        {
            Run.Program("/", "umount", "-l", mountPoint);
        }
    }
}
