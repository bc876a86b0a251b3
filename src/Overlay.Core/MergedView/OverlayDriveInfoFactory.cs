using System.IO.Abstractions;

namespace Overlay.MergedView;

/// <summary>
/// <see cref="IDriveInfoFactory"/>: the merged view is one drive, named "/", whose sizes are those
/// of the storage the upper writes to.
/// </summary>
internal sealed class OverlayDriveInfoFactory(OverlayFileSystem fileSystem) : IDriveInfoFactory
{
    public IFileSystem FileSystem => fileSystem;

    public IDriveInfo[] GetDrives() => [New("/")];

    // DriveInfo on Linux takes any path as a drive name and checks it only when asked: a name that
    // is not a directory gives a drive that is not ready, whose members throw DriveNotFoundException.
    public IDriveInfo New(string driveName)
    {
        ArgumentNullException.ThrowIfNull(driveName);
        if (driveName.Length == 0)
        {
            throw new ArgumentException("Drive name must not be empty.", nameof(driveName));
        }

        return new OverlayDriveInfo(fileSystem, driveName);
    }

    // A drive of the host names the same path of the merged view: "/" is the overlay's drive.
    public IDriveInfo? Wrap(DriveInfo? driveInfo) => driveInfo is null ? null : New(driveInfo.Name);
}
