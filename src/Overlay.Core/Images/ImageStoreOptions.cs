using Overlay.Layers;

namespace Overlay.Images;

/// <summary>Settings of an <see cref="ImageStore"/>, fixed when it is opened.</summary>
public sealed record ImageStoreOptions
{
    /// <summary>
    /// For a store on disk, how its layer directories store whiteouts: the kernel's own form
    /// (character devices 0/0 and <c>trusted.overlay.opaque</c>, as overlay2's <c>diff/</c>
    /// directories hold them, which needs root on Linux), or the OCI form. By default the kernel
    /// form when the process runs privileged on Linux, the OCI form otherwise. A store keeps the
    /// form it was created with.
    /// </summary>
    public WhiteoutForm? WhiteoutForm { get; init; }

    /// <summary>
    /// For a store on disk: each new image layer reaches the disk before it is recorded (on Linux one
    /// <c>syncfs</c> of its file system, not a sync per file), metadata records are synced, and each
    /// copy-up in a container's layer is flushed before it becomes visible; <see langword="true"/> by default.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>For a store in memory, the root its GraphDriver paths name; <c>/var/lib/docker</c> by default.</summary>
    public string GraphRoot { get; init; } = "/var/lib/docker";

    /// <summary>The clock that stamps creation times and writes; the system clock by default.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
