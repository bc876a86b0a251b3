using System.Runtime.Versioning;

namespace Overlay.Tests.Conformance;

// The conformance suite on an overlay of HostDirectoryLayer folders whose seed lives in two lowers (OCI form).
// xunit runs every test a base class declares once more for each subclass here.

/// <summary><see cref="CurrentDirectoryTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[Collection(ProcessCurrentDirectory.Name)]
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_CurrentDirectoryTests() : CurrentDirectoryTests(ConformanceTarget.HostLowers);

/// <summary><see cref="DirectoryInfoTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_DirectoryInfoTests() : DirectoryInfoTests(ConformanceTarget.HostLowers);

/// <summary><see cref="DirectoryTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_DirectoryTests() : DirectoryTests(ConformanceTarget.HostLowers);

/// <summary><see cref="EdgeTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_EdgeTests() : EdgeTests(ConformanceTarget.HostLowers);

/// <summary><see cref="EnumerationTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_EnumerationTests() : EnumerationTests(ConformanceTarget.HostLowers);

/// <summary><see cref="ErrorTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_ErrorTests() : ErrorTests(ConformanceTarget.HostLowers);

/// <summary><see cref="FileAsyncTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_FileAsyncTests() : FileAsyncTests(ConformanceTarget.HostLowers);

/// <summary><see cref="FileCopyMoveTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_FileCopyMoveTests() : FileCopyMoveTests(ConformanceTarget.HostLowers);

/// <summary><see cref="FileInfoTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_FileInfoTests() : FileInfoTests(ConformanceTarget.HostLowers);

/// <summary><see cref="FileMetadataTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_FileMetadataTests() : FileMetadataTests(ConformanceTarget.HostLowers);

/// <summary><see cref="FileReadTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_FileReadTests() : FileReadTests(ConformanceTarget.HostLowers);

/// <summary><see cref="FileStreamTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_FileStreamTests() : FileStreamTests(ConformanceTarget.HostLowers);

/// <summary><see cref="FileWriteTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_FileWriteTests() : FileWriteTests(ConformanceTarget.HostLowers);

/// <summary><see cref="LinkMetadataTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[Trait("Category", "Disk")]
[SupportedOSPlatform("linux")]
public sealed class HostLowers_LinkMetadataTests() : LinkMetadataTests(ConformanceTarget.HostLowers);

/// <summary><see cref="LinkTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_LinkTests() : LinkTests(ConformanceTarget.HostLowers);

/// <summary><see cref="MoreFileTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_MoreFileTests() : MoreFileTests(ConformanceTarget.HostLowers);

/// <summary><see cref="PathTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_PathTests() : PathTests(ConformanceTarget.HostLowers);

/// <summary><see cref="TargetTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_TargetTests() : TargetTests(ConformanceTarget.HostLowers);

/// <summary><see cref="WatcherTests"/> on HostDirectoryLayer, seed in the lowers.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class HostLowers_WatcherTests() : WatcherTests(ConformanceTarget.HostLowers);
