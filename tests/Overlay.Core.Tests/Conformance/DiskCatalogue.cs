using System.Runtime.Versioning;

namespace Overlay.Tests.Conformance;

// The conformance suite on a temporary directory of the real disk through System.IO.Abstractions' FileSystem.
// xunit runs every test a base class declares once more for each subclass here.

/// <summary><see cref="CurrentDirectoryTests"/> on the real disk.</summary>
[Collection(ProcessCurrentDirectory.Name)]
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_CurrentDirectoryTests() : CurrentDirectoryTests(ConformanceTarget.Disk);

/// <summary><see cref="DirectoryInfoTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_DirectoryInfoTests() : DirectoryInfoTests(ConformanceTarget.Disk);

/// <summary><see cref="DirectoryTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_DirectoryTests() : DirectoryTests(ConformanceTarget.Disk);

/// <summary><see cref="EdgeTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_EdgeTests() : EdgeTests(ConformanceTarget.Disk);

/// <summary><see cref="EnumerationTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_EnumerationTests() : EnumerationTests(ConformanceTarget.Disk);

/// <summary><see cref="ErrorTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_ErrorTests() : ErrorTests(ConformanceTarget.Disk);

/// <summary><see cref="FileAsyncTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_FileAsyncTests() : FileAsyncTests(ConformanceTarget.Disk);

/// <summary><see cref="FileCopyMoveTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_FileCopyMoveTests() : FileCopyMoveTests(ConformanceTarget.Disk);

/// <summary><see cref="FileInfoTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_FileInfoTests() : FileInfoTests(ConformanceTarget.Disk);

/// <summary><see cref="FileMetadataTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_FileMetadataTests() : FileMetadataTests(ConformanceTarget.Disk);

/// <summary><see cref="FileReadTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_FileReadTests() : FileReadTests(ConformanceTarget.Disk);

/// <summary><see cref="FileStreamTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_FileStreamTests() : FileStreamTests(ConformanceTarget.Disk);

/// <summary><see cref="FileWriteTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_FileWriteTests() : FileWriteTests(ConformanceTarget.Disk);

/// <summary><see cref="LinkMetadataTests"/> on the real disk.</summary>
[Trait("Category", "Disk")]
[SupportedOSPlatform("linux")]
public sealed class Disk_LinkMetadataTests() : LinkMetadataTests(ConformanceTarget.Disk);

/// <summary><see cref="LinkTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_LinkTests() : LinkTests(ConformanceTarget.Disk);

/// <summary><see cref="MoreFileTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_MoreFileTests() : MoreFileTests(ConformanceTarget.Disk);

/// <summary><see cref="PathTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_PathTests() : PathTests(ConformanceTarget.Disk);

/// <summary><see cref="TargetTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_TargetTests() : TargetTests(ConformanceTarget.Disk);

/// <summary><see cref="WatcherTests"/> on the real disk.</summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
public sealed class Disk_WatcherTests() : WatcherTests(ConformanceTarget.Disk);
