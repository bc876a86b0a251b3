using Overlay.Layers.Host;

namespace Overlay;

/// <summary>The process's umask, read once.</summary>
internal static class ProcessUmask
{
    private const UnixFileMode Fallback = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite; // 0022

    private static readonly Lazy<UnixFileMode> Read = new(() =>
    {
        int umask = LinuxSyscalls.IsSupported ? LinuxSyscalls.GetUmask() : -1;
        return umask < 0 ? Fallback : (UnixFileMode)umask;
    });

    /// <summary>The umask: what <c>/proc/self/status</c> says on Linux, 0022 elsewhere.</summary>
    public static UnixFileMode Value => Read.Value;
}
