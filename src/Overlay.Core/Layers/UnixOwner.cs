using System.Globalization;

namespace Overlay.Layers;

/// <summary>The numeric owner of a file: its user id and group id, as <c>stat(2)</c> reports them.</summary>
/// <param name="UserId">The owner's user id (<c>st_uid</c>).</param>
/// <param name="GroupId">The owner's group id (<c>st_gid</c>).</param>
public readonly record struct UnixOwner(int UserId, int GroupId)
{
    /// <summary>root:root (0:0), the owner of what a layer says nothing about.</summary>
    public static UnixOwner Root => default;

    /// <summary>The owner as <c>uid:gid</c>, as <c>stat -c %u:%g</c> prints it.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        UserId.ToString(CultureInfo.InvariantCulture) + ":" + GroupId.ToString(CultureInfo.InvariantCulture);
}
