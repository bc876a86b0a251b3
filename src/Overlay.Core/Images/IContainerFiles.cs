using Overlay.Layers;

namespace Overlay.Images;

/// <summary>
/// Where a container's own files live outside its layers: <c>hostname</c>, <c>hosts</c> and
/// <c>resolv.conf</c>, which Docker keeps in <c>/var/lib/docker/containers/&lt;id&gt;/</c> and
/// bind-mounts over the init layer's empty files.
/// </summary>
internal interface IContainerFiles
{
    /// <summary>The file's entry (a regular file), named as in the container's /etc.</summary>
    LayerEntry Stat(string name);

    Stream Open(string name, FileAccess access);

    void SetUnixFileMode(string name, UnixFileMode mode);

    void SetTimes(string name, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc);

    /// <summary>Where the file lives, as <c>docker inspect</c> prints HostnamePath and the others.</summary>
    string PathOf(string name);

    /// <summary>Removes the files, with the container.</summary>
    void Delete();
}

/// <summary>A container's own files in memory.</summary>
internal sealed class MemoryContainerFiles(string root) : IContainerFiles
{
    private readonly MemoryLayer _files = new("container files");

    private IWritableLayer Writable => _files;

    public void Write(string name, string content) =>
        _files.AddFile("/" + name, content, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    public LayerEntry Stat(string name) =>
        _files.TryGetEntry("/" + name, out var entry) ? entry : throw new FileNotFoundException($"Container file '{name}' is missing.", PathOf(name));

    public Stream Open(string name, FileAccess access) => Writable.OpenFile("/" + name, access);

    public void SetUnixFileMode(string name, UnixFileMode mode) => Writable.SetUnixFileMode("/" + name, mode);

    public void SetTimes(string name, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc) =>
        Writable.SetTimes("/" + name, lastAccessTimeUtc, lastWriteTimeUtc);

    public string PathOf(string name) => root + "/" + name;

    public void Delete() => _files.Clear();
}

/// <summary>A container's own files in its directory on disk (<c>&lt;root&gt;/containers/&lt;id&gt;/</c>).</summary>
internal sealed class DiskContainerFiles(string directory) : IContainerFiles
{
    public void Write(string name, string content)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(PathOf(name), content);
    }

    public LayerEntry Stat(string name)
    {
        var info = new FileInfo(PathOf(name));
        if (!info.Exists)
        {
            throw new FileNotFoundException($"Container file '{name}' is missing.", info.FullName);
        }

        return new LayerEntry
        {
            Name = name,
            Kind = LayerEntryKind.File,
            Mode = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : info.UnixFileMode,
            Length = info.Length,
            LastWriteTimeUtc = info.LastWriteTimeUtc,
            LastAccessTimeUtc = info.LastAccessTimeUtc,
            CreationTimeUtc = info.CreationTimeUtc,
        };
    }

    public Stream Open(string name, FileAccess access) =>
        new FileStream(PathOf(name), FileMode.Open, access, FileShare.ReadWrite | FileShare.Delete);

    public void SetUnixFileMode(string name, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(PathOf(name), mode);
        }
    }

    public void SetTimes(string name, DateTime? lastAccessTimeUtc, DateTime? lastWriteTimeUtc)
    {
        if (lastAccessTimeUtc is { } atime)
        {
            File.SetLastAccessTimeUtc(PathOf(name), atime);
        }

        if (lastWriteTimeUtc is { } mtime)
        {
            File.SetLastWriteTimeUtc(PathOf(name), mtime);
        }
    }

    public string PathOf(string name) => Path.Combine(directory, name);

    public void Delete()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
