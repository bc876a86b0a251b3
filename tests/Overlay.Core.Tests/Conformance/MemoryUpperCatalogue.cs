using System.Runtime.Versioning;

namespace Overlay.Tests.Conformance;

// The conformance suite on an overlay of MemoryLayers with an empty lower, the seed written through it into the upper.
// xunit runs every test a base class declares once more for each subclass here.

/// <summary><see cref="CurrentDirectoryTests"/> on MemoryLayer, seed in the upper.</summary>
[Collection(ProcessCurrentDirectory.Name)]
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_CurrentDirectoryTests() : CurrentDirectoryTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="DirectoryInfoTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_DirectoryInfoTests() : DirectoryInfoTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="DirectoryTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_DirectoryTests() : DirectoryTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="EdgeTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_EdgeTests() : EdgeTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="EnumerationTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_EnumerationTests() : EnumerationTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="ErrorTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_ErrorTests() : ErrorTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="FileAsyncTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_FileAsyncTests() : FileAsyncTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="FileCopyMoveTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_FileCopyMoveTests() : FileCopyMoveTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="FileInfoTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_FileInfoTests() : FileInfoTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="FileMetadataTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_FileMetadataTests() : FileMetadataTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="FileReadTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_FileReadTests() : FileReadTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="FileStreamTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_FileStreamTests() : FileStreamTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="FileWriteTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_FileWriteTests() : FileWriteTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="LinkMetadataTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_LinkMetadataTests() : LinkMetadataTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="LinkTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_LinkTests() : LinkTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="MoreFileTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_MoreFileTests() : MoreFileTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="PathTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_PathTests() : PathTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="TargetTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_TargetTests() : TargetTests(ConformanceTarget.MemoryUpper);

/// <summary><see cref="WatcherTests"/> on MemoryLayer, seed in the upper.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryUpper_WatcherTests() : WatcherTests(ConformanceTarget.MemoryUpper);
