using Overlay.Layers;
using Overlay.Paths;

namespace Overlay.Images;

/// <summary>
/// A container of an <see cref="ImageStore"/>: its image's layers and its init layer as lowers, its
/// own writable layer as the upper, and the merged view as an <see cref="System.IO.Abstractions.IFileSystem"/>
/// (<see cref="FileSystem"/>). Open until disposed; its writes stay in the store and are there
/// again when it is opened by id.
/// </summary>
public sealed class Container : IDisposable
{
    // A container's processes run as root unless told otherwise: what they create is owned 0:0.
    private static readonly OverlayOptions ViewOptions = new() { Umask = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite, Owner = UnixOwner.Root };

    // A link's own mode, as lstat gives it on Linux and Docker writes it.

    private readonly ImageStore _store;
    private readonly ILayer[] _lowersTopFirst;
    private readonly IWritableLayer _upper;
    private readonly IContainerFiles _files;
    private readonly OverlayFileSystem _rootFs;
    private readonly HashSet<string> _initPaths;
    private int _disposed;

    internal Container(ImageStore store, ContainerRecord record, Image image, IReadOnlyList<ILayer> lowersTopFirst, IWritableLayer upper, IContainerFiles files, GraphDriverData graphDriver, TimeProvider clock)
    {
        _store = store;
        Id = record.Id;
        Name = record.Name;
        Hostname = record.Hostname;
        MountId = record.MountId;
        Image = image;
        _lowersTopFirst = [.. lowersTopFirst];
        _upper = upper;
        _files = files;
        GraphDriver = graphDriver;
        var options = ViewOptions with { Clock = clock };
        FileSystem = new OverlayFileSystem(_lowersTopFirst, new BindMountedUpper(upper, _lowersTopFirst, files), options);
        _rootFs = new OverlayFileSystem(_lowersTopFirst, upper, options);
        _initPaths = [.. Images.InitLayer.Files, Images.InitLayer.MtabLink.Key];
    }

    /// <summary>The container id: 64 hex digits.</summary>
    public string Id { get; }

    /// <summary>The container's name.</summary>
    public string Name { get; }

    /// <summary>The hostname in the container's <c>/etc/hostname</c> when it was created.</summary>
    public string Hostname { get; }

    /// <summary>The container layer's directory name (overlay2's mount id); the init layer's is this with "-init".</summary>
    public string MountId { get; }

    /// <summary>The image the container was created from.</summary>
    public Image Image { get; }

    /// <summary>
    /// The merged view, what a process in the container sees: the container's layer over its init
    /// layer over the image's layers. <c>/etc/hostname</c>, <c>/etc/hosts</c> and
    /// <c>/etc/resolv.conf</c> are the container's own files, bind-mounted as Docker does: writes to
    /// them never reach the container's layer, so never a diff, a commit or an export; deleting or
    /// renaming them fails with EBUSY.
    /// </summary>
    public OverlayFileSystem FileSystem { get; }

    /// <summary>The lowers, topmost first: the init layer, then the image's layers top to bottom.</summary>
    public IReadOnlyList<ILayer> LowersTopFirst => _lowersTopFirst;

    /// <summary>The init layer (<c>&lt;mount-id&gt;-init</c>).</summary>
    public ILayer InitLayer => _lowersTopFirst[0];

    /// <summary>The container's own layer, the upper, as it is stored (read it; write through <see cref="FileSystem"/>).</summary>
    public ILayer Upper => _upper;

    /// <summary>The container's directories as <c>docker inspect</c> prints them.</summary>
    public GraphDriverData GraphDriver { get; }

    /// <summary>Where the container's <c>/etc/hostname</c> lives (<c>&lt;root&gt;/containers/&lt;id&gt;/hostname</c>).</summary>
    public string HostnamePath => _files.PathOf("hostname");

    /// <summary>Where the container's <c>/etc/hosts</c> lives.</summary>
    public string HostsPath => _files.PathOf("hosts");

    /// <summary>Where the container's <c>/etc/resolv.conf</c> lives.</summary>
    public string ResolvConfPath => _files.PathOf("resolv.conf");

    /// <summary>
    /// What the container changed, as <c>docker diff</c> lists it (sorted by path): <c>A</c> added,
    /// <c>C</c> changed, <c>D</c> deleted. A deleted directory is one <c>D</c>; a directory deleted
    /// and made again is <c>C</c>, with <c>A</c> for its new children and <c>D</c> for each direct
    /// child the image had; a directory holding changes is <c>C</c>. The init layer's files and the
    /// bind-mounted files never appear.
    /// </summary>
    /// <param name="cancellationToken">Checked at each directory of the upper.</param>
    /// <returns>The changes.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IReadOnlyList<OverlayChange> Diff(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return [.. _rootFs.Changes(cancellationToken).Where(c => !_initPaths.Contains(c.Path))];
    }

    /// <summary>
    /// Makes a new image from the container, as <c>docker commit</c> does: one new layer holding
    /// the container's layer alone (never the init layer or the bind-mounted files), on top of the
    /// image's layers. The layer's diff_id is the sha256 of the layer tar Docker writes for it.
    /// </summary>
    /// <param name="tag">A name for the new image, or <see langword="null"/>.</param>
    /// <param name="comment">A comment kept with the image, or <see langword="null"/>.</param>
    /// <param name="progress">Told after each member while the layer's diff_id is computed (stage <see cref="Oci.OciProgressStage.Exporting"/>, item <c>"layer"</c>) and when the layer is in the store (<see cref="Oci.OciProgressStage.Completed"/>).</param>
    /// <param name="cancellationToken">Checked while the layer is digested and copied; a cancelled commit leaves no image and no half-copied layer.</param>
    /// <returns>The new image.</returns>
    /// <exception cref="IOException">The container's layer holds what a layer tar cannot: a name starting with <c>.wh.</c>, or a redirected directory.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Image Commit(string? tag = null, string? comment = null, IProgress<Oci.OciProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _store.CommitLayer(Image, _upper, tag, comment, Id, progress, cancellationToken);
    }

    /// <summary>
    /// Writes the container's file system as a tar, as <c>docker export</c> does: the flattened
    /// merged view (init layer files included, empty as the init layer holds them; no whiteouts),
    /// every directory before its children, names in ordinal order, with numeric owners, the full
    /// mode (setuid, setgid, sticky), extended attributes (PAX <c>SCHILY.xattr.*</c>), a hard-linked
    /// file's later names as link entries to the first, devices and FIFOs.
    /// </summary>
    /// <param name="destination">Where the tar goes; left open.</param>
    /// <param name="cancellationToken">Checked before each member; a cancelled export leaves a partial tar in the stream.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public void Export(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ThrowIfDisposed();
        Oci.Export.MergedViewTarExporter.Export(_rootFs, destination, cancellationToken: cancellationToken);
    }

    /// <summary>Closes the container: its layers are released; what it wrote stays in the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _store.Closed(this, [.. _lowersTopFirst, _upper]);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Id[..12]})";

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
