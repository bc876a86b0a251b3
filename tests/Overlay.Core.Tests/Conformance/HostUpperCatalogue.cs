using System.Runtime.Versioning;

namespace Overlay.Tests.Conformance;

// The conformance suite on an overlay of HostDirectoryLayer folders with an empty lower, the seed written through it into the upper.
// xunit runs every test a base class declares once more for each subclass here.

/// <summary><see cref="CurrentDirectoryTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[Collection(ProcessCurrentDirectory.Name)]
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_CurrentDirectoryTests() : CurrentDirectoryTests(ConformanceTarget.HostUpper);

/// <summary><see cref="DirectoryInfoTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_DirectoryInfoTests() : DirectoryInfoTests(ConformanceTarget.HostUpper);

/// <summary><see cref="DirectoryTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_DirectoryTests() : DirectoryTests(ConformanceTarget.HostUpper);

/// <summary><see cref="EdgeTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_EdgeTests() : EdgeTests(ConformanceTarget.HostUpper);

/// <summary><see cref="EnumerationTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_EnumerationTests() : EnumerationTests(ConformanceTarget.HostUpper);

/// <summary><see cref="ErrorTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_ErrorTests() : ErrorTests(ConformanceTarget.HostUpper);

/// <summary><see cref="FileAsyncTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_FileAsyncTests() : FileAsyncTests(ConformanceTarget.HostUpper);

/// <summary><see cref="FileCopyMoveTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_FileCopyMoveTests() : FileCopyMoveTests(ConformanceTarget.HostUpper);

/// <summary><see cref="FileInfoTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_FileInfoTests() : FileInfoTests(ConformanceTarget.HostUpper);

/// <summary><see cref="FileMetadataTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_FileMetadataTests() : FileMetadataTests(ConformanceTarget.HostUpper);

/// <summary><see cref="FileReadTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_FileReadTests() : FileReadTests(ConformanceTarget.HostUpper);

/// <summary><see cref="FileStreamTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_FileStreamTests() : FileStreamTests(ConformanceTarget.HostUpper);

/// <summary><see cref="FileWriteTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_FileWriteTests() : FileWriteTests(ConformanceTarget.HostUpper);

/// <summary><see cref="LinkMetadataTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[Trait("Category", "Disk")]
[SupportedOSPlatform("linux")]
public sealed class HostUpper_LinkMetadataTests() : LinkMetadataTests(ConformanceTarget.HostUpper);

/// <summary><see cref="LinkTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_LinkTests() : LinkTests(ConformanceTarget.HostUpper);

/// <summary><see cref="MoreFileTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_MoreFileTests() : MoreFileTests(ConformanceTarget.HostUpper);

/// <summary><see cref="PathTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_PathTests() : PathTests(ConformanceTarget.HostUpper);

/// <summary><see cref="TargetTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_TargetTests() : TargetTests(ConformanceTarget.HostUpper);

/// <summary><see cref="WatcherTests"/> on HostDirectoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostUpper_WatcherTests() : WatcherTests(ConformanceTarget.HostUpper);
