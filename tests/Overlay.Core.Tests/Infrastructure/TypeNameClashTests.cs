using System.Formats.Tar;
using System.IO.Abstractions;

namespace Overlay.Tests.Infrastructure;

/// <summary>
/// No public type of the library has the simple name of a public type a user imports beside it
/// (System.Formats.Tar, System.IO, System.IO.Abstractions): with both namespaces imported, such a
/// name would not compile without qualification.
/// </summary>
public class TypeNameClashTests
{
    [Fact]
    public void PublicTypes_DoNotShareANameWithSystemFormatsTarOrSystemIoAbstractions()
    {
        var theirs = new[] { typeof(TarEntry).Assembly, typeof(IFileSystem).Assembly, typeof(FileSystemInfo).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.Namespace is "System.Formats.Tar" or "System.IO" or "System.IO.Abstractions")
            .Select(t => t.Name)
            .ToHashSet(StringComparer.Ordinal);

        typeof(OverlayFileSystem).Assembly.GetExportedTypes().Select(t => t.Name).Where(theirs.Contains).Should().BeEmpty();
    }
}
