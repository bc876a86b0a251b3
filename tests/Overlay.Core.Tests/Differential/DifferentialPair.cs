using System.IO.Abstractions;
using Overlay.Layers;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Differential;

/// <summary>
/// One side of a differential case: a file system, the overlay's root in it, how to list its upper
/// layer, and the per-side state an operation may keep (a read stream held open across steps).
/// </summary>
public sealed class DiffSide : IDisposable
{
    private readonly Func<string[]> _dumpUpper;

    internal DiffSide(string name, IFileSystem fileSystem, string root, string upperDirectory, Func<string[]> dumpUpper)
    {
        Name = name;
        FileSystem = fileSystem;
        Root = root;
        UpperDirectory = upperDirectory;
        _dumpUpper = dumpUpper;
    }

    /// <summary><c>kernel</c> or <c>library</c>.</summary>
    public string Name { get; }

    /// <summary>The file system the operations go through.</summary>
    public IFileSystem FileSystem { get; }

    /// <summary>The overlay root in <see cref="FileSystem"/>: the mount point, or "/".</summary>
    public string Root { get; }

    /// <summary>The upper directory on disk.</summary>
    public string UpperDirectory { get; }

    /// <summary>A read stream an operation opened and left open for later steps.</summary>
    public Stream? Held { get; set; }

    /// <summary><paramref name="relative"/> (may end with '/') under <see cref="Root"/>.</summary>
    public string Full(string relative) => ScenarioPaths.Combine(Root, relative);

    /// <summary>The upper layer on disk, normalised (see <see cref="UpperDumper"/>).</summary>
    public string[] DumpUpper() => _dumpUpper();

    /// <summary>Closes the held stream.</summary>
    public void Dispose()
    {
        Held?.Dispose();
        Held = null;
    }
}

/// <summary>
/// The same lowers built twice under one temp root named <c>overlay-test-diff-*</c>:
/// <list type="bullet">
/// <item><c>kernel/lowerN</c> in the kernel's form, with an empty <c>kernel/upper</c> and
/// <c>kernel/work</c>, and the kernel's overlayfs mounted on <c>kernel/merged</c> with exactly
/// <c>lowerdir=…,upperdir=…,workdir=…,redirect_dir=off,index=off,metacopy=off,xino=off</c>, reached
/// through System.IO (<see cref="System.IO.Abstractions.FileSystem"/>);</item>
/// <item><c>library/lowerN</c> in the OCI form opened as <see cref="HostDirectoryLayer"/> lowers,
/// an empty <see cref="HostDirectoryLayer"/> upper in <c>library/upper</c> with its work directory
/// <c>library/work</c> (<c>Durable = false</c>), and an <see cref="OverlayFileSystem"/> over them with
/// <see cref="DirectoryRenamePolicy.Kernel"/> and umask 022, reached at "/".</item>
/// </list>
/// Why the library's lowers are on disk in OCI form rather than <see cref="MemoryLayer"/>s: that is
/// the form the library meets in use (extracted image layers), so the decoding of <c>.wh.</c> files
/// and <c>.wh..wh..opq</c> markers, the containment walk and the <c>statx</c>-based reads are under
/// test too, and the lowers and the upper go through the same <see cref="FileSystemLayer"/> code. The
/// in-memory engine is already checked against the 400 recordings (OverlayKernelScenarioTests).
/// Dispose closes held streams, unmounts (lazily if the plain unmount fails) and deletes the root;
/// a root whose mount could not be removed is left for CI's cleanup.
/// </summary>
public sealed class DifferentialPair : IDisposable
{
    /// <summary>The umask both sides create with (the process's is set to it; the library is given it).</summary>
    public const UnixFileMode Umask = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private readonly string _baseDirectory;
    private readonly List<HostDirectoryLayer> _layers = [];
    private readonly bool _throughMount;
    private global::Overlay.Fuse.OverlayMount? _libraryMount;
    private bool _mounted;
    private bool _disposed;

