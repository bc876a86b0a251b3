using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Overlay.Fuse.Interop;

namespace Overlay.Fuse;

/// <summary>
/// An <see cref="OverlayFileSystem"/> mounted through FUSE, so every process sees the merged view at
/// a directory: the kernel's FUSE protocol is spoken over <c>/dev/fuse</c> directly. Disposing it
/// unmounts. When the serving process dies (kill -9 included), the kernel ends the connection and a
/// small watchdog process unmounts it (<see cref="OverlayMountOptions.UnmountWhenProcessDies"/>).
/// </summary>
public sealed class OverlayMount : IDisposable
{
    private readonly FuseServer _server;
    private readonly OverlayFileSystem _fileSystem;
    private readonly int _fd;
    private readonly Lock _lock = new();
    private readonly bool _privileged;
    private Process? _watchdog;
    private bool _disposed;

    private OverlayMount(OverlayFileSystem fileSystem, string mountPoint, FuseServer server, int fd, string connection, bool privileged)
    {
        _fileSystem = fileSystem;
        _privileged = privileged;
        MountPoint = mountPoint;
        _server = server;
        _fd = fd;
        ConnectionId = connection;
    }

    /// <summary>The directory the overlay is mounted on.</summary>
    public string MountPoint { get; }

    /// <summary>The FUSE connection's number: its control directory is /sys/fs/fuse/connections/ followed by it.</summary>
    public string ConnectionId { get; }

    /// <summary>Completes when the mount is no longer served: unmounted (by <see cref="Dispose"/> or by anyone) or aborted.</summary>
    public Task Unmounted => _server.Stopped;

    /// <summary>The server behind the mount (for tests of what the kernel asks it).</summary>
    internal FuseServer Server => _server;

    /// <summary>
    /// Mounts <paramref name="fileSystem"/> on <paramref name="mountPoint"/> and serves it on
    /// background threads until the returned mount is disposed.
    /// </summary>
    /// <param name="fileSystem">The overlay to serve. Changes through the mount go to its upper; without an upper the mount is read-only.</param>
    /// <param name="mountPoint">An existing directory.</param>
    /// <param name="options">How to mount; the defaults when <see langword="null"/>.</param>
    /// <returns>The mount; dispose it to unmount.</returns>
    /// <exception cref="DirectoryNotFoundException">The mount point is not an existing directory.</exception>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="UnauthorizedAccessException">The process may not mount (not root, and no fusermount3).</exception>
    /// <exception cref="IOException">/dev/fuse cannot be opened, or mount(2) or the kernel's INIT failed.</exception>
    public static OverlayMount Mount(OverlayFileSystem fileSystem, string mountPoint, OverlayMountOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        options ??= new OverlayMountOptions();
        if (options.Threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Threads must be at least 1 (was {options.Threads}).");
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("FUSE mounts need Linux.");
        }

        string target = Path.GetFullPath(mountPoint);
        if (!Directory.Exists(target))
        {
            throw new DirectoryNotFoundException($"Could not find a part of the path '{target}': the mount point must be an existing directory.");
        }

        uint uid = options.OwnerUserId ?? Libc.GetEffectiveUserId();
        uint gid = options.OwnerGroupId ?? Libc.GetEffectiveGroupId();
        var server = new FuseServer(new EngineAdapter(fileSystem), uid, gid, options.AttributeTimeout);
        bool privileged = Libc.GetEffectiveUserId() == 0;
        int fd = privileged ? MountAsRoot(target, options, uid, gid) : Fusermount.Mount(target, FusermountOptions(options));

        server.Start(fd, options.Threads);
        var mount = new OverlayMount(fileSystem, target, server, fd, FindConnection(target) ?? string.Empty, privileged);
        try
        {
            if (!server.Initialized.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new IOException($"Mounted '{target}', but the kernel sent no FUSE INIT within 30 seconds.");
            }

            if (options.UnmountWhenProcessDies)
            {
                mount._watchdog = StartWatchdog(target, mount.ConnectionId);
            }
        }
        catch (AggregateException e) when (e.InnerException is IOException io)
        {
            mount.Dispose();
            throw io;
        }
        catch
        {
            mount.Dispose();
            throw;
        }

        return mount;
    }

    private static int MountAsRoot(string target, OverlayMountOptions options, uint uid, uint gid)
    {
        int fd = Libc.Open("/dev/fuse", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open /dev/fuse: {Libc.Describe(errno)} (load the fuse module: modprobe fuse).", errno);
        }

        string data = string.Create(CultureInfo.InvariantCulture, $"fd={fd},rootmode=40000,user_id={uid},group_id={gid},default_permissions")
            + (options.AllowOther ? ",allow_other" : string.Empty);
        if (Libc.Mount(options.Source, target, "fuse." + options.FileSystemType, Libc.MS_NOSUID | Libc.MS_NODEV, data) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            throw errno == 1
                ? new UnauthorizedAccessException($"Cannot mount '{target}': mount(2) is not permitted here ({Libc.Describe(errno)}).")
                : new IOException($"Cannot mount '{target}': mount(2) failed: {Libc.Describe(errno)}.", errno);
        }

        return fd;
    }

    // fusermount3 works out fd, rootmode, user_id and group_id itself; allow_other needs in /etc/fuse.conf for a user other than root.
    // user_allow_other in /etc/fuse.conf for a user other than root: without it, allow_other is
    // left out rather than failing the mount.
    private static string FusermountOptions(OverlayMountOptions options) =>
        $"fsname={options.Source},subtype={options.FileSystemType},default_permissions,nosuid,nodev"
        + (options.AllowOther && UsersMayAllowOther() ? ",allow_other" : string.Empty);

