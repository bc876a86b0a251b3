using System.Globalization;

namespace Overlay.Layers;

/// <summary>The device a character or block device node stands for (<c>st_rdev</c>).</summary>
/// <param name="Major">The major number (the driver).</param>
/// <param name="Minor">The minor number (the device of that driver).</param>
public readonly record struct UnixDeviceNumber(int Major, int Minor)
{
    /// <summary>The numbers as <c>major,minor</c>, as <c>ls -l</c> prints them.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        Major.ToString(CultureInfo.InvariantCulture) + "," + Minor.ToString(CultureInfo.InvariantCulture);
}
