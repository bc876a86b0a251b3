using System.IO.Abstractions;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// A trivial target for scenarios without lower layers: an overlay whose only layer is its upper
/// is just that directory, so the upper's dump is the merged dump. A real temp directory
/// (<c>overlay-test-plain-*</c>) reached through the real-disk <see cref="System.IO.Abstractions.FileSystem"/>;
/// needs no mount, so it checks the replayer itself anywhere (on Linux it sets the process umask to
/// the recording's 022, as <see cref="KernelMountTarget"/> does).
/// </summary>
public sealed class PlainDirectoryTarget : IScenarioTarget
{
    /// <summary>Creates an empty temp directory; the scenario must have no lower layers.</summary>
    public PlainDirectoryTarget(KernelScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.LowersTopFirst.Any(layer => layer.Count > 0))
        {
            throw new ArgumentException("A plain directory target has no lower layers.", nameof(scenario));
        }

        if (OperatingSystem.IsLinux())
        {
            LinuxNative.EnsureRecordedUmask();
        }

        Root = Directory.CreateTempSubdirectory("overlay-test-plain-").FullName;
    }

    /// <inheritdoc />
    public IFileSystem FileSystem { get; } = new System.IO.Abstractions.FileSystem();

    /// <inheritdoc />
    public string Root { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> DumpUpper() => MergedTreeDumper.Dump(FileSystem, Root);

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <inheritdoc />
    public override string ToString() => $"plain directory {Root}";
}