    private static bool UsersMayAllowOther()
    {
        try
        {
            return File.ReadLines("/etc/fuse.conf").Any(line => line.Trim() == "user_allow_other");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Tells the kernel that the overlay changed behind the mount's back: made through the
    /// <see cref="OverlayFileSystem"/>'s own API rather than through the mount. The kernel drops
    /// the attributes, data, directory listings and names it cached for the mount and asks again
    /// at their next use.
    /// Changes made through the mount need no call: the kernel sees them itself.
    /// </summary>
    /// <remarks>
    /// A name the kernel was told is missing is remembered for at most a second and is not
    /// dropped here: a name that appears behind the mount's back is seen within that second.
    /// </remarks>
    public void Invalidate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _server.Invalidate();
    }

    /// <summary>
    /// Calls <see cref="OverlayFileSystem.InvalidateIndex"/> of the mounted overlay, after a layer
    /// was changed outside it, then <see cref="Invalidate"/>, so the change is seen through the
    /// mount at once rather than when the kernel's cache expires
    /// (<see cref="OverlayMountOptions.AttributeTimeout"/>).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The mount or the overlay was disposed.</exception>
    public void InvalidateIndex()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _fileSystem.InvalidateIndex();
        _server.Invalidate();
    }

    /// <summary>
    /// Unmounts and stops serving. A mount still in use (a process's current directory, an open
    /// file) is detached instead: it disappears from the tree at once, and the connection is
    /// aborted, so its remaining users get ENOTCONN rather than a hang.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        if (!_privileged)
        {
            if (!_server.Stopped.IsCompleted)
            {
                Fusermount.Unmount(MountPoint);
            }
        }
        else if (!_server.Stopped.IsCompleted && Libc.Umount2(MountPoint, 0) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINVAL)
            {
                // EBUSY: still in use. Detach it, then end the connection for whoever still holds it.
                Libc.Umount2(MountPoint, Libc.MNT_DETACH);
            }

            Abort();
        }

        if (!_server.Join(TimeSpan.FromSeconds(10)))
        {
            Abort();
            _server.Join(TimeSpan.FromSeconds(10));
        }

        _server.CloseHandles();
        Libc.Close(_fd);
        StopWatchdog();
    }

    // The watchdog: a shell reading a pipe whose other end only this process holds (.NET opens it
    // close-on-exec), so it reads end-of-file when this process ends, however it ends. It then looks
    // for the connection's own device (0:N) in the mount table, so a clean unmount, or another
    // mount made since on the same directory, is left alone; a mount still there is aborted (its
    // users get ENOTCONN) and detached. INT and HUP are ignored: a Ctrl-C at the terminal is for
    // the server, which unmounts by itself. It says "ready" once it is reading (the read is the
    // shell's own, no further process), and Mount returns only then: the watchdog is in place, and
    // its start-up does not compete with the mount's first requests.
    private const string WatchdogScript = """
        trap '' INT HUP
        echo ready
        exec >/dev/null 2>&1
        while read -r _; do :; done
        while read -r _ _ device _; do
            if [ "$device" = "0:$2" ]; then
                echo 1 > "/sys/fs/fuse/connections/$2/abort"
                umount -l "$1" || fusermount3 -u -z "$1"
                break
            fi
        done < /proc/self/mountinfo
        """;

    private static Process? StartWatchdog(string target, string connection)
    {
        if (connection.Length == 0 || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(WatchdogScript);
        start.ArgumentList.Add("overlay-mount-watchdog");
        start.ArgumentList.Add(target);
        start.ArgumentList.Add(connection);
        Process? watchdog;
        try
        {
            watchdog = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return null; // no watchdog: the mount answers ENOTCONN after the process's death until unmounted
        }

        _ = watchdog?.StandardOutput.ReadLine(); // "ready", or end-of-file should the shell have failed
        return watchdog;
    }

    /// <summary>After an unmount: the watchdog finds the mount gone and exits.</summary>
    private void StopWatchdog()
    {
        if (_watchdog is not { } watchdog)
        {
            return;
        }

        _watchdog = null;
        try
        {
            watchdog.StandardInput.Close();
            watchdog.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // It ended already.
        }

        watchdog.Dispose();
    }

    /// <summary>Ends the connection through its control file, as <c>echo 1 &gt; /sys/fs/fuse/connections/N/abort</c> does.</summary>
    private void Abort()
    {
        if (ConnectionId.Length == 0)
        {
            return;
        }

        try
        {
            File.WriteAllText($"/sys/fs/fuse/connections/{ConnectionId}/abort", "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // fusectl is not mounted, or the connection is gone already.
        }
    }

    /// <summary>The FUSE connection of the mount at <paramref name="target"/>: the minor device number /proc/self/mountinfo gives it.</summary>
    internal static string? FindConnection(string target)
    {
        string? found = null;
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mount-point options ... - type source super-options
            var fields = line.Split(' ');
            if (fields.Length < 5 || Unescape(fields[4]) != target)
            {
                continue;
            }

            int separator = Array.IndexOf(fields, "-");
            if (separator < 0 || separator + 1 >= fields.Length || !fields[separator + 1].StartsWith("fuse", StringComparison.Ordinal))
            {
                continue;
            }

            string device = fields[2];
            found = device[(device.IndexOf(':', StringComparison.Ordinal) + 1)..]; // the last mount on the point wins
        }

        return found;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    internal static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }
}
