using System.Diagnostics;

namespace Overlay.Tests.Oci.Export;

/// <summary>
/// A private Docker engine (Debian's dockerd) for one test: its own data root, exec root and socket
/// under a temp directory whose path contains <c>overlay-test</c>, overlay2, no network. Stopped by
/// its pid and its mounts unmounted in <see cref="Dispose"/>, whatever the test did.
/// </summary>
internal sealed class DockerDaemon : IDisposable
{
    /// <summary>Set to <c>1</c> to turn a skip (no dockerd, or it cannot start) into a failure.</summary>
    public const string RequireVariable = "OVERLAY_REQUIRE_DOCKER";

    private static readonly string[] DaemonPaths = ["/usr/sbin/dockerd", "/usr/bin/dockerd"];
    private const string ClientPath = "/usr/bin/docker";

    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private DockerDaemon(string root, Process process)
    {
        Root = root;
        _process = process;
    }

    /// <summary>The temp directory holding the daemon's state.</summary>
    public string Root { get; }

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Starts a daemon, or skips (fails when required) with the reason it cannot.</summary>
    public static DockerDaemon StartOrSkip()
    {
        var reason = OperatingSystem.IsLinux() ? null : "not Linux";
        var daemon = DaemonPaths.FirstOrDefault(File.Exists);
        reason ??= daemon is null ? "dockerd is not installed (apt-get install -y docker.io)" : null;
        reason ??= File.Exists(ClientPath) ? null : $"the Docker client {ClientPath} is not installed";
        reason ??= ExportTestSupport.CanWriteKernelForm ? null : "dockerd needs root";
        if (reason is null)
        {
            var root = Directory.CreateTempSubdirectory("overlay-test-docker-").FullName;
            var start = new ProcessStartInfo(daemon!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--data-root", Path.Combine(root, "docker"), "--exec-root", Path.Combine(root, "run"),
                "--pidfile", Path.Combine(root, "docker.pid"), "-H", "unix://" + Path.Combine(root, "docker.sock"),
                "--iptables=false", "--ip6tables=false", "--bridge=none", "--ip-forward=false", "--ip-masq=false",
                "--storage-driver", "overlay2", "--log-level", "warn",
            })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            var instance = new DockerDaemon(root, process);

            // The daemon's log is kept for the skip message, not mixed into the test output.
            process.OutputDataReceived += (_, e) => instance.AppendLog(e.Data);
            process.ErrorDataReceived += (_, e) => instance.AppendLog(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    instance.Client(["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(10));
                    return instance;
                }
                catch (InvalidOperationException)
                {
                    Thread.Sleep(500);
                }
            }

            instance.Dispose();
            reason = (process.HasExited ? $"dockerd exited with code {process.ExitCode}" : "dockerd did not answer within 60 s")
                + "; its log ends: " + instance.LogTail();
        }

        var message = "Real Docker is not available here: " + reason;
        if (Required)
        {
            Assert.Fail(message + $" ({RequireVariable}=1: the Docker interop test must not skip)");
        }

        Assert.Skip(message);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Runs the Docker client against this daemon and returns its standard output.</summary>
    public string Client(IReadOnlyList<string> arguments, TimeSpan? timeout = null) =>
        ExportTestSupport.Run(ClientPath, ["-H", "unix://" + Path.Combine(Root, "docker.sock"), .. arguments], timeout ?? TimeSpan.FromMinutes(2));

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > 20)
            {
                _log.Dequeue();
            }
        }
    }

    private string LogTail()
    {
        lock (_log)
        {
            return string.Join(" | ", _log);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: dockerd stops its containerd and unmounts its layers itself.
            try
            {
                ExportTestSupport.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            catch (InvalidOperationException)
            {
            }

            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }

        _process.Dispose();
        UnmountUnder(Root);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void UnmountUnder(string root)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return;
        }

        var mountPoints = File.ReadAllLines("/proc/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 1)
            .Select(fields => fields[1].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point.StartsWith(root + "/", StringComparison.Ordinal))
            .OrderByDescending(point => point.Length);
        foreach (var point in mountPoints)
        {
            try
            {
                ExportTestSupport.Run("umount", ["-l", point]);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
