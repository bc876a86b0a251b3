using System.Diagnostics.CodeAnalysis;
using System.IO.Abstractions;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// The reference target: the scenario's lowers written to disk in the kernel's form
/// (<see cref="KernelLayerWriter"/>) under a temp directory named <c>overlay-test-kernel-*</c>
/// (CI unmounts leftovers matching <c>overlay-test</c>), a real kernel overlayfs mounted on them
/// with an empty upper and options <see cref="MountOptions"/>, reached through
/// System.IO.Abstractions' real-disk <see cref="System.IO.Abstractions.FileSystem"/>. A stack of one
/// lower gets an extra empty bottom lower, as when recording. Dispose unmounts and deletes it all.
/// Needs Linux and root (mount, mknod, trusted.* xattrs).
/// </summary>
public sealed class KernelMountTarget : IScenarioTarget
{
    /// <summary>The module options the recordings were made with.</summary>
    public const string MountOptions = "redirect_dir=off,index=off,metacopy=off,xino=off";

    private readonly string _baseDirectory;
    private bool _mounted;

    private KernelMountTarget(string baseDirectory, string upperDirectory, string mountPoint, IReadOnlyList<string> lowerDirectories)
    {
        _baseDirectory = baseDirectory;
        UpperDirectory = upperDirectory;
        Root = mountPoint;
        LowerDirectories = lowerDirectories;
    }

    /// <inheritdoc />
    public IFileSystem FileSystem { get; } = new System.IO.Abstractions.FileSystem();

    /// <summary>The mount point.</summary>
    public string Root { get; }

    /// <summary>The upper directory on disk.</summary>
    public string UpperDirectory { get; }

    /// <summary>The lower directories on disk, topmost first (as passed in <c>lowerdir=</c>).</summary>
    public IReadOnlyList<string> LowerDirectories { get; }

    /// <summary>A <see cref="ScenarioTargetFactory"/> that throws if the kernel overlay can't be mounted here.</summary>
    public static IScenarioTarget Create(KernelScenario scenario) =>
        TryCreate(scenario, out var target, out var reason) ? target : throw new InvalidOperationException(reason);

    /// <summary>
    /// Builds and mounts the overlay for <paramref name="scenario"/>. Returns false, with the reason,
    /// when this machine cannot mount it (not Linux, not root, mount refused with EPERM/EACCES, no
    /// overlay support); throws on any other failure.
    /// </summary>
    public static bool TryCreate(
        KernelScenario scenario,
        [NotNullWhen(true)] out KernelMountTarget? target,
        [NotNullWhen(false)] out string? unavailableReason)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        target = null;
        if (!OperatingSystem.IsLinux())
        {
            unavailableReason = "the kernel overlayfs reference needs Linux";
            return false;
        }

        if (LinuxNative.GetEffectiveUserId() != 0)
        {
            unavailableReason = "mounting the kernel overlayfs needs root (mount, mknod, trusted.* xattrs)";
            return false;
        }

        // Files created through System.IO get 0666 & ~umask: make modes those of the recording.
        LinuxNative.EnsureRecordedUmask();

        var baseDirectory = Directory.CreateTempSubdirectory("overlay-test-kernel-").FullName;
        var mounted = false;
        try
        {
            var lowers = new List<string>();
            for (var i = 0; i < Math.Max(2, scenario.LowersTopFirst.Count); i++)
            {
                var lower = Directory.CreateDirectory(Path.Combine(baseDirectory, "lower" + i)).FullName;
                if (i < scenario.LowersTopFirst.Count)
                {
                    try
                    {
                        KernelLayerWriter.Write(lower, scenario.LowersTopFirst[i]);
                    }
                    catch (IOException ex) when (ex.HResult is LinuxNative.EPERM or LinuxNative.EACCES)
                    {
                        // Root without CAP_MKNOD / CAP_SYS_ADMIN (a restricted container).
                        unavailableReason = "cannot write a kernel-form layer here: " + ex.Message;
                        return false;
                    }
                }

                lowers.Add(lower);
            }

            var upper = Directory.CreateDirectory(Path.Combine(baseDirectory, "upper")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(baseDirectory, "work")).FullName;
            var mountPoint = Directory.CreateDirectory(Path.Combine(baseDirectory, "merged")).FullName;
            var options = $"lowerdir={string.Join(':', lowers)},upperdir={upper},workdir={work},{MountOptions}";
            var errno = LinuxNative.Mount("overlay", mountPoint, "overlay", options);
            if (errno is LinuxNative.EPERM or LinuxNative.EACCES or LinuxNative.ENODEV)
            {
                unavailableReason = $"the kernel refused to mount overlayfs (errno {errno}); the kernel reference needs root with CAP_SYS_ADMIN and overlay support";
                return false;
            }

            if (errno != 0)
            {
                throw new IOException($"mount -t overlay -o {options} {mountPoint} failed with errno {errno}", errno);
            }

            mounted = true;
            target = new KernelMountTarget(baseDirectory, upper, mountPoint, lowers) { _mounted = true };
            unavailableReason = null;
            return true;
        }
        finally
        {
            if (!mounted)
            {
                DeleteQuietly(baseDirectory);
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> DumpUpper() => KernelUpperDumper.Dump(UpperDirectory);

    /// <summary>Unmounts (lazily if busy) and deletes the temp directory.</summary>
    public void Dispose()
    {
        if (!_mounted)
        {
            return;
        }

        _mounted = false;
        var errno = LinuxNative.Unmount(Root);
        if (errno != 0)
        {
            // Left for CI's cleanup of 'overlay-test' mounts; deleting through a live mount would
            // only remove the upper's files.
            return;
        }

        DeleteQuietly(_baseDirectory);
    }

    /// <inheritdoc />
    public override string ToString() => $"kernel overlayfs at {Root}";

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
