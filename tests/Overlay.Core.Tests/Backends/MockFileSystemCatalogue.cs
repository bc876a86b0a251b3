using Overlay.Tests.MergedView;
using Overlay.Tests.Support;
using Overlay.Tests.Union;

namespace Overlay.Tests.Backends;

// The whole scenario catalogue on System.IO.Abstractions' MockFileSystem: FileSystemLayer lowers
// written in OCI form and an upper with its work directory under /layers (LayerBackend.MockFileSystem).
// xunit runs every test a base class declares once more for each subclass here.

/// <summary><see cref="ChangesTests"/> (Changes() and ResetUpper()) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_ChangesTests() : ChangesTests(LayerBackend.MockFileSystem);

/// <summary><see cref="CopyUpTriggerTests"/> (what copies up and what does not) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_CopyUpTriggerTests() : CopyUpTriggerTests(LayerBackend.MockFileSystem);

/// <summary><see cref="LookupTests"/> (the merged view before any write) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_LookupTests() : LookupTests(LayerBackend.MockFileSystem);

/// <summary><see cref="LowerReadStreamTests"/> (read streams opened before a copy-up or an unlink) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_LowerReadStreamTests() : LowerReadStreamTests(LayerBackend.MockFileSystem);

/// <summary><see cref="MkdirScenarioTests"/> (the mkdir family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_MkdirScenarioTests() : MkdirScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="OpenScenarioTests"/> (the open family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_OpenScenarioTests() : OpenScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="ReadLinkScenarioTests"/> (the readlink family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_ReadLinkScenarioTests() : ReadLinkScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="ReadOnlyOverlayTests"/> (an overlay without an upper) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_ReadOnlyOverlayTests() : ReadOnlyOverlayTests(LayerBackend.MockFileSystem);

/// <summary><see cref="RecursiveDeleteScenarioTests"/> (recursive deletes) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_RecursiveDeleteScenarioTests() : RecursiveDeleteScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="RenameChainScenarioTests"/> (rename chains and rings) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_RenameChainScenarioTests() : RenameChainScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="RenameDirectoryScenarioTests"/> (the directory rename family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_RenameDirectoryScenarioTests() : RenameDirectoryScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="RenameFileScenarioTests"/> (the file rename family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_RenameFileScenarioTests() : RenameFileScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="RmdirScenarioTests"/> (the rmdir family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_RmdirScenarioTests() : RmdirScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="TraceTests"/> (the trace events) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_TraceTests() : TraceTests(LayerBackend.MockFileSystem);

/// <summary><see cref="TruncateScenarioTests"/> (the truncate family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_TruncateScenarioTests() : TruncateScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="UnlinkScenarioTests"/> (the unlink family) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_UnlinkScenarioTests() : UnlinkScenarioTests(LayerBackend.MockFileSystem);

/// <summary><see cref="FileCopyTests"/> (File.Copy) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_FileCopyTests() : FileCopyTests(LayerBackend.MockFileSystem);

/// <summary><see cref="TrailingSlashTests"/> (trailing-slash variants of the file operations) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_TrailingSlashTests() : TrailingSlashTests(LayerBackend.MockFileSystem);

/// <summary><see cref="UnixFileModeTests"/> (modes through the facade) on the mock backend (FileSystemLayer folders of one MockFileSystem).</summary>
public sealed class MockFileSystem_UnixFileModeTests() : UnixFileModeTests(LayerBackend.MockFileSystem);
