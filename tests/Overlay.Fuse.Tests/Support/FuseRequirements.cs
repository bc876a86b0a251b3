namespace Overlay.Fuse.Tests.Support;

/// <summary>Whether this machine can mount FUSE file systems, and the skip reason when it cannot.</summary>
internal static class FuseRequirements
{
    /// <summary>Null when a test may mount; otherwise why not and how to get it.</summary>
    public static string? Missing { get; } = Find();

    private static string? Find()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "FUSE mounts need Linux.";
        }

        if (!File.Exists("/dev/fuse"))
        {
            return "/dev/fuse is missing: load the module (modprobe fuse), or give a container --device /dev/fuse --cap-add SYS_ADMIN.";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "Mounting needs root: run the tests as root (sudo dotnet test).";
        }

        return null;
    }
}
