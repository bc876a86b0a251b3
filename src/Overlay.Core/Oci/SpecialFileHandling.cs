namespace Overlay.Oci;

/// <summary>
/// What a layer tar's reader does with character and block devices, named pipes and sockets.
/// </summary>
public enum SpecialFileHandling
{
    /// <summary>Refuse the layer with an <see cref="InvalidDataException"/> naming the member.</summary>
    Reject,

    /// <summary>Leave the member out of the layer, as an unprivileged extraction would.</summary>
    Skip,

    /// <summary>
    /// Keep the member in the layer (the default): its kind, mode, owner and device numbers are
    /// served and exported as the tar has them; an extraction makes a real node where the process
    /// may (root), as Docker does.
    /// </summary>
    Keep,
}
