using System.Collections.Concurrent;
using Overlay.Layers.Host;

namespace Overlay.Tests.Support;

/// <summary>
/// Records the storage calls the library makes while an action runs, through the process-wide
/// fault hook (so its users belong to <c>SyscallFaultCollection</c>).
/// </summary>
public static class SyscallRecorder
{
    /// <summary>Runs <paramref name="action"/> and returns the calls made meanwhile, in order.</summary>
    /// <param name="action">What to watch.</param>
    /// <param name="pathPrefix">Only calls on paths starting with this are kept; null keeps all.</param>
    /// <returns>Each call's name and path.</returns>
    public static List<(string Call, string Path)> Record(Action action, string? pathPrefix = null)
    {
        var calls = new ConcurrentQueue<(string Call, string Path)>();
        LinuxSyscalls.Fault = (call, path) =>
        {
            if (pathPrefix is null || path.StartsWith(pathPrefix, StringComparison.Ordinal))
            {
                calls.Enqueue((call, path));
            }

            return 0;
        };
        try
        {
            action();
        }
        finally
        {
            LinuxSyscalls.Fault = null;
        }

        return [.. calls];
    }
}