    private DifferentialPair(StackSpec stack, bool throughMount)
    {
        Stack = stack;
        _throughMount = throughMount;
        StartedUtc = DateTime.UtcNow;
        _baseDirectory = Directory.CreateTempSubdirectory(KernelOracle.TempPrefix).FullName;
        try
        {
            Kernel = BuildKernel();
            Library = BuildLibrary();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The lowers both sides were built from.</summary>
    public StackSpec Stack { get; }

    /// <summary>When the pair was built, by the system clock: later times are "now".</summary>
    public DateTime StartedUtc { get; }

    /// <summary>The kernel's side (the oracle).</summary>
    public DiffSide Kernel { get; private set; } = null!;

    /// <summary>The library's side.</summary>
    public DiffSide Library { get; private set; } = null!;

    /// <summary>The library's overlay.</summary>
    public OverlayFileSystem Overlay { get; private set; } = null!;

    /// <summary>The options the kernel overlay was mounted with.</summary>
    public string KernelMountOptions { get; private set; } = string.Empty;

    /// <summary>The temp root holding both sides.</summary>
    public string BaseDirectory => _baseDirectory;

    /// <summary>
    /// Whether the kernel overlay is still mounted on <see cref="DiffSide.Root"/> of
    /// <see cref="Kernel"/>: something else (a CI cleanup of <c>overlay-test</c> mounts run by
    /// another process) may have detached it, after which the mount point is a plain directory.
    /// </summary>
    public bool KernelStillMounted()
    {
        var mountPoint = Kernel.Root;
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 2 && fields[2] == "overlay" && fields[1].Replace("\\040", " ", StringComparison.Ordinal) == mountPoint)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Builds both sides; the caller must have checked <see cref="KernelOracle.UnavailableReason"/>.</summary>
    /// <param name="stack">The lowers.</param>
    /// <param name="throughMount">
    /// Serve the library's overlay through its FUSE mount (<see cref="Overlay.Fuse.OverlayMount"/>) on
    /// <c>library/merged</c> and reach it with System.IO, as the kernel's side is reached.
    /// </param>
    public static DifferentialPair Create(StackSpec stack, bool throughMount = false)
    {
        ArgumentNullException.ThrowIfNull(stack);
        if (KernelOracle.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException("The kernel overlayfs oracle is not available: " + reason);
        }

        // Files created through System.IO on the mount get 0666 & ~umask.
        LinuxNative.EnsureRecordedUmask();
        return new DifferentialPair(stack, throughMount);
    }

    private DiffSide BuildKernel()
    {
        var root = Directory.CreateDirectory(Path.Combine(_baseDirectory, "kernel")).FullName;
        var lowers = WriteLowers(root, LayerForm.Kernel);
        var upper = Directory.CreateDirectory(Path.Combine(root, "upper")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        var merged = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
        var options = $"lowerdir={string.Join(':', lowers)},upperdir={upper},workdir={work},{KernelOracle.MountOptions}";
        var errno = LinuxNative.Mount("overlay", merged, "overlay", options);
        if (errno != 0)
        {
            throw new IOException($"mount -t overlay -o {options} {merged} failed with errno {errno}", errno);
        }

        _mounted = true;
        KernelMountOptions = options;
        return new DiffSide("kernel", new System.IO.Abstractions.FileSystem(), merged, upper, () => UpperDumper.DumpKernelForm(upper, StartedUtc));
    }

    private DiffSide BuildLibrary()
    {
        var root = Directory.CreateDirectory(Path.Combine(_baseDirectory, "library")).FullName;
        var lowers = WriteLowers(root, LayerForm.Oci)
            .Select((directory, i) => Track(new HostDirectoryLayer(directory, new HostDirectoryLayerOptions { Name = "lower" + i })))
            .ToArray();
        var upperDirectory = Directory.CreateDirectory(Path.Combine(root, "upper")).FullName;
        var upper = Track(new HostDirectoryLayer(upperDirectory, new HostDirectoryLayerOptions
        {
            Name = "upper",
            WorkDirectory = Path.Combine(root, "work"),
            Durable = false,
        }));
        Overlay = new OverlayFileSystem(lowers, upper, new OverlayOptions
        {
            DirectoryRenamePolicy = DirectoryRenamePolicy.Kernel,
            Umask = Umask,
        });
        if (_throughMount)
        {
            var merged = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
            _libraryMount = global::Overlay.Fuse.OverlayMount.Mount(Overlay, merged);
            return new DiffSide("library", new System.IO.Abstractions.FileSystem(), merged, upperDirectory, () => UpperDumper.DumpOciForm(upperDirectory, StartedUtc));
        }

        return new DiffSide("library", Overlay, "/", upperDirectory, () => UpperDumper.DumpOciForm(upperDirectory, StartedUtc));
    }

    private HostDirectoryLayer Track(HostDirectoryLayer layer)
    {
        _layers.Add(layer);
        return layer;
    }

    private List<string> WriteLowers(string root, LayerForm form)
    {
        var lowers = new List<string>();
        for (var i = 0; i < Stack.LowersTopFirst.Count; i++)
        {
            var lower = Directory.CreateDirectory(Path.Combine(root, "lower" + i)).FullName;
            LayerFormWriter.Write(lower, Stack.LowersTopFirst[i], form, StackSpec.LayerTime(i));
            lowers.Add(lower);
        }

        if (lowers.Count == 0)
        {
            lowers.Add(Directory.CreateDirectory(Path.Combine(root, "lower0")).FullName);
        }

        return lowers;
    }

    /// <summary>Closes streams and layers, unmounts, deletes the temp root.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kernel?.Dispose();
        Library?.Dispose();
        _libraryMount?.Dispose();
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }

        if (_mounted)
        {
            _mounted = false;
            if (LinuxNative.Unmount(Path.Combine(_baseDirectory, "kernel", "merged")) != 0 && KernelStillMounted())
            {
                // Still mounted: deleting through it would delete the upper's files only. CI's
                // cleanup unmounts whatever is left under an 'overlay-test' path. (Not mounted any
                // more, e.g. detached by another process's cleanup: the files can go.)
                return;
            }
        }

        try
        {
            Directory.Delete(_baseDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
