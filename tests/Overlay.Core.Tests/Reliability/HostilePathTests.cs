using System.IO.Abstractions;
using System.Security.Cryptography;
using Overlay.Tests.Support;

namespace Overlay.Tests.Reliability;

/// <summary>
/// Every crafted input of <see cref="HostilePaths"/> on every backend, over the standard lowers:
/// the outcome System.IO gives on a kernel mount, the lowers unchanged (checked when the scenario
/// is disposed), and the sentinel folder outside every layer root (on the real disk, and in the
/// MockFileSystem for that backend) exactly as it was.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Disk")]
public sealed class HostilePathTests
{
    /// <summary>Every backend × case.</summary>
    public static TheoryData<LayerBackend, string> Cases()
    {
        var data = new TheoryData<LayerBackend, string>();
        foreach (var backend in Enum.GetValues<LayerBackend>())
        {
            foreach (var hostile in HostilePaths.Cases)
            {
                data.Add(backend, hostile.Name);
            }
        }

        return data;
    }

    [Fact]
    public void Table_HasAtLeastFiftyDistinctCases() =>
        HostilePaths.Cases.Select(c => c.Name).Distinct().Count().Should().Be(HostilePaths.Cases.Length).And.BeGreaterThanOrEqualTo(50);

    [Theory]
    [MemberData(nameof(Cases))]
    public void HostileInput_AnswersAsSystemIOAndTouchesNothingOutside(LayerBackend backend, string name)
    {
        var hostile = HostilePaths.Cases.Single(c => c.Name == name);
        string sentinel = Path.Combine(Path.GetTempPath(), "overlay-tests", "sentinel-" + Guid.NewGuid().ToString("N"));
        using var scenario = new Scenario(backend);
        var sentinels = new List<IFileSystem> { new System.IO.Abstractions.FileSystem() };
        if (scenario.StorageFileSystem is { } storage and not System.IO.Abstractions.FileSystem)
        {
            sentinels.Add(storage);
        }

        try
        {
            foreach (var fs in sentinels)
            {
                fs.Directory.CreateDirectory(fs.Path.Combine(sentinel, "dir"));
                fs.File.WriteAllText(fs.Path.Combine(sentinel, "secret"), "secret");
                fs.File.WriteAllText(fs.Path.Combine(sentinel, "dir", "inner"), "inner");
            }

            var before = sentinels.Select(fs => Hash(fs, sentinel)).ToList();
            string outcome = Outcome.Of(() => hostile.Run(scenario.FileSystem, sentinel));
            string expected = (backend != LayerBackend.Memory && hostile.OciOutcome is { } oci ? oci : hostile.Expected).Replace("{S}", sentinel, StringComparison.Ordinal);
            Assert.True(outcome == expected, $"{hostile.Name} on {backend}: expected '{expected}', got '{outcome}'");
            sentinels.Select(fs => Hash(fs, sentinel)).Should().Equal(before, "nothing outside the overlay may change");
        }
        finally
        {
            if (Directory.Exists(sentinel))
            {
                Directory.Delete(sentinel, recursive: true);
            }
        }
    }

    private static string Hash(IFileSystem fs, string root)
    {
        var lines = new List<string>();
        Walk(root);
        return string.Join('\n', lines);

        void Walk(string directory)
        {
            lines.Add($"{directory} d {fs.Directory.GetLastWriteTimeUtc(directory):O}");
            foreach (var path in fs.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                var info = fs.FileInfo.New(path);
                if (info.LinkTarget is { } target)
                {
                    lines.Add($"{path} l {target}");
                }
                else if (fs.Directory.Exists(path))
                {
                    Walk(path);
                }
                else
                {
                    lines.Add($"{path} f {info.Length} {info.LastWriteTimeUtc:O} {Convert.ToHexString(SHA256.HashData(fs.File.ReadAllBytes(path)))}");
                }
            }
        }
    }

    private sealed class Scenario(LayerBackend backend) : OverlayScenario(backend)
    {
        public IFileSystem FileSystem => Overlay;

        public IFileSystem? StorageFileSystem => Store is FileSystemLayerStore stored ? stored.FileSystem : null;
    }
}
