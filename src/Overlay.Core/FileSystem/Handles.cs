namespace Overlay.FileSystem;

/// <summary>The members that hand out or take an operating-system handle.</summary>
internal static class Handles
{
    public static NotSupportedException NotSupported() => new(
        "SafeFileHandle members are not supported by this overlay: the merged view's objects live in layers that are not all on the host disk, and a raw handle would bypass the overlay's copy-up and whiteout rules.");

    public static NotSupportedException NotYet(string member) => new(
        $"{member} is not supported by the overlay yet.");
}
