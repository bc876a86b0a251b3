using System.Runtime.Versioning;

namespace Overlay.Tests.Conformance;

// The conformance suite on an overlay of MemoryLayers whose seed lives in two lowers.
// xunit runs every test a base class declares once more for each subclass here.

/// <summary><see cref="CurrentDirectoryTests"/> on MemoryLayer, seed in the lowers.</summary>
[Collection(ProcessCurrentDirectory.Name)]
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_CurrentDirectoryTests() : CurrentDirectoryTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="DirectoryInfoTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_DirectoryInfoTests() : DirectoryInfoTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="DirectoryTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_DirectoryTests() : DirectoryTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="EdgeTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_EdgeTests() : EdgeTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="EnumerationTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_EnumerationTests() : EnumerationTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="ErrorTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_ErrorTests() : ErrorTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="FileAsyncTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_FileAsyncTests() : FileAsyncTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="FileCopyMoveTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_FileCopyMoveTests() : FileCopyMoveTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="FileInfoTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_FileInfoTests() : FileInfoTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="FileMetadataTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_FileMetadataTests() : FileMetadataTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="FileReadTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_FileReadTests() : FileReadTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="FileStreamTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_FileStreamTests() : FileStreamTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="FileWriteTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_FileWriteTests() : FileWriteTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="LinkMetadataTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_LinkMetadataTests() : LinkMetadataTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="LinkTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_LinkTests() : LinkTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="MoreFileTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_MoreFileTests() : MoreFileTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="PathTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_PathTests() : PathTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="TargetTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_TargetTests() : TargetTests(ConformanceTarget.MemoryLowers);

/// <summary><see cref="WatcherTests"/> on MemoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
public sealed class MemoryLowers_WatcherTests() : WatcherTests(ConformanceTarget.MemoryLowers);
