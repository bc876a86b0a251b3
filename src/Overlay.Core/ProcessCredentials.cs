using Overlay.Layers;
using Overlay.Layers.Host;

namespace Overlay;

/// <summary>The process's effective user and group ids, read once.</summary>
internal static class ProcessCredentials
{
    private static readonly Lazy<UnixOwner> Read = new(() =>
        LinuxSyscalls.IsSupported ? new UnixOwner(LinuxSyscalls.EffectiveUserId(), LinuxSyscalls.EffectiveGroupId()) : UnixOwner.Root);

    /// <summary>geteuid():getegid() on Linux; 0:0 elsewhere.</summary>
    public static UnixOwner Owner => Read.Value;
}
