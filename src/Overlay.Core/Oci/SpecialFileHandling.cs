namespace Overlay.Oci;

/// <summary>
/// What a layer does with members a layer cannot hold: character and block devices and named pipes
/// (overlay layers hold files, directories, symbolic links and whiteouts only).
/// </summary>
public enum SpecialFileHandling
{
    /// <summary>Refuse the layer with an <see cref="InvalidDataException"/> naming the member (the default).</summary>
    Reject,

    /// <summary>Leave the member out of the layer, as an unprivileged extraction would.</summary>
    Skip,
}
