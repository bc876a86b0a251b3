using System.Runtime.Versioning;
using Overlay.Layers;

namespace Overlay.Tests.Conformance;

/// <summary>
/// The targets are what they claim: on an overlay with the seed in the lowers, the upper starts
/// empty, every write copies up and every delete of a seeded name leaves a whiteout; on an overlay
/// with empty lowers, the seed is in the upper. On the disk, the same calls simply work.
/// </summary>
/// <param name="target">What the tests run against.</param>
[SupportedOSPlatform("linux")]
public abstract class TargetTests(ConformanceTarget target) : ConformanceTests(target)
{
    [Fact]
    public void TheSeed_LivesWhereTheTargetSays()
    {
        Fs.File.ReadAllText(P("/d/a.txt")).Should().Be("alpha");
        if (Sut.Overlay is { } overlay)
        {
            overlay.Upper!.TryGetEntry("/d/a.txt", out _).Should().Be(!SeedInLowers);
            overlay.LowersTopFirst.Any(l => l.TryGetEntry("/d/a.txt", out _)).Should().Be(SeedInLowers);
        }
    }

    [Fact]
    public void AWrite_OfASeededFile_LandsInTheUpper()
    {
        Fs.File.AppendAllText(P("/d/sub/c.txt"), "!");
        Fs.File.ReadAllText(P("/d/sub/c.txt")).Should().Be("gamma\n!");
        if (Sut.Overlay is { } overlay)
        {
            overlay.Upper!.TryGetEntry("/d/sub/c.txt", out var entry).Should().BeTrue();
            entry.Kind.Should().Be(LayerEntryKind.File);
        }
    }

    [Fact]
    public void ADelete_OfASeededFile_LeavesAWhiteoutOnlyOverALower()
    {
        Fs.File.Delete(P("/d/b.bin"));
        Fs.File.Exists(P("/d/b.bin")).Should().BeFalse();
        if (Sut.Overlay is { } overlay)
        {
            bool stored = overlay.Upper!.TryGetEntry("/d/b.bin", out var entry);
            stored.Should().Be(SeedInLowers);
            if (stored)
            {
                entry.Kind.Should().Be(LayerEntryKind.Whiteout);
            }
        }
    }
}
