using System.Runtime.Versioning;
using Overlay.Layers;
using Overlay.Layers.Host;
using Overlay.Tests.Reliability;
using Overlay.Tests.Support;

namespace Overlay.Tests.Union;

/// <summary>
/// A file created through a host upper is not read back for what the layer has just made: one
/// <c>statx</c> (its owner, which the storage decides) and no read of a
/// <c>user.containers.override_stat</c> record, which a new inode cannot carry. Anything done to
/// the file afterwards, and any create over a name that holds something, reads the storage as before.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Disk")]
[Collection(SyscallFaultCollection.Name)]
public sealed class HostUpperCreateCallsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("overlay-test-create-calls-").FullName;

    public void Dispose()
    {
        LinuxSyscalls.Fault = null;
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACreateInAKnownDirectory_StatsTheNewFileOnce_AndReadsNoRecord(bool ownersInAttributes)
    {
        SkipUnlessLinux();
        var overlay = Overlay(ownersInAttributes, owner: null);
        overlay.Directory.CreateDirectory("/new");
        overlay.File.WriteAllText("/new/a", "a");
        string created = Path.Combine(_root, "upper/new/b");

        var calls = Watch(() => overlay.File.WriteAllText("/new/b", "b"));

        calls.Where(c => c.Path == created && c.Call == "statx").Should().HaveCount(1, "the owner is read once, the kind is known");
        calls.Where(c => c.Path == created && c.Call == "getxattr").Should().BeEmpty("a new inode holds no attribute");
        calls.Where(c => c.Path == created && c.Call == "open").Should().HaveCount(1);
        overlay.File.ReadAllText("/new/b").Should().Be("b");
        overlay.Unix.GetOwner("/new/b").Should().Be(ProcessCredentials.Owner);
        overlay.Directory.GetFiles("/new").Select(Path.GetFileName).Should().BeEquivalentTo(["a", "b"]);
    }

    [Fact]
    public void AnOwnerRecordedAfterTheCreate_IsReadBack_AndACreateOverTheNameKeepsIt()
    {
        SkipUnlessLinux();
        var other = new UnixOwner(4242, 4343);
        var overlay = Overlay(ownersInAttributes: true, owner: other);
        overlay.Directory.CreateDirectory("/new");
        string host = Path.Combine(_root, "upper/new/f");

        overlay.File.WriteAllText("/new/f", "first");

        overlay.Unix.GetOwner("/new/f").Should().Be(other, "the new file was given the overlay's owner as a record");
        LinuxSyscalls.GetXattr(host, HostDirectoryLayer.OverrideStatAttribute, out var record).Should().Be(0);
        System.Text.Encoding.ASCII.GetString(record!).Should().StartWith("4242:4343:");

        var calls = Watch(() => overlay.File.WriteAllText("/new/f", "second"));

        calls.Where(c => c.Path == host && c.Call == "statx").Should().NotBeEmpty("an existing file is looked at before it is opened");
        overlay.File.ReadAllText("/new/f").Should().Be("second");
        overlay.Unix.GetOwner("/new/f").Should().Be(other);
        overlay.File.Delete("/new/f");
        overlay.File.Exists("/new/f").Should().BeFalse();
    }

    [Fact]
    public void AStorageErrorOnTheNewFilesOwner_Throws()
    {
        SkipUnlessLinux();
        var overlay = Overlay(ownersInAttributes: true, owner: null);
        overlay.Directory.CreateDirectory("/new");
        string host = Path.Combine(_root, "upper/new/f");
        LinuxSyscalls.Fault = (call, path) => call == "statx" && path == host ? 5 : 0;
        try
        {
            FluentActions.Invoking(() => overlay.File.WriteAllText("/new/f", "x"))
                .Should().Throw<IOException>().Which.Should().NotBeOfType<FileNotFoundException>();
        }
        finally
        {
            LinuxSyscalls.Fault = null;
        }

        overlay.File.WriteAllText("/new/g", "g");
        overlay.File.ReadAllText("/new/g").Should().Be("g");
    }

    private OverlayFileSystem Overlay(bool ownersInAttributes, UnixOwner? owner)
    {
        string lower = Path.Combine(_root, "lower");
        string upper = Path.Combine(_root, "upper");
        Directory.CreateDirectory(lower);
        Directory.CreateDirectory(upper);
        var upperLayer = new HostDirectoryLayer(upper, new HostDirectoryLayerOptions { WorkDirectory = Path.Combine(_root, "work") })
        {
            StoresOwnersInAttributes = ownersInAttributes,
        };
        var options = owner is { } given ? new OverlayOptions { Owner = given } : null;
        return new OverlayFileSystem([new HostDirectoryLayer(lower)], upperLayer, options);
    }

    private static List<(string Call, string Path)> Watch(Action action) => SyscallRecorder.Record(action);

    private static void SkipUnlessLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The calls are counted on Linux.");
        }
    }
}
