using System.ComponentModel;
using System.Diagnostics;
using Overlay.Cli.Output;
using Overlay.Layers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary>
/// <c>overlay mount-helper SOURCE MOUNTPOINT -o lowerdir=A:B,upperdir=U,workdir=W</c>: what
/// mount(8) runs for <c>mount -t fuse.overlaynet</c> (as <c>/sbin/mount.fuse.overlaynet</c>), with
/// fuse-overlayfs's options. It starts the server in its own session and returns once the mount is
/// in place, as mount(8) expects of a helper.
/// </summary>
internal sealed class MountHelperCommand(IAnsiConsole console, CliStreams streams) : Command<MountHelperCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("The mount's source (shown by mount(8); not read).")]
        public string Source { get; set; } = string.Empty;

        [CommandArgument(1, "<MOUNTPOINT>")]
        [Description("The directory to mount on.")]
        public string MountPoint { get; set; } = string.Empty;

        [CommandOption("-o <OPTIONS>")]
        [Description("lowerdir=A:B (topmost first),upperdir=U,workdir=W; other options (rw, dev, suid...) are accepted and ignored.")]
        public string Options { get; set; } = string.Empty;

        [CommandOption("-t <TYPE>")]
        [Description("fuse.TYPE, as mount(8) passes it.")]
        public string? Type { get; set; }

        [CommandOption("-n|-s|-v|-f")]
        [Description("Flags mount(8) may pass; ignored.")]
        public bool Ignored { get; set; }

        [CommandOption("--foreground")]
        [Description("Serve in this process instead of starting a server in the background.")]
        public bool Foreground { get; set; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        _ = console;
        string? lowerdir = null, upperdir = null, workdir = null;
        foreach (var option in settings.Options.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = option.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? option : option[..equals];
            string value = equals < 0 ? string.Empty : option[(equals + 1)..];
            switch (name)
            {
                case "lowerdir": lowerdir = value; break;
                case "upperdir": upperdir = value; break;
                case "workdir": workdir = value; break;
            }
        }

        if (string.IsNullOrEmpty(lowerdir))
        {
            throw new CliException(ExitCode.Usage, "-o lowerdir=DIR[:DIR...] is required.");
        }

        if (string.IsNullOrEmpty(upperdir) != string.IsNullOrEmpty(workdir))
        {
            throw new CliException(ExitCode.Usage, "upperdir= and workdir= go together.");
        }

        string type = settings.Type is { } t && t.StartsWith("fuse.", StringComparison.Ordinal) ? t["fuse.".Length..] : "overlaynet";
        string mountPoint = Path.GetFullPath(settings.MountPoint);
        if (settings.Foreground)
        {
            var lowers = new List<HostDirectoryLayer>();
            try
            {
                foreach (var (directory, index) in lowerdir.Split(':', StringSplitOptions.RemoveEmptyEntries).Select((d, i) => (d, i)))
                {
                    if (!Directory.Exists(directory))
                    {
                        throw new CliException(ExitCode.InputNotFound, $"lowerdir {directory}: no such directory.");
                    }

                    lowers.Add(new HostDirectoryLayer(Path.GetFullPath(directory), new HostDirectoryLayerOptions { Name = $"lower {index}", WhiteoutForm = WhiteoutForm.Kernel }));
                }

                return (int)MountCommand.Serve(lowers, upperdir, workdir, WhiteoutForm.Kernel, mountPoint, type, trace: false, $"lowerdir={lowerdir}", streams);
            }
            finally
            {
                foreach (var lower in lowers)
                {
                    lower.Dispose();
                }
            }
        }

        return (int)StartInBackground(settings, mountPoint, type);
    }

    /// <summary>Runs this command again with --foreground in a new session, and waits until its mount appears.</summary>
    private ExitCode StartInBackground(Settings settings, string mountPoint, string type)
    {
        // mount(8) runs helpers with a minimal PATH: setsid(1) is looked for where util-linux puts it.
        string setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists)
            ?? throw new CliException(ExitCode.IoError, "setsid(1) not found (apt-get install util-linux).");
        // The server gets no terminal and none of mount(8)'s pipes (a caller reading the helper's
        // output to its end would wait for the server's life): its messages go to a log, shown
        // when it fails to mount.
        string log = Path.Combine(Path.GetTempPath(), $"overlay-mount-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo(setsid) { UseShellExecute = false };
        start.ArgumentList.Add("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("log=$1; shift; exec \"$@\" </dev/null >/dev/null 2>>\"$log\"");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(log);
        string self = Environment.ProcessPath ?? throw new CliException(ExitCode.IoError, "Cannot find the overlay program to start the server.");
        start.ArgumentList.Add(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MountHelperCommand).Assembly.Location);
        }

        foreach (var argument in new[] { "mount-helper", settings.Source, mountPoint, "-o", settings.Options, "-t", "fuse." + type, "--foreground" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return WaitForMount(start, mountPoint, type, log);
        }
        finally
        {
            File.Delete(log);
        }
    }

    private static ExitCode WaitForMount(ProcessStartInfo start, string mountPoint, string type, string log)
    {
        // A mount of the same type may be on the mount point already (one being replaced, one the
        // server will fail to stack on): only a mount that was not there before is this server's.
        var before = MountIds(mountPoint, type);
        using var server = Process.Start(start) ?? throw new CliException(ExitCode.IoError, "Cannot start the mount's server.");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (MountIds(mountPoint, type).Except(before).Any())
            {
                return ExitCode.Success;
            }

            if (server.HasExited)
            {
                string said = File.Exists(log) ? File.ReadAllText(log).Trim() : string.Empty;
                throw new CliException(ExitCode.IoError, said.Length > 0 ? said : $"The server of {mountPoint} exited with {server.ExitCode} before the mount appeared.");
            }

            Thread.Sleep(20);
        }

        throw new CliException(ExitCode.IoError, $"{mountPoint}: not mounted after 60 seconds.");
    }

    /// <summary>The ids /proc/self/mountinfo gives the mounts of a FUSE type on a mount point (its first field).</summary>
    private static HashSet<string> MountIds(string mountPoint, string type) =>
        File.ReadLines("/proc/self/mountinfo")
            .Where(line =>
            {
                var fields = line.Split(' ');
                return fields.Length > 4 && Fuse.OverlayMount.Unescape(fields[4]) == mountPoint && line.Contains(" - fuse." + type + " ", StringComparison.Ordinal);
            })
            .Select(line => line[..line.IndexOf(' ', StringComparison.Ordinal)])
            .ToHashSet(StringComparer.Ordinal);
}
