using System.Runtime.Versioning;
using System.IO.Abstractions;
using Overlay.Tests.Support;

namespace Overlay.Tests.Conformance;

/// <summary>
/// The base of every conformance test class: a fresh <see cref="ConformanceFileSystem"/> with the
/// <see cref="ConformanceSeed"/> per test on the subclass's target, and helpers that make the
/// targets' answers comparable (<see cref="P"/>, <see cref="U"/>, <see cref="Of(Action)"/>).
/// </summary>
[SupportedOSPlatform("linux")]
public abstract class ConformanceTests : IDisposable
{
    /// <summary>Opens the target.</summary>
    /// <param name="target">What the tests run against.</param>
    protected ConformanceTests(ConformanceTarget target)
    {
        Sut = ConformanceFileSystem.Create(target);
    }

    /// <summary>The file system under test and its mapping.</summary>
    protected ConformanceFileSystem Sut { get; }

    /// <summary>The target.</summary>
    protected ConformanceTarget Target => Sut.Target;

    /// <summary>The file system under test.</summary>
    protected IFileSystem Fs => Sut.Fs;

    /// <summary>Whether the target is the real disk.</summary>
    protected bool IsDisk => Sut.Target == ConformanceTarget.Disk;

    /// <summary>Whether the seed lives in the lowers (so writes copy up and deletes white out).</summary>
    protected bool SeedInLowers => Sut.Target is ConformanceTarget.MemoryLowers or ConformanceTarget.HostLowers;

    /// <summary>Maps a merged path to the target's.</summary>
    /// <param name="path">The merged path.</param>
    /// <returns>The target's path.</returns>
    protected string P(string path) => Sut.P(path);

    /// <summary>Maps a target's path back to the merged view's.</summary>
    /// <param name="path">The target's path.</param>
    /// <returns>The merged path.</returns>
    protected string? U(string? path) => Sut.Unmap(path);

    /// <summary>The merged paths of a target's paths, sorted ordinally (enumerations are compared as sets).</summary>
    /// <param name="paths">The target's paths.</param>
    /// <returns>The merged paths, sorted.</returns>
    protected string[] Set(IEnumerable<string> paths) => [.. paths.Select(p => U(p)!).Order(StringComparer.Ordinal)];

    /// <summary>
    /// An info's <see cref="IFileSystemInfo.UnixFileMode"/>. On the disk it is read through System.IO
    /// itself: System.IO.Abstractions' wrapper does not forward the property (it reads 0 and ignores a
    /// set), a gap of the wrapper, not of System.IO.
    /// </summary>
    /// <param name="info">The info.</param>
    /// <returns>Its mode.</returns>
    protected UnixFileMode ModeOf(IFileSystemInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return !IsDisk ? info.UnixFileMode
            : info is IDirectoryInfo ? new DirectoryInfo(info.FullName).UnixFileMode : new FileInfo(info.FullName).UnixFileMode;
    }

    /// <summary>Sets an info's <see cref="IFileSystemInfo.UnixFileMode"/> (on the disk through System.IO itself, see <see cref="ModeOf"/>).</summary>
    /// <param name="info">The info.</param>
    /// <param name="mode">The mode.</param>
    protected void SetModeOf(IFileSystemInfo info, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!IsDisk)
        {
            info.UnixFileMode = mode;
        }
        else if (info is IDirectoryInfo)
        {
            new DirectoryInfo(info.FullName).UnixFileMode = mode;
        }
        else
        {
            new FileInfo(info.FullName).UnixFileMode = mode;
        }
    }

    /// <summary>What an action did: <c>ok</c> or <c>EX Type hr=N</c>.</summary>
    /// <param name="action">The call.</param>
    /// <returns>The outcome.</returns>
    protected static string Of(Action action) => Outcome.Of(action);

    /// <summary>What a function did, with its value (paths mapped back to the merged view).</summary>
    /// <param name="function">The call.</param>
    /// <returns>The outcome.</returns>
    protected string Of(Func<object?> function) => Outcome.Of(() =>
    {
        object? value = function();
        return value is string s ? U(s) : value;
    });

    /// <summary>Checks the lowers and deletes the storage.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks the lowers and deletes the storage.</summary>
    /// <param name="disposing">Called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Sut.Dispose();
        }
    }
}
