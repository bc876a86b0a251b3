using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Differential;

/// <summary>
/// Whether the kernel's overlayfs can serve as the oracle on this machine, found out once per
/// process by mounting a tiny overlay (Linux, root, mknod and trusted.* xattrs allowed, the mount
/// accepted), and what a live test does when it cannot: skip with the reason, or fail when
/// <see cref="RequireVariable"/> is <c>1</c> (CI sets it when it runs as root on Linux, where a skip
/// would hide a broken harness).
/// </summary>
public static class KernelOracle
{
    /// <summary>Set to <c>1</c> to turn every skip of a live kernel test into a failure.</summary>
    public const string RequireVariable = "OVERLAY_REQUIRE_KERNEL";

    /// <summary>The module options of every differential mount, spelled out (plus lowerdir, upperdir, workdir).</summary>
    public const string MountOptions = "redirect_dir=off,index=off,metacopy=off,xino=off";

    /// <summary>The prefix of every temp root: CI's cleanup unmounts leftovers whose path contains <c>overlay-test</c>.</summary>
    public const string TempPrefix = "overlay-test-diff-";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Why the kernel overlay cannot be mounted here, or <see langword="null"/> when it can.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    /// <summary>Whether <see cref="RequireVariable"/> is set to <c>1</c>.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Skips the calling test (or fails it, when required) unless the kernel overlay can be mounted.</summary>
    public static void RequireOrSkip()
    {
        if (UnavailableReason is { } reason)
        {
            SkipOrFail(reason);
        }
    }

    /// <summary>Skips with <paramref name="reason"/>, or fails when <see cref="RequireVariable"/> is <c>1</c>.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void SkipOrFail(string reason) => SkipOrFail(reason, Required);

    /// <summary>Skips with <paramref name="reason"/>, or fails when <paramref name="required"/>.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void SkipOrFail(string reason, bool required)
    {
        var message = "The kernel overlayfs oracle is not available here: " + reason
            + " (these tests mount the kernel's overlayfs: run them as root on Linux, e.g. sudo dotnet test)";
        if (required)
        {
            Assert.Fail(message + $" ({RequireVariable}=1: a live kernel test must not skip)");
        }

        Assert.Skip(message);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the kernel overlayfs needs Linux";
        }

        if (LinuxNative.GetEffectiveUserId() != 0)
        {
            return "mounting the kernel overlayfs needs root (mount, mknod, trusted.* xattrs)";
        }

        string root;
        try
        {
            root = Directory.CreateTempSubdirectory(TempPrefix + "probe-").FullName;
        }
        catch (IOException ex)
        {
            return "cannot make a temp directory: " + ex.Message;
        }

        try
        {
            var lower = Directory.CreateDirectory(Path.Combine(root, "lower")).FullName;
            var upper = Directory.CreateDirectory(Path.Combine(root, "upper")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            var merged = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
            try
            {
                LinuxNative.MakeWhiteout(Path.Combine(lower, "w"));
                LinuxNative.SetXattr(lower, LayerFormWriter.OpaqueXattr, "y");
                LinuxNative.SetXattr(lower, LayerFormWriter.OpaqueXattr, "n");
            }
            catch (IOException ex)
            {
                return "cannot write a kernel-form layer (mknod, trusted.* xattrs): " + ex.Message;
            }

            var errno = LinuxNative.Mount("overlay", merged, "overlay", $"lowerdir={lower},upperdir={upper},workdir={work},{MountOptions}");
            if (errno != 0)
            {
                return $"mount -t overlay -o ...,{MountOptions} was refused with errno {errno}";
            }

            LinuxNative.Unmount(merged);
            return null;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
