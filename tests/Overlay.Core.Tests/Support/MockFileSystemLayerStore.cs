using System.IO.Abstractions.TestingHelpers;
using Overlay.Layers;

namespace Overlay.Tests.Support;

/// <summary>
/// The mock backend: <see cref="FileSystemLayer"/>s over folders <c>/layers/top</c>,
/// <c>/layers/bottom</c>, <c>/layers/upper</c> and <c>/layers/work</c> of one
/// <see cref="MockFileSystem"/>, which lives as long as the store.
/// </summary>
/// <remarks>
/// Measured quirks of the mock, which the store works around when it writes the lowers:
/// <c>File.CreateSymbolicLink</c> refuses a target that does not exist (so links are made with
/// <c>Directory.CreateSymbolicLink</c>, which stores any target); <c>Directory.CreateDirectory(path,
/// mode)</c> throws <see cref="NotImplementedException"/> (so a directory is created, then given its
/// mode); its file streams ignore <c>UnixCreateMode</c>; a directory's mtime does not change when
/// its children do; and every read through its streams stamps the file's access time.
/// </remarks>
public sealed class MockFileSystemLayerStore : FileSystemLayerStore
{
    /// <summary>Creates an empty mock file system with the <c>/layers</c> folder.</summary>
    public MockFileSystemLayerStore()
        : base(new MockFileSystem(), "/layers")
    {
    }

    /// <inheritdoc />
    public override LayerBackend Backend => LayerBackend.MockFileSystem;

    /// <inheritdoc />
    public override AccessTimeCheck LowerAccessTimes => AccessTimeCheck.None;

    /// <inheritdoc />
    protected override FileSystemLayer OpenLower(string directory, string name) =>
        new(FileSystem, directory, new FileSystemLayerOptions { Name = name });

    /// <inheritdoc />
    protected override FileSystemLayer OpenUpper(string directory, string workDirectory) =>
        new(FileSystem, directory, new FileSystemLayerOptions { Name = "upper", WorkDirectory = workDirectory });
}
