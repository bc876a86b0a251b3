using Overlay.Images;
using Overlay.Oci;

namespace Overlay.Tests.Oci.Export;

/// <summary>
/// What <see cref="DockerDebianComparisonTests"/> shares, made on first use: one private dockerd,
/// the cached Debian root file system tarred as image tools tar it, Docker's <c>docker import</c>
/// of that tar, and the library's import of it into an on-disk <see cref="ImageStore"/> (kernel
/// whiteout form: the layer extracted to a directory, as Docker's overlay2 holds it).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianDockerFixture : IDisposable
{
    internal const string DockerImported = "overlay-test/debian:docker-import";
    internal const string LibraryImported = "overlay-test/debian:library-import";

    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-debiandocker-").FullName;
    private readonly Lazy<DockerDaemon> _docker = new(DockerDaemon.StartOrSkip, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Lazy<string> _tar;
    private readonly Lazy<string> _dockerImport;
    private readonly Lazy<ImageStore> _store;

    /// <summary>Makes nothing yet: each part is made when a test first asks for it (or skips then).</summary>
    public DebianDockerFixture()
    {
        _tar = new(() =>
        {
            string tar = Path.Combine(_root, "rootfs.tar");
            ExportTestSupport.Run("tar", ["--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls", "-cpf", tar, "-C", DebianRootfs.GetOrSkip(), "."], TimeSpan.FromMinutes(5));
            return tar;
        });
        _dockerImport = new(() =>
        {
            Docker.Client(["import", Tar, DockerImported], TimeSpan.FromMinutes(5));
            return DockerImported;
        });
        _store = new(() =>
        {
            var store = ImageStore.Open(Path.Combine(_root, "store"));
            using var layer = TarLayer.Open(Tar, cancellationToken: TestContext.Current.CancellationToken);
            store.AddImage([layer], [layer.ComputeDiffId().ToString()], LibraryImported, cancellationToken: TestContext.Current.CancellationToken);
            return store;
        });
    }

    /// <summary>A directory for the tests' own files, removed with the fixture.</summary>
    internal string Root => _root;

    internal DockerDaemon Docker => _docker.Value;

    /// <summary>The rootfs tar: <c>tar --numeric-owner --xattrs --xattrs-include=* --acls</c>.</summary>
    internal string Tar => _tar.Value;

    /// <summary>The tag of <c>docker import</c> of <see cref="Tar"/>.</summary>
    internal string DockerImport => _dockerImport.Value;

    /// <summary>The library's store holding <see cref="Tar"/> as the image <see cref="LibraryImported"/>.</summary>
    internal ImageStore Store => _store.Value;

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }

        if (_docker.IsValueCreated)
        {
            _docker.Value.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }
}
