namespace Overlay.Oci.Model;

/// <summary>What a tar member is (its ustar typeflag, after PAX and GNU extension headers are applied).</summary>
public enum TarMemberType
{
    /// <summary>A regular file (typeflag '0', NUL, or '7' contiguous).</summary>
    RegularFile,

    /// <summary>A hard link to an earlier member (typeflag '1'); its target is <see cref="TarMember.LinkName"/>.</summary>
    HardLink,

    /// <summary>A symbolic link (typeflag '2'); its target is <see cref="TarMember.LinkName"/>.</summary>
    SymbolicLink,

    /// <summary>A character device (typeflag '3').</summary>
    CharacterDevice,

    /// <summary>A block device (typeflag '4').</summary>
    BlockDevice,

    /// <summary>A directory (typeflag '5').</summary>
    Directory,

    /// <summary>A named pipe (typeflag '6').</summary>
    Fifo,
}
