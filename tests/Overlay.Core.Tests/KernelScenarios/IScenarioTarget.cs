using System.IO.Abstractions;

namespace Overlay.Tests.KernelScenarios;

/// <summary>
/// Something a kernel scenario can be replayed on: an overlay whose lower layers are the
/// scenario's <see cref="KernelScenario.LowersTopFirst"/> and whose upper layer starts empty,
/// reached through an <see cref="IFileSystem"/>. Built by a <see cref="ScenarioTargetFactory"/>.
/// </summary>
public interface IScenarioTarget : IDisposable
{
    /// <summary>The file system the operations and the merged walk go through.</summary>
    IFileSystem FileSystem { get; }

    /// <summary>
    /// The absolute path, in <see cref="FileSystem"/>, of the overlay root: <c>/</c> for the
    /// library's overlay, the mount point for the kernel. Recorded paths are appended to it.
    /// </summary>
    string Root { get; }

    /// <summary>
    /// The upper layer's current state, logically, in <see cref="TreeLines"/> format: every
    /// entry (<c>d</c>, <c>f</c>, <c>l</c>), <c>w</c> for a whiteout, <c>opaque</c> after an opaque
    /// directory's <c>d</c> line; no implementation-private metadata. Any order (the replayer sorts).
    /// </summary>
    IReadOnlyList<string> DumpUpper();
}
