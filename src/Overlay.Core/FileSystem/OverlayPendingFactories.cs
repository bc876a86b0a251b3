using System.IO.Abstractions;

namespace Overlay.FileSystem;

/// <summary>
/// The members of <see cref="IFileSystem"/> a later version of the overlay supplies (drive info,
/// version info); until then each throws <see cref="NotSupportedException"/> saying so.
/// </summary>
internal sealed class OverlayPendingFactories(OverlayFileSystem fileSystem) : IDriveInfoFactory, IFileVersionInfoFactory
{
    public IFileSystem FileSystem => fileSystem;

    global::System.IO.Abstractions.IDriveInfo[] global::System.IO.Abstractions.IDriveInfoFactory.GetDrives() => throw Handles.NotYet("IDriveInfoFactory.GetDrives");
    global::System.IO.Abstractions.IDriveInfo global::System.IO.Abstractions.IDriveInfoFactory.New(global::System.String driveName) => throw Handles.NotYet("IDriveInfoFactory.New");
    global::System.IO.Abstractions.IDriveInfo? global::System.IO.Abstractions.IDriveInfoFactory.Wrap(global::System.IO.DriveInfo? driveInfo) => throw Handles.NotYet("IDriveInfoFactory.Wrap");
    global::System.IO.Abstractions.IFileVersionInfo global::System.IO.Abstractions.IFileVersionInfoFactory.GetVersionInfo(global::System.String fileName) => throw Handles.NotYet("IFileVersionInfoFactory.GetVersionInfo");
}
