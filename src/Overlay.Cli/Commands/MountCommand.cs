using System.ComponentModel;
using System.Runtime.InteropServices;
using Overlay.Cli.Output;
using Overlay.Fuse;
using Overlay.Layers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Overlay.Cli.Commands;

/// <summary>
/// <c>overlay mount IMAGE MOUNTPOINT [--upper DIR --work DIR] [--trace]</c>: the merged view served
/// through FUSE to every process until Ctrl-C, SIGTERM or an unmount.
/// </summary>
internal sealed class MountCommand(IAnsiConsole console, CliStreams streams) : OverlayCommand<MountCommand.Settings>(console, streams)
{
    internal sealed class Settings : ImageSettings
    {
        [CommandArgument(1, "<MOUNTPOINT>")]
        [Description("An existing directory to mount the merged view on.")]
        public string MountPoint { get; set; } = string.Empty;

        [CommandOption("--upper <DIR>")]
        [Description("A writable upper directory (created when missing); without it the mount is read-only.")]
        public string? Upper { get; set; }

        [CommandOption("--work <DIR>")]
        [Description("The upper's work directory, on the upper's file system (required with --upper).")]
        public string? Work { get; set; }

        [CommandOption("--form <FORM>")]
        [Description("How the upper stores whiteouts: oci (.wh. files, the default) or kernel (character devices 0/0 and overlay xattrs, as the kernel's overlayfs).")]
        public string Form { get; set; } = "oci";

        [CommandOption("--trace")]
        [Description("Print each lookup and the layer that answered it, live.")]
        public bool Trace { get; set; }

        [CommandOption("--type <TYPE>")]
        [Description("The FUSE subtype the mount shows (fuse.TYPE in /proc/mounts); overlaynet by default.")]
        public string Type { get; set; } = "overlaynet";

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Upper) != string.IsNullOrEmpty(Work))
            {
                return ValidationResult.Error("--upper and --work go together: give both, or neither for a read-only mount.");
            }

            return Form is "oci" or "kernel" ? base.Validate() : ValidationResult.Error($"--form {Form}: use oci or kernel.");
        }
    }

    /// <summary>Adds <c>mount</c> and the mount helper's <c>mount-helper</c> to the tool.</summary>
    public static void Register(IConfigurator config)
    {
        config.AddCommand<MountCommand>("mount")
            .WithDescription("Mount the merged view through FUSE for every process (root); Ctrl-C or umount to stop.")
            .WithExample("mount", "image.tar", "/mnt/merged", "--upper", "upper", "--work", "work", "--trace");
        config.AddCommand<MountHelperCommand>("mount-helper")
            .WithDescription("What mount(8) runs for mount -t fuse.overlaynet (see docs/fuse.md).")
            .IsHidden();
    }

    protected override ExitCode Run(Settings settings)
    {
        using var image = OpenImage(settings, json: true);
        var lowers = image.LayersBottomFirst.Reverse().Select(l => l.Layer).ToList();
        return Serve(lowers, settings.Upper, settings.Work, settings.Form == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci, settings.MountPoint, settings.Type, settings.Trace, settings.Image, Streams);
    }

    /// <summary>How long a mount waits for a work directory another server holds: see <see cref="OpenUpper"/>.</summary>
    private static readonly TimeSpan WorkDirectoryWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The upper, with its work directory locked. umount(2) of a FUSE mount returns before its server
    /// has ended, so a mount made right after it on the same upper (a remount, as mount(8) scripts and
    /// unionmount-testsuite do) can find the work directory still held by the server that is going
    /// away: the lock is waited for, a while, before the mount fails as in use.
    /// </summary>
    private static HostDirectoryLayer OpenUpper(string upperDirectory, string workDirectory, WhiteoutForm form)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions
                {
                    Name = "upper",
                    WhiteoutForm = form,
                    WorkDirectory = workDirectory,
                });
            }
            catch (IOException e) when (e.HResult == 16 && waited.Elapsed < WorkDirectoryWait)
            {
                // EBUSY: held by another overlay's upper, perhaps one whose mount just went.
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Mounts the layers and serves them until a signal or an unmount; shared with the mount helper.</summary>
    internal static ExitCode Serve(IReadOnlyList<ILayer> lowersTopFirst, string? upperDirectory, string? workDirectory, WhiteoutForm form, string mountPoint, string type, bool trace, string description, CliStreams streams)
    {
        if (!Directory.Exists(mountPoint))
        {
            throw new CliException(ExitCode.InputNotFound, $"{mountPoint}: no such directory (MOUNTPOINT must be an existing directory).");
        }

        HostDirectoryLayer? upper = null;
        if (upperDirectory is not null)
        {
            Directory.CreateDirectory(upperDirectory);
            Directory.CreateDirectory(workDirectory!);
            upper = OpenUpper(Path.GetFullPath(upperDirectory), Path.GetFullPath(workDirectory!), form);
        }

        try
        {
            // The kernel applies each caller's umask before asking; the overlay adds none of its own.
            var fs = new OverlayFileSystem(lowersTopFirst, upper, new OverlayOptions { Umask = 0 });
            if (trace)
            {
                var writer = streams.Error;
                fs.LookupTrace += (_, e) =>
                {
                    if (e.Kind == OverlayEventKind.Lookup)
                    {
                        lock (writer)
                        {
                            writer.WriteLine($"lookup {e.Path} <- {e.Layer ?? "(no layer)"}");
                            writer.Flush();
                        }
                    }
                };
            }

            // The signals are caught before the mount exists: one that comes while it is being made
            // (the mount point is visible before Mount returns) is answered by unmounting at once.
            using var stop = new ManualResetEventSlim();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

            OverlayMount mount;
            try
            {
                mount = OverlayMount.Mount(fs, mountPoint, new OverlayMountOptions { FileSystemType = type });
            }
            catch (UnauthorizedAccessException e)
            {
                throw new CliException(ExitCode.IoError, e.Message, e);
            }

            using (mount)
            {
                streams.Error.WriteLine($"overlay: {description} mounted on {mount.MountPoint}{(upper is null ? " (read-only)" : $", upper {upper.Root}")}; Ctrl-C or umount to stop.");
                streams.Error.Flush();
                WaitHandle.WaitAny([stop.WaitHandle, ((IAsyncResult)mount.Unmounted).AsyncWaitHandle]);
            }

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Set();
            }

            return ExitCode.Success;
        }
        finally
        {
            upper?.Dispose();
        }
    }
}
