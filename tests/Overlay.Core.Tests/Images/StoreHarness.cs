using Overlay.Images;

namespace Overlay.Tests.Images;

/// <summary>
/// A store of either kind with the fixtures' base image in it, imported from <c>image.tar</c>'s base
/// layer; a disk store lives in a temporary directory.
/// </summary>
internal sealed class StoreHarness : IDisposable
{
    public const string BaseTag = "dockres/base:1";

    private StoreHarness(StoreKind kind)
    {
        Kind = kind;
        if (kind == StoreKind.Disk)
        {
            Root = System.IO.Directory.CreateTempSubdirectory("overlay-test-images-").FullName;
        }

        Store = Open();
        using var archive = ImageArchiveFixture.OpenBaseLayer();
        BaseImage = Store.AddImage([archive.BaseLayer], [archive.BaseDiffId], BaseTag);
    }

    public StoreKind Kind { get; }

    public string? Root { get; }

    public ImageStore Store { get; private set; }

    public Image BaseImage { get; }

    public static StoreHarness Create(StoreKind kind) => new(kind);

    /// <summary>For a disk store: closes it and opens the directory again, as a new process would.</summary>
    public void Reopen()
    {
        if (Kind == StoreKind.Disk)
        {
            Store.Dispose();
            Store = Open();
        }
    }

    public void Dispose()
    {
        Store.Dispose();
        if (Root is not null)
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
    }

    private ImageStore Open() => Kind == StoreKind.Memory
        ? ImageStore.CreateInMemory()
        : ImageStore.Open(Root!, new ImageStoreOptions { Durable = false });
}
