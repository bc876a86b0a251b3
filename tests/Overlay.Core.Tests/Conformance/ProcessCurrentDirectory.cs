namespace Overlay.Tests.Conformance;

/// <summary>
/// The collection of tests that change the process's current directory (through the real disk's
/// Directory.SetCurrentDirectory): they run one at a time, after the parallel tests, so no other
/// test resolves a relative path against a directory one of them set.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCurrentDirectory
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process current directory";
}
