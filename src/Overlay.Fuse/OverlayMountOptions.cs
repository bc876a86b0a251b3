namespace Overlay.Fuse;

/// <summary>How <see cref="OverlayMount.Mount"/> mounts an overlay.</summary>
public sealed record OverlayMountOptions
{
    /// <summary>
    /// The FUSE subtype: the mount appears as type <c>fuse.</c> followed by this in /proc/mounts and
    /// mount(8). <c>overlaynet</c> by default, the type the mount helper answers to.
    /// </summary>
    public string FileSystemType { get; init; } = "overlaynet";

    /// <summary>The mount's source, as mount(8) lists it; <c>overlay</c> by default.</summary>
    public string Source { get; init; } = "overlay";

    /// <summary>How many threads read requests from the kernel; 4 by default.</summary>
    public int Threads { get; init; } = 4;

    /// <summary>
    /// How long the kernel may cache names, attributes and file data before asking again; one hour
    /// by default. A change made through the mount is seen by the kernel itself, so only a change
    /// behind its back can make the cache stale: one made through the overlay's own API, or to a
    /// layer. Call <see cref="OverlayMount.Invalidate"/> after the first and
    /// <see cref="OverlayMount.InvalidateIndex"/> after the second for the change to be seen at
    /// once; without the call it is seen when the cache expires. Names found missing are
    /// remembered for at most a second, whatever this says.
    /// </summary>
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Let users other than the mounting one use the mount (<c>allow_other</c>); <see langword="true"/>
    /// by default. Without root it takes effect only where /etc/fuse.conf has <c>user_allow_other</c>.
    /// </summary>
    public bool AllowOther { get; init; } = true;

    /// <summary>
    /// The owner reported for objects of layers that keep no owners (a layer over a storage without
    /// unix metadata); the mounting process's effective user when <see langword="null"/>. Objects
    /// of layers that keep owners are reported with their own.
    /// </summary>
    public uint? OwnerUserId { get; init; }

    /// <summary>The group reported for objects of layers that keep no owners; the mounting process's effective group when <see langword="null"/>.</summary>
    public uint? OwnerGroupId { get; init; }

    /// <summary>
    /// Start a small watchdog process (a shell) that, should the mounting process end without
    /// unmounting (kill -9, a crash), aborts the connection and detaches the mount, so no dead
    /// mount is left behind; <see langword="true"/> by default. Without it the mount answers
    /// ENOTCONN to every access until someone unmounts it.
    /// </summary>
    public bool UnmountWhenProcessDies { get; init; } = true;
}
