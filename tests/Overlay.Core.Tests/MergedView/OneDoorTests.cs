using System.Reflection;
using Overlay.MergedView;
using Overlay.Union;

namespace Overlay.Tests.MergedView;

/// <summary>
/// The facade reaches the engine through one door: PosixIo (and the watch hub the engine's change
/// feed drives); no other facade type holds the engine, and results come back as values, never
/// through thread-static side channels.
/// </summary>
public sealed class OneDoorTests
{
    private const BindingFlags Everything = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> FacadeTypes() => typeof(OverlayFileSystem).Assembly.GetTypes()
        .Where(t => t == typeof(OverlayFileSystem) || t == typeof(OverlayUnix) || t.Namespace == typeof(PosixIo).Namespace);

    [Fact]
    public void OnlyTheDoorAndTheWatchHub_HoldTheEngine()
    {
        var holders = FacadeTypes()
            .Where(t => t.GetFields(Everything).Any(f => f.FieldType == typeof(UnionEngine))
                || t.GetProperties(Everything).Any(p => p.PropertyType == typeof(UnionEngine)))
            .Select(t => t.Name);

        // OverlayFileSystem holds the engine only to hand it to servers that speak POSIX to it
        // (Overlay.Fuse, through its internal Engine property); its own members go through PosixIo.
        holders.Should().BeEquivalentTo(nameof(PosixIo), nameof(OverlayWatchHub), nameof(OverlayFileSystem));
    }

    [Fact]
    public void TheFacade_HasNoThreadStaticState()
    {
        var threadStatics = FacadeTypes()
            .SelectMany(t => t.GetFields(Everything).Where(f => f.IsDefined(typeof(ThreadStaticAttribute))).Select(f => t.Name + "." + f.Name));

        threadStatics.Should().BeEmpty();
    }

    [Fact]
    public void CreateDirectoryWithAMode_GivesTheModeToTheLastDirectoryAndTheDefaultToItsParents()
    {
        var overlay = new OverlayFileSystem([new Overlay.Layers.MemoryLayer("lower").AddDirectory("/a")], new Overlay.Layers.MemoryLayer("upper"),
            new OverlayOptions { Umask = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite });

        overlay.Directory.CreateDirectory("/a/b/c", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        overlay.DirectoryInfo.New("/a/b/c").UnixFileMode.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        overlay.DirectoryInfo.New("/a/b").UnixFileMode.Should().Be((UnixFileMode)0b111_101_101, "a parent is made with 0777 less the umask");
        var again = () => overlay.Directory.CreateDirectory("/a/b/c", UnixFileMode.UserRead);
        again.Should().NotThrow("an existing directory is fine");
        overlay.DirectoryInfo.New("/a/b/c").UnixFileMode.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, "an existing directory keeps its mode");
    }
}
