using System.Runtime.Versioning;
using System.IO.Abstractions;
using Overlay.Layers;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>
/// One conformance test's file system on one <see cref="ConformanceTarget"/>, holding the
/// <see cref="ConformanceSeed"/>. Paths are written as merged-view paths (<c>/d/a.txt</c>);
/// <see cref="P"/> maps one to the target (the disk's is under its temporary root) and
/// <see cref="Unmap"/> maps a path the target returned back. Disposing it fails the test when a
/// lower changed, then deletes whatever it stored.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ConformanceFileSystem : IDisposable
{
    private readonly string? _diskRoot;
    private readonly LayerStore? _store;
    private readonly (ILayer Layer, LayerSnapshot Before)[] _lowers = [];
    private readonly IReadOnlyList<string>? _storageBefore;
    private bool _disposed;

    private ConformanceFileSystem(ConformanceTarget target)
    {
        Target = target;
        if (target == ConformanceTarget.Disk)
        {
            var disk = new System.IO.Abstractions.FileSystem();
            _diskRoot = disk.Directory.CreateTempSubdirectory("overlay-conformance-").FullName;
            Fs = disk;
            ConformanceSeed.Write(disk, P);
            return;
        }

        _store = LayerStore.Create(target is ConformanceTarget.MemoryUpper or ConformanceTarget.MemoryLowers ? LayerBackend.Memory : LayerBackend.HostDirectory);
        try
        {
            ILayer[] lowers;
            bool seedInLowers = target is ConformanceTarget.MemoryLowers or ConformanceTarget.HostLowers;
            if (seedInLowers)
            {
                var (top, bottom) = ConformanceSeed.Lowers();
                lowers = [_store.AddLower(top), _store.AddLower(bottom)];
            }
            else
            {
                lowers = [_store.AddLower(new MemoryLayer("empty"))];
            }

            _storageBefore = _store.CaptureLowerStorage();
            _lowers = [.. lowers.Select(l => (l, LayerSnapshot.Capture(l, _store.LowerAccessTimes)))];
            var overlay = new OverlayFileSystem(lowers, _store.CreateUpper(TimeProvider.System));
            Fs = overlay;
            if (!seedInLowers)
            {
                ConformanceSeed.Write(overlay, P);
            }
        }
        catch
        {
            _store.Dispose();
            throw;
        }
    }

    /// <summary>The target.</summary>
    public ConformanceTarget Target { get; }

    /// <summary>The file system under test.</summary>
    public IFileSystem Fs { get; }

    /// <summary>The overlay, or <see langword="null"/> on the disk.</summary>
    public OverlayFileSystem? Overlay => Fs as OverlayFileSystem;

    /// <summary>The directory of the real disk that stands for the merged root, or <see langword="null"/> on an overlay.</summary>
    public string? DiskRoot => _diskRoot;

    /// <summary>Opens a target's file system with the seed.</summary>
    /// <param name="target">The target.</param>
    /// <returns>The file system; the caller disposes it.</returns>
    public static ConformanceFileSystem Create(ConformanceTarget target) => new(target);

    /// <summary>Maps a merged-view path (rooted, or relative to be left alone) to the target's path.</summary>
    /// <param name="path">The merged path.</param>
    /// <returns>The target's path.</returns>
    public string P(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_diskRoot is null || !path.StartsWith('/'))
        {
            return path;
        }

        return path == "/" ? _diskRoot : _diskRoot + path;
    }

    /// <summary>Maps a path the target returned to the merged view's form.</summary>
    /// <param name="path">The target's path.</param>
    /// <returns>The merged path; a path outside the disk root unchanged.</returns>
    public string? Unmap(string? path)
    {
        if (_diskRoot is null || path is null)
        {
            return path;
        }

        if (path == _diskRoot)
        {
            return "/";
        }

        return path.StartsWith(_diskRoot + "/", StringComparison.Ordinal) ? path[_diskRoot.Length..] : path;
    }

    /// <summary>Fails when a lower changed since the file system was opened.</summary>
    public void AssertLowersUnchanged()
    {
        if (_storageBefore is not null)
        {
            _store!.CaptureLowerStorage().Should().Equal(_storageBefore, "the storage of the lowers must never be written");
        }

        foreach (var (layer, before) in _lowers)
        {
            before.AssertUnchanged(layer);
        }
    }

    /// <summary>Checks the lowers, then deletes the storage.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_store is not null)
            {
                AssertLowersUnchanged();
            }
        }
        finally
        {
            _store?.Dispose();
            if (_diskRoot is not null)
            {
                DeleteDiskRoot(_diskRoot);
            }
        }
    }

    private static void DeleteDiskRoot(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        // A test may leave a directory without its write or search bit.
        foreach (var directory in Directory.EnumerateDirectories(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Prepend(root))
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(root, recursive: true);
    }
}
