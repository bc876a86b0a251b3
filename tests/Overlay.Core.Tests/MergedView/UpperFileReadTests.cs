using Overlay.Layers;
using Overlay.Union;

namespace Overlay.Tests.MergedView;

/// <summary>
/// ReadAllBytes and ReadAllText of a file in an in-memory upper take a short way (one walk of the
/// upper's tree and a copy, the FileShare lock checked rather than taken). These pin that the short
/// way answers as the general one does: the FileShare locks of open streams, links, whiteouts,
/// opaque directories, names too long, trailing separators, and the lookup trace.
/// </summary>
public sealed class UpperFileReadTests
{
    private static (OverlayFileSystem Fs, MemoryLayer Upper) Overlay(MemoryLayer? lower = null)
    {
        var upper = new MemoryLayer("upper");
        return (new OverlayFileSystem([lower ?? new MemoryLayer("lower")], upper), upper);
    }

    [Fact]
    public void An_upper_file_open_without_sharing_is_not_read_until_it_is_closed()
    {
        var (fs, _) = Overlay();
        fs.Directory.CreateDirectory("/d");
        fs.File.WriteAllText("/d/f", "before");

        using (var writer = fs.File.Open("/d/f", FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            writer.Write("after!"u8);
            Assert.Throws<IOException>(() => fs.File.ReadAllText("/d/f"));
            Assert.Throws<IOException>(() => fs.File.ReadAllBytes("/d/f"));
        }

        fs.File.ReadAllText("/d/f").Should().Be("after!");
    }

    [Fact]
    public void An_exclusive_lock_on_another_file_leaves_this_one_readable()
    {
        var (fs, _) = Overlay();
        fs.File.WriteAllText("/locked", "x");
        fs.File.WriteAllText("/free", "free data");

        using (fs.File.Open("/locked", FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            fs.File.ReadAllText("/free").Should().Be("free data");
        }
    }

    [Fact]
    public void A_file_open_with_sharing_is_read_with_what_its_stream_wrote()
    {
        var (fs, _) = Overlay();
        fs.File.WriteAllText("/f", "0123456789");

        using var writer = fs.File.Open("/f", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        writer.Write("ab"u8);
        writer.Flush();

        fs.File.ReadAllText("/f").Should().Be("ab23456789");
    }

    [Fact]
    public void A_link_among_the_upper_directories_is_followed_as_the_general_walk_does()
    {
        var (fs, upper) = Overlay();
        upper.AddFile("/real/f", "through the link");
        upper.AddSymbolicLink("/link", "/real");
        upper.AddSymbolicLink("/real/to-f", "f");

        fs.File.ReadAllText("/link/f").Should().Be("through the link");
        fs.File.ReadAllText("/real/to-f").Should().Be("through the link");
    }

    [Fact]
    public void A_whiteout_or_an_opaque_directory_hides_the_lowers_as_before()
    {
        var lower = new MemoryLayer("lower").AddFile("/gone/f", "lower").AddFile("/opaque/f", "lower");
        var (fs, upper) = Overlay(lower);
        upper.AddWhiteout("/gone");
        upper.AddDirectory("/opaque", opaque: true);

        Assert.Throws<DirectoryNotFoundException>(() => fs.File.ReadAllText("/gone/f"));
        Assert.Throws<FileNotFoundException>(() => fs.File.ReadAllText("/opaque/f"));

        upper.AddFile("/opaque/f", "upper");
        fs.File.ReadAllText("/opaque/f").Should().Be("upper");
    }

    [Fact]
    public void An_upper_file_hides_a_lower_file_and_a_lower_directory_of_its_name()
    {
        var lower = new MemoryLayer("lower").AddFile("/d/f", "lower").AddFile("/e/g", "lower");
        var (fs, upper) = Overlay(lower);
        upper.AddFile("/d/f", "upper");
        upper.AddFile("/e", "a file now");

        fs.File.ReadAllText("/d/f").Should().Be("upper");
        fs.File.ReadAllText("/e").Should().Be("a file now");
        Assert.Throws<DirectoryNotFoundException>(() => fs.File.ReadAllText("/e/g"));
    }

    [Fact]
    public void Directories_and_trailing_separators_fail_as_System_IO_does()
    {
        var (fs, upper) = Overlay();
        upper.AddFile("/d/f", "data");

        Assert.Throws<UnauthorizedAccessException>(() => fs.File.ReadAllText("/d"));
        Assert.Throws<DirectoryNotFoundException>(() => fs.File.ReadAllText("/d/f/"));
        Assert.Throws<FileNotFoundException>(() => fs.File.ReadAllText("/d/none"));
        Assert.Throws<DirectoryNotFoundException>(() => fs.File.ReadAllText("/none/f"));
    }

    [Fact]
    public void A_name_longer_than_NAME_MAX_is_refused_even_when_the_upper_holds_it()
    {
        var (fs, upper) = Overlay();
        string name = new('n', 256);
        upper.AddFile("/d/" + name, "data");
        upper.AddFile("/d/" + new string('n', 255), "fits");

        Assert.Throws<PathTooLongException>(() => fs.File.ReadAllText("/d/" + name));
        fs.File.ReadAllText("/d/" + new string('n', 255)).Should().Be("fits");
    }

    [Fact]
    public void A_traced_read_of_an_upper_file_reports_its_lookup()
    {
        var (fs, upper) = Overlay();
        upper.AddFile("/d/f", "data");
        var events = new List<OverlayEvent>();
        fs.LookupTrace += (_, e) => events.Add(e);

        fs.File.ReadAllText("/d/f").Should().Be("data");

        events.Should().ContainSingle(e => e.Kind == OverlayEventKind.Lookup && e.Path == "/d/f" && e.Layer == "upper");
    }

    [Fact]
    public void A_file_renamed_deleted_and_made_again_is_read_at_its_new_state()
    {
        var (fs, _) = Overlay();
        fs.Directory.CreateDirectory("/a/b");
        fs.File.WriteAllText("/a/b/f", "first");
        fs.File.ReadAllText("/a/b/f").Should().Be("first");

        fs.Directory.Move("/a", "/c");
        Assert.Throws<DirectoryNotFoundException>(() => fs.File.ReadAllText("/a/b/f"));
        fs.File.ReadAllText("/c/b/f").Should().Be("first");

        fs.Directory.Delete("/c", recursive: true);
        fs.Directory.CreateDirectory("/c/b");
        Assert.Throws<FileNotFoundException>(() => fs.File.ReadAllText("/c/b/f"));
        fs.File.WriteAllText("/c/b/f", "second");
        fs.File.ReadAllText("/c/b/f").Should().Be("second");
    }

    [Fact]
    public void Table_UnlockedRead_StandsOnlyWhenNoExclusiveLockWasHeldOrGranted()
    {
        var table = new ShareTable(enabled: true);
        table.TryAcquire("/shared", ShareLock.Shared, out var shared).Should().BeTrue();

        table.TryBeginUnlockedRead(ShareLock.Shared, out long stamp).Should().BeTrue("a shared lock does not refuse a read");
        table.ConfirmUnlockedRead(stamp).Should().BeTrue();

        table.TryBeginUnlockedRead(ShareLock.Shared, out stamp).Should().BeTrue();
        table.TryAcquire("/other", ShareLock.Exclusive, out var exclusive).Should().BeTrue();
        exclusive!.Release();
        table.ConfirmUnlockedRead(stamp).Should().BeFalse("an exclusive lock was granted while the read copied");

        table.TryAcquire("/other", ShareLock.Exclusive, out exclusive).Should().BeTrue();
        table.TryBeginUnlockedRead(ShareLock.Shared, out _).Should().BeFalse("an exclusive lock is held");
        table.TryBeginUnlockedRead(ShareLock.Exclusive, out _).Should().BeFalse("an exclusive read is never unlocked");
        exclusive!.Release();
        shared!.Release();

        table.TryBeginUnlockedRead(ShareLock.Shared, out stamp).Should().BeTrue("every exclusive lock was released");
        table.ConfirmUnlockedRead(stamp).Should().BeTrue();
    }

    [Fact]
    public void Table_Disabled_LetsEveryUnlockedReadStand()
    {
        var table = new ShareTable(enabled: false);
        table.TryAcquire("/f", ShareLock.Exclusive, out _).Should().BeTrue();

        table.TryBeginUnlockedRead(ShareLock.Shared, out long stamp).Should().BeTrue();
        table.ConfirmUnlockedRead(stamp).Should().BeTrue();
    }
}
