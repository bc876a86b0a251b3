namespace Overlay.Tests.Support;

/// <summary>
/// Where a scenario's layers are stored. Every <see cref="OverlayScenario"/> test class runs on each
/// of them (the subclasses in <c>Backends/</c>): the same expectations, whatever holds the bytes.
/// A <see cref="LayerStore"/> of the backend materialises the lowers and makes the upper.
/// </summary>
public enum LayerBackend
{
    /// <summary><see cref="Overlay.Layers.MemoryLayer"/> lowers and upper (the original catalogue).</summary>
    Memory,

    /// <summary>
    /// <see cref="Overlay.Layers.HostDirectoryLayer"/> lowers and upper in a temporary folder of the
    /// real disk, the lowers written in OCI form.
    /// </summary>
    HostDirectory,

    /// <summary>
    /// <see cref="Overlay.Layers.FileSystemLayer"/> lowers and upper in one
    /// <c>System.IO.Abstractions.TestingHelpers.MockFileSystem</c>, the lowers written in OCI form.
    /// </summary>
    MockFileSystem,
}
