namespace Overlay.Tests.Conformance;

/// <summary>
/// What a conformance test runs against. Every test of the suite runs once per target (the
/// subclasses in the <c>*Catalogue.cs</c> files) and asserts the same outcome on each: the real
/// disk shows the expectation is System.IO's, the overlays show they behave alike.
/// </summary>
public enum ConformanceTarget
{
    /// <summary>The real disk, through <see cref="System.IO.Abstractions.FileSystem"/>, in a temporary directory that stands for the merged view's root.</summary>
    Disk,

    /// <summary>An overlay of <see cref="Overlay.Layers.MemoryLayer"/>s with an empty lower: the starting content is written through the overlay into the upper.</summary>
    MemoryUpper,

    /// <summary>An overlay of <see cref="Overlay.Layers.MemoryLayer"/>s whose starting content lives in two lowers: every write is a copy-up, every delete a whiteout.</summary>
    MemoryLowers,

    /// <summary>As <see cref="MemoryUpper"/>, on <see cref="Overlay.Layers.HostDirectoryLayer"/> folders of the real disk.</summary>
    HostUpper,

    /// <summary>As <see cref="MemoryLowers"/>, on <see cref="Overlay.Layers.HostDirectoryLayer"/> folders of the real disk (the lowers in OCI form).</summary>
    HostLowers,
}
