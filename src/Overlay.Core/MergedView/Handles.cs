namespace Overlay.MergedView;

/// <summary>The members that hand out or take an operating-system handle.</summary>
internal static class Handles
{
    /// <summary>Why an object that is not on the host disk has no handle.</summary>
    public static NotSupportedException NotOnHostDisk(string path) => new(
        $"'{path}' has no operating-system handle: the overlay layer that holds it does not keep its files on the host disk (SafeFileHandle members work only on objects of host-directory layers).");
}
