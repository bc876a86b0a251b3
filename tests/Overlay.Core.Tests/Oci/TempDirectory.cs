namespace Overlay.Tests.Oci;

/// <summary>A temporary directory removed (with its read-only children) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "overlay-oci-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        foreach (string d in Directory.EnumerateDirectories(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(d, (UnixFileMode)0b111_000_000);
            }
        }

        Directory.Delete(Path, recursive: true);
    }
}
