using Overlay.Layers;
using Overlay.Tests.KernelScenarios;

namespace Overlay.Tests.Layers;

/// <summary>
/// A whiteout's mtime is part of a layer tar (and so of its diff_id): setting it reaches the
/// stored form in every layer kind, and the store's layer copy keeps it, so a committed layer
/// exports the tar its diff_id was computed from.
/// </summary>
[Trait("Category", "Disk")]
public sealed class WhiteoutTimesTests : IDisposable
{
    private static readonly DateTime Stamp = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-whiteout-times-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Kinds() => new() { "memory", "oci", "kernel" };

    private IWritableLayer Upper(string kind, string name)
    {
        if (kind == "memory")
        {
            return new MemoryLayer(name);
        }

        string directory = Directory.CreateDirectory(Path.Combine(_root, name, "diff")).FullName;
        return new HostDirectoryLayer(directory, new HostDirectoryLayerOptions
        {
            Name = name,
            WorkDirectory = Path.Combine(_root, name, "work"),
            WhiteoutForm = kind == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci,
        });
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SetTimes_OnAWhiteout_StampsItsStoredForm(string kind)
    {
        if (kind == "kernel" && (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0))
        {
            Assert.Skip("The kernel form's whiteout devices need root on Linux: run as root, e.g. sudo dotnet test.");
        }

        var upper = Upper(kind, "upper");
        upper.Publish(upper.StageWhiteout(), "/gone", keepParentTimes: true);

        upper.SetTimes("/gone", Stamp, Stamp);

        upper.TryGetEntry("/gone", out var entry).Should().BeTrue();
        entry.Kind.Should().Be(LayerEntryKind.Whiteout);
        entry.LastWriteTimeUtc.Should().Be(Stamp);
        upper.ListDirectory("/").Single().LastWriteTimeUtc.Should().Be(Stamp);
        var missing = () => upper.SetTimes("/nothing", Stamp, Stamp);
        missing.Should().Throw<FileNotFoundException>().WithMessage("*'/nothing'*");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ACommittedUpper_KeepsItsWhiteoutTimes(string kind)
    {
        if (kind == "kernel" && (!OperatingSystem.IsLinux() || LinuxNative.GetEffectiveUserId() != 0))
        {
            Assert.Skip("The kernel form's whiteout devices need root on Linux: run as root, e.g. sudo dotnet test.");
        }

        var source = Upper(kind, "source");
        source.Publish(source.StageWhiteout(), "/gone", keepParentTimes: true);
        source.SetTimes("/gone", Stamp, Stamp);
        var copy = Upper(kind, "copy");

        Overlay.Images.LayerCopy.Copy(source, copy);

        copy.TryGetEntry("/gone", out var entry).Should().BeTrue();
        entry.Kind.Should().Be(LayerEntryKind.Whiteout);
        entry.LastWriteTimeUtc.Should().Be(Stamp);
    }
}
