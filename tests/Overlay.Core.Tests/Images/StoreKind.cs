namespace Overlay.Tests.Images;

/// <summary>Which image store a test runs on.</summary>
public enum StoreKind
{
    /// <summary>ImageStore.CreateInMemory.</summary>
    Memory,

    /// <summary>ImageStore.Open on a temporary directory (overlay2's layout).</summary>
    Disk,
}
