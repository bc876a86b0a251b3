using Overlay.Tests.MergedView;
using Overlay.Tests.KernelScenarios;
using Overlay.Tests.Support;
using Overlay.Tests.Union;

namespace Overlay.Tests.Backends;

// The whole scenario catalogue on the real disk: HostDirectoryLayer lowers written in OCI form and
// an upper with its work directory under Path.GetTempPath()/overlay-tests/<guid>/ (LayerBackend.HostDirectory).
// xunit runs every test a base class declares once more for each subclass here.

/// <summary><see cref="ChangesTests"/> (Changes() and ResetUpper()) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_ChangesTests() : ChangesTests(LayerBackend.HostDirectory);

/// <summary><see cref="CopyUpTriggerTests"/> (what copies up and what does not) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_CopyUpTriggerTests() : CopyUpTriggerTests(LayerBackend.HostDirectory);

/// <summary><see cref="LookupTests"/> (the merged view before any write) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_LookupTests() : LookupTests(LayerBackend.HostDirectory);

/// <summary><see cref="LowerReadStreamTests"/> (read streams opened before a copy-up or an unlink) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_LowerReadStreamTests() : LowerReadStreamTests(LayerBackend.HostDirectory);

/// <summary><see cref="MkdirScenarioTests"/> (the mkdir family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_MkdirScenarioTests() : MkdirScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="OpenScenarioTests"/> (the open family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_OpenScenarioTests() : OpenScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="ReadLinkScenarioTests"/> (the readlink family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_ReadLinkScenarioTests() : ReadLinkScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="ReadOnlyOverlayTests"/> (an overlay without an upper) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_ReadOnlyOverlayTests() : ReadOnlyOverlayTests(LayerBackend.HostDirectory);

/// <summary><see cref="RecursiveDeleteScenarioTests"/> (recursive deletes) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_RecursiveDeleteScenarioTests() : RecursiveDeleteScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="RenameChainScenarioTests"/> (rename chains and rings) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_RenameChainScenarioTests() : RenameChainScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="RenameDirectoryScenarioTests"/> (the directory rename family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_RenameDirectoryScenarioTests() : RenameDirectoryScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="RenameFileScenarioTests"/> (the file rename family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_RenameFileScenarioTests() : RenameFileScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="RmdirScenarioTests"/> (the rmdir family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_RmdirScenarioTests() : RmdirScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="TraceTests"/> (the trace events) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_TraceTests() : TraceTests(LayerBackend.HostDirectory);

/// <summary><see cref="TruncateScenarioTests"/> (the truncate family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_TruncateScenarioTests() : TruncateScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="UnlinkScenarioTests"/> (the unlink family) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_UnlinkScenarioTests() : UnlinkScenarioTests(LayerBackend.HostDirectory);

/// <summary><see cref="FileCopyTests"/> (File.Copy) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_FileCopyTests() : FileCopyTests(LayerBackend.HostDirectory);

/// <summary><see cref="TrailingSlashTests"/> (trailing-slash variants of the file operations) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_TrailingSlashTests() : TrailingSlashTests(LayerBackend.HostDirectory);

/// <summary><see cref="UnixFileModeTests"/> (modes through the facade) on the host backend (HostDirectoryLayer folders on the real disk).</summary>
[Trait("Category", "Disk")]
public sealed class HostDirectory_UnixFileModeTests() : UnixFileModeTests(LayerBackend.HostDirectory);

/// <summary>
/// The 400 kernel-recorded sequences (<see cref="OverlayKernelScenarioTests"/>) on HostDirectoryLayer lowers
/// written to disk in OCI form and a HostDirectoryLayer upper.
/// </summary>
/// <param name="catalog">The shared scenarios.</param>
[Trait("Category", "Disk")]
public sealed class HostDirectory_OverlayKernelScenarioTests(KernelScenarioCatalog catalog) : OverlayKernelScenarioTests(catalog, LayerBackend.HostDirectory)
{
    /// <summary>Every fourth scenario in the fast lane, all of them in the deep lane (<see cref="TestLane"/>).</summary>
    public static new TheoryData<int> Seeds() => new(KernelScenarioLoader.LoadShared().Select(s => s.Seed).Where((_, i) => TestLane.IsDeep || i % 4 == 0));
}
