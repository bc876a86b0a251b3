namespace Overlay.Tests.KernelScenarios;

/// <summary>The kind of one entry of a recorded lower layer (<c>kind</c> in the jsonl).</summary>
public enum ScenarioEntryKind
{
    /// <summary><c>file</c>: a regular file, mode 0644, mtime 2000-01-01T00:00:00Z; data is its content.</summary>
    File,

    /// <summary><c>dir</c>: a directory, mode 0755.</summary>
    Directory,

    /// <summary><c>symlink</c>: a symbolic link; data is its (relative) target.</summary>
    Symlink,

    /// <summary><c>whiteout</c>: a whiteout of a name that exists in a layer below.</summary>
    Whiteout,

    /// <summary><c>opaque-dir</c>: a directory, mode 0755, marked opaque (hides the layers below).</summary>
    OpaqueDirectory,
}
